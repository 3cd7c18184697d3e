"""Planning fixture bundles: which classes run together and which fixture layers load between them.

Pure logic over plain descriptions of test classes. Classes that may share committed
fixtures (Django ``TestCase`` classes, not exempt) are grouped by their set of
fixtures and databases; the sets form a forest by inclusion (``users`` under
``users+catalog`` under ``users+catalog+orders``), walked depth first, so moving
to a set that extends the loaded one loads only the difference, and leaving it
removes only that layer. Everything else keeps Django's order and runs with no
layer loaded, after the layers.
"""

from dataclasses import dataclass, field

from nose_fastfixtures.planning import ordering


@dataclass(frozen=True)
class ClassInfo:
    """What the planner knows of one unit of the run (usually a test class)."""

    key: object
    kind: str                # one of ordering.KINDS
    fixtures: tuple = ()     # fixture names, in the class's order
    aliases: tuple = ()      # database aliases the fixtures load into
    bundle: bool = False     # may run inside a shared, committed fixture layer
    name: str = ""           # for the printed plan


@dataclass
class Step:
    """Run *info* after unloading *unload* layers (innermost first) and loading *load*."""

    info: ClassInfo
    unload: int = 0
    load: tuple = ()         # fixture names of the new layer, () for none
    layers: list = field(default_factory=list)  # the layers loaded while the class runs


@dataclass
class Plan:
    steps: list
    final_unload: int        # layers still loaded after the last step

    @property
    def loads(self):
        return sum(1 for step in self.steps if step.load)

    def djangos_loads(self):
        """Fixture loads Django's runner makes for the same classes (once per class)."""
        return sum(1 for step in self.steps if step.info.fixtures and step.info.bundle)


def _group_key(info):
    return (info.aliases, frozenset(info.fixtures))


def _forest_order(sets):
    """Sets in depth-first order of the inclusion forest, each with its parent (or None)."""
    ordered = sorted(sets, key=lambda s: (len(s), sorted(s)))
    parent = {}
    for index, current in enumerate(ordered):
        candidates = [other for other in ordered[:index] if other < current]
        parent[current] = max(candidates, key=lambda s: (len(s), sorted(s))) if candidates else None
    children = {s: [] for s in ordered}
    roots = []
    for s in ordered:
        (children[parent[s]] if parent[s] is not None else roots).append(s)
    walk = []

    def visit(node):
        walk.append((node, parent[node]))
        for child in sorted(children[node], key=sorted):
            visit(child)

    for root in sorted(roots, key=sorted):
        visit(root)
    return walk


def plan(infos):
    """The run order with the layer loads and unloads between classes."""
    ordered = ordering.django_order(list(infos), lambda info: info.kind)
    testcases = [info for info in ordered if info.kind == "testcase"]
    before = [info for info in ordered if ordering.rank(info.kind) < ordering.rank("testcase")]
    after = [info for info in ordered if ordering.rank(info.kind) > ordering.rank("testcase")]

    unbundled = [info for info in testcases if not (info.bundle and info.fixtures)]
    groups = {}
    for info in testcases:
        if info.bundle and info.fixtures:
            groups.setdefault(_group_key(info), []).append(info)

    # Classes that load nothing shared run after the layers, in Django's order: every
    # class before them in Django's order has run, so the sequence values they start
    # from are known (database.class_sequences).
    steps = [Step(info) for info in before]
    stack = []  # [(alias tuple, frozenset of the layer's fixtures, fixture names)]
    by_aliases = {}
    for aliases, fixture_set in groups:
        by_aliases.setdefault(aliases, []).append(fixture_set)
    for aliases in sorted(by_aliases):
        for fixture_set, parent in _forest_order(by_aliases[aliases]):
            target_base = parent if parent is not None else frozenset()
            unload = 0
            while stack and (stack[-1][0] != aliases or not _loaded(stack) <= target_base):
                stack.pop()
                unload += 1
            members = groups[(aliases, fixture_set)]
            new = tuple(name for name in members[0].fixtures if name not in _loaded(stack))
            if new:
                stack.append((aliases, frozenset(new), new))
            first = True
            for info in members:
                steps.append(Step(info, unload=unload if first else 0, load=new if first else (),
                                  layers=[layer[2] for layer in stack]))
                first = False
    final = len(stack)
    rest = unbundled + after
    if rest and stack:
        steps.append(Step(rest[0], unload=len(stack)))
        rest = rest[1:]
        final = 0
    steps.extend(Step(info) for info in rest)
    return Plan(steps, final)


def _loaded(stack):
    loaded = frozenset()
    for _, names, _ in stack:
        loaded |= names
    return loaded


def describe(plan_):
    """Lines describing the plan, for verbosity 2."""
    lines = [f"fixture bundling: {plan_.loads} layer loads for {plan_.djangos_loads()} classes with fixtures"]
    for step in plan_.steps:
        if step.unload:
            lines.append(f"  unload {step.unload} layer{'s' if step.unload != 1 else ''}")
        if step.load:
            lines.append(f"  load layer {'+'.join(step.load)} into {', '.join(step.info.aliases)}")
        if step.layers:
            lines.append(f"    {step.info.name or step.info.key}")
    if plan_.final_unload:
        lines.append(f"  unload {plan_.final_unload} layers")
    return lines
