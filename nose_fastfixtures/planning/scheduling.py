"""Scheduling a run over workers and shards: units of work, their estimated time, who runs what.

Pure: no Django, no nose, no processes. The parallel engine describes the run's units
(classes, modules or packages with nose fixtures, nose test functions) in Django's
order as ``Item``\\ s; this module groups them into ``WorkUnit``\\ s (a fixture bundle
runs in one worker, which loads each of its layers once), estimates each from the
measured durations (the test count where nothing is measured), splits a bundle much
longer than a worker's fair share at class boundaries, and orders them longest first
inside Django's groups. ``Dispatcher`` hands them to idle workers; ``shard`` picks the
K-th of N balanced parts the same way on every machine.
"""

from collections import deque
from dataclasses import dataclass, field

from nose_fastfixtures.planning import ordering

# Nothing measured at all: every test counts as this many seconds.
UNMEASURED_TEST_SECONDS = 1.0


@dataclass(frozen=True)
class Item:
    """One unit of Django's order, as the scheduler sees it."""

    key: object                 # what the engine runs (opaque here)
    name: str                   # stable name: "app.tests.test_x.OrderTests", a module, a test id
    kind: str                   # one of ordering.KINDS
    tests: int = 1              # how many tests it holds
    bundle: str = ""            # the bundle it belongs to ("" for none): items of one bundle are adjacent
    layers: tuple = ()          # keys (durations.layer_key) of the fixture layers it runs inside


@dataclass(frozen=True)
class WorkUnit:
    """Items that one worker runs together, in this order."""

    items: tuple
    estimate: float = 0.0

    @property
    def name(self):
        first = self.items[0].name
        return first if len(self.items) == 1 else f"{first} (+{len(self.items) - 1})"

    @property
    def rank(self):
        return ordering.rank(ordering.group_kind(item.kind for item in self.items))

    @property
    def tests(self):
        return sum(item.tests for item in self.items)


@dataclass
class Estimator:
    """Seconds for items and layers from measured durations; the test count where unmeasured."""

    classes: dict = field(default_factory=dict)   # item name -> seconds
    layers: dict = field(default_factory=dict)    # layer key -> seconds
    per_test: float = UNMEASURED_TEST_SECONDS

    @classmethod
    def from_durations(cls, items, classes, layers):
        """An estimator whose per-test rate comes from the measured items among *items*."""
        measured = [item for item in items if item.name in classes]
        tests = sum(item.tests for item in measured)
        seconds = sum(classes[item.name] for item in measured)
        per_test = seconds / tests if tests and seconds > 0 else UNMEASURED_TEST_SECONDS
        return cls(dict(classes), dict(layers), per_test)

    def item(self, item):
        seconds = self.classes.get(item.name)
        return seconds if seconds is not None else item.tests * self.per_test

    def unit(self, items):
        """An item list's time: its items, plus each layer it loads once."""
        loaded = {key for item in items for key in item.layers}
        return sum(self.item(item) for item in items) + sum(self.layers.get(key, 0.0) for key in loaded)


def group_bundles(items):
    """Adjacent items of one bundle make one list; every other item is a list of its own."""
    groups = []
    for item in items:
        if item.bundle and groups and groups[-1][-1].bundle == item.bundle:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def split_at_classes(items, estimator, share):
    """*items* (one bundle) cut into consecutive parts of at most about *share* seconds each.

    Each part loads its own layers, so a part is closed before it would pass *share*;
    a single item longer than *share* stays whole.
    """
    parts, current = [], []
    for item in items:
        if current and estimator.unit(current + [item]) > share:
            parts.append(current)
            current = []
        current.append(item)
    if current:
        parts.append(current)
    return parts


def plan(items, estimator, workers):
    """Work units for *workers*, in the order idle workers should take them.

    Django's groups stay in Django's order (a worker never runs a TestCase after a
    TransactionTestCase), longest first inside each; ties keep Django's order. A
    bundle longer than a fair share (the total over *workers*, but never less than
    the longest single class with its layers) is split.
    """
    groups = group_bundles(items)
    total = sum(estimator.unit(group) for group in groups)
    # No run is shorter than its longest class: parts shorter than that only add layer loads.
    longest = max((estimator.unit([item]) for item in items), default=0.0)
    share = max(total / max(workers, 1), longest)
    units = []
    for group in groups:
        parts = [group]
        if workers > 1 and len(group) > 1 and estimator.unit(group) > share:
            parts = split_at_classes(group, estimator, share)
        units.extend(WorkUnit(tuple(part), estimator.unit(part)) for part in parts)
    return order_longest_first(units)


def order_longest_first(units):
    position = {id(unit): index for index, unit in enumerate(units)}
    return sorted(units, key=lambda unit: (unit.rank, -unit.estimate, position[id(unit)]))


def parse_shard(text):
    """``"2/3"`` -> ``(2, 3)``; ValueError saying what is expected."""
    try:
        index, count = (int(part) for part in str(text).split("/"))
    except ValueError:
        raise ValueError(f"--shard takes K/N (for example 2/3), not {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"--shard={text}: K must be between 1 and N, and N at least 1")
    return index, count


def shard(items, estimator, index, count):
    """The items of shard *index* (1-based) of *count*, in their original order.

    Every machine computes the same split from the same items and durations:
    units are balanced longest first onto the least loaded shard (ties: the lower
    shard, then the unit's name), so shards 1..count together hold every item once.
    """
    units = plan(items, estimator, count)
    loads = [0.0] * count
    chosen = set()
    for unit in sorted(units, key=lambda unit: (-unit.estimate, unit.name)):
        target = min(range(count), key=lambda shard_index: (loads[shard_index], shard_index))
        loads[target] += unit.estimate
        if target == index - 1:
            chosen.update(id(item) for item in unit.items)
    return [item for item in items if id(item) in chosen]


class Dispatcher:
    """Hands work units to idle workers, in plan order; takes back what a dead worker left.

    Knows nothing of processes: the engine calls ``next_for`` when a worker is idle,
    ``requeue`` with the unstarted part of a dead worker's unit.
    """

    def __init__(self, units):
        self.queue = deque(units)
        self.running = {}  # worker -> unit

    def next_for(self, worker):
        """The next unit for *worker* (now idle), or None when there is nothing left."""
        self.running.pop(worker, None)
        if not self.queue:
            return None
        unit = self.queue.popleft()
        self.running[worker] = unit
        return unit

    def requeue(self, worker, unstarted_items):
        """*worker* is gone: the items of its unit it never started go first to the next idle worker."""
        self.running.pop(worker, None)
        if unstarted_items:
            self.queue.appendleft(WorkUnit(tuple(unstarted_items)))

    @property
    def pending(self):
        return len(self.queue)


def makespan(units, workers, seconds=lambda unit: unit.estimate):
    """How long *workers* take over *units* handed out in order to whoever is idle first."""
    finish = [0.0] * max(workers, 1)
    for unit in units:
        earliest = min(range(len(finish)), key=lambda worker: (finish[worker], worker))
        finish[earliest] += seconds(unit)
    return max(finish)
