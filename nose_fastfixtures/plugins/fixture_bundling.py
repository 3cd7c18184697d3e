"""``--with-fixture-bundling``: TestCase classes sharing fixtures run together on one committed load."""

import sys
from inspect import isclass

from nose_fastfixtures.errors import FastFixturesError
from nose_fastfixtures.harness import suites
from nose_fastfixtures.harness.patching import replace_class_attribute
from nose_fastfixtures.planning.durations import layer_key
from nose_fastfixtures.planning.timeline import TIMELINE
from nose_fastfixtures.plugins.base import FastFixturesPlugin


def _class_of(unit):
    context = getattr(unit, "context", None)
    return context if isclass(context) else None


class FixtureBundlingPlugin(FastFixturesPlugin):
    """Run TestCase classes that share fixture sets together, loading each set once;
    sets that contain each other are stacked as layers."""

    name = "fixture-bundling"
    score = 1400  # after the Django plugin; its order hook runs inside Django's prepareTest

    def configure(self, options, conf):
        super().configure(options, conf)
        if not self.enabled:
            return
        self.verbosity = conf.verbosity
        self.collect_only = bool(getattr(options, "collect_only", False))  # plans, loads nothing
        self.layers_for = {}   # class -> [fixture names of each layer], innermost last
        self.stack = []        # [(names, aliases, LoadRecord, {sequence: what its load consumed})]
        self.bundled = {}      # class -> what puts back its fixtures and hooks, while layers stand in
        self.sequences = {}    # alias -> LayerSequences
        self.loads = 0
        self.rows = 0
        self.djangos_loads = 0
        # Sequence values as in Django's order (PostgreSQL, serial runs): see database.class_sequences
        self.serial = int(getattr(options, "multiprocess_workers", 0) or 0) in (0, 1)
        self.class_sequences = None
        self.django = None

    def begin(self):
        from nose_fastfixtures.plugins.django_plugin import DjangoPlugin

        for plugin in self.conf.plugins.plugins:
            if isinstance(plugin, DjangoPlugin):
                self.django = plugin
                plugin.order_hooks.append(self.order)
                plugin.teardown_hooks.append(self.unload_all)

    def order(self, units):
        """Django's order with TestCase classes regrouped by fixture set (the order hook)."""
        from nose_fastfixtures.planning import bundling
        from nose_fastfixtures.plugins.django_plugin import unit_kind

        infos = [self._describe(unit, unit_kind(unit)) for unit in units]
        plan = bundling.plan(infos)
        # Called once for the run's units and once inside each module or package with nose
        # fixtures (the Django plugin's groups): the plans add up.
        self.layers_for.update({_class_of(step.info.key): step.layers for step in plan.steps if step.layers})
        self.djangos_loads += plan.djangos_loads()
        # A group's plan, and the run's plan around groups, only when it bundles something.
        if self.verbosity >= 2 and (plan.djangos_loads() or not any(suites.is_group(u) for u in units)):
            sys.stderr.write("\n".join(bundling.describe(plan)) + "\n")
        return [step.info.key for step in plan.steps]

    def _describe(self, unit, kind):
        from django.test import TestCase

        from nose_fastfixtures.planning import bundling

        cls = _class_of(unit)
        if kind != "testcase" or cls is None or not issubclass(cls, TestCase) or not cls.fixtures:
            return bundling.ClassInfo(unit, kind)
        aliases = tuple(cls._databases_names(include_mirrors=False))
        bundle = not getattr(cls, "exempt_from_fixture_bundling", False)
        return bundling.ClassInfo(unit, kind, tuple(cls.fixtures), aliases, bundle,
                                  f"{cls.__module__}.{cls.__qualname__}")

    def startContext(self, context):
        if not isclass(context):
            if self.class_sequences is not None:
                self.class_sequences.forget()
            # A module's or package's own nose fixtures (setup_module...) see no layer,
            # as under Django, where fixtures only exist inside a TestCase class.
            if self.stack and suites.has_own_fixtures(context):
                self._stack_up([], ())
                self._sequences_as_django_leaves_them()
            return
        sequences = self._class_sequences()
        if sequences is not None and context not in sequences:
            self._stack_up([], ())
            self._sequences_as_django_leaves_them()  # the TestCase classes are over
        layers = self.layers_for.get(context, [])
        # Asked only now: before the test databases exist it would query the real server.
        if layers and not context._databases_support_transactions():
            layers = []  # Django's TestCase then behaves like a TransactionTestCase
        aliases = tuple(context._databases_names(include_mirrors=False)) if layers else ()
        try:
            self._stack_up(layers, aliases)
        except FastFixturesError:
            self._stack_up([], ())
            return  # the class loads its own fixtures and reports the error as Django would
        if layers:
            # already loaded: Django's setUpClass must not load them again
            self.bundled[context] = [replace_class_attribute(context, "fixtures", []),
                                     self._watch_for_chosen_fixtures(context)]
            self._reset_sequences(aliases)
        if sequences is not None and context in sequences:
            self._start_sequences(sequences, context)

    def _class_sequences(self):
        """The replay of key counters for this run's TestCase classes (database.class_sequences),
        or None: a parallel run, or no PostgreSQL or MariaDB database."""
        if self.class_sequences is None and self.serial and self.django is not None and not self.collect_only:
            from django.db import connections
            from django.test import TestCase

            from nose_fastfixtures.database.class_sequences import ClassSequences, replayable

            classes = [cls for cls in self.django.class_order if issubclass(cls, TestCase)]
            if classes and any(replayable(connection) for connection in connections.all()):
                self.class_sequences = ClassSequences(classes, self.sequences)
            else:
                self.serial = False  # nothing to replay: never asked again
        return self.class_sequences

    def _start_sequences(self, sequences, cls):
        models, extra = {}, {}
        for names, aliases, record, consumed in self.stack:
            for alias in aliases:
                models.setdefault(alias, []).extend(record.records[alias].models)
            for name, count in consumed.items():
                extra[name] = extra.get(name, 0) + count
        sequences.class_starts(cls, cls._databases_names(include_mirrors=False), models, extra)

    def _sequences_as_django_leaves_them(self):
        """After the last TestCase class: the values Django's order leaves for what follows,
        and a warning naming the classes that may have seen other keys than under Django."""
        from nose_fastfixtures.harness import interrupts

        if self.class_sequences is None or self.class_sequences.finished:
            return
        if interrupts.received():  # nothing runs after them; the databases are put back or dropped
            self.class_sequences.abandon()
            return
        differing = self.class_sequences.finish()
        if differing:
            sys.stderr.write(
                f"fixture bundling: {len(differing)} class{'es' if len(differing) != 1 else ''} ran "
                "before classes that come earlier in Django's order and create rows of the same "
                "models: the keys of rows they create may differ from manage.py test's (to check, "
                "run them without --with-fixture-bundling, or mark them exempt_from_fixture_bundling)\n")
            if self.verbosity >= 2:
                for cls, names in differing:
                    sys.stderr.write(f"  {cls.__module__}.{cls.__qualname__}: {', '.join(names)}\n")

    def _reset_sequences(self, aliases):
        from nose_fastfixtures.database.sequences import LayerSequences

        for alias in aliases:
            if alias not in self.sequences:
                self.sequences[alias] = LayerSequences(alias)
            self.sequences[alias].reset([record for _, on, record, _ in self.stack if alias in on])

    def startTest(self, test):
        """A test outside the bundled classes (a nose test function, a generator...) runs
        with no layer loaded: the plan runs them after the layers, which must be gone."""
        cls = type(suites.unwrap(test))
        if self.stack and cls not in self.bundled:
            self._stack_up([], ())
        if self.class_sequences is not None and cls not in self.class_sequences:
            self._sequences_as_django_leaves_them()

    def _watch_for_chosen_fixtures(self, cls):
        """Take the layers out if the class's setUpClass chooses its fixtures itself.

        Django's TestCase.setUpClass enters the class's transaction and then loads
        ``cls.fixtures``; a setUpClass that sets them before calling it (a mixin that
        picks fixtures by a setting) would get its own on top of the layers. The layers
        are removed inside the class's transaction, whose rollback brings them back.
        Returns what takes the hook away again.
        """
        enter_atomics = cls._enter_atomics

        def _enter_atomics(klass):
            restore()  # only setUpClass's call matters; later ones are per test
            atomics = enter_atomics()
            if klass.fixtures:
                if self.verbosity >= 2:
                    sys.stderr.write(f"fixture-bundling: {cls.__module__}.{cls.__qualname__} chose its "
                                     "own fixtures in setUpClass: it runs without the bundle's layers\n")
                for names, layer_aliases, record, _ in reversed(self.stack):
                    for alias in layer_aliases:
                        record.unload(alias)
            return atomics

        restore = replace_class_attribute(cls, "_enter_atomics", classmethod(_enter_atomics))
        return restore

    def stopContext(self, context):
        for restore in self.bundled.pop(context, ()):  # the hook too, if setUpClass never ran
            restore()
        if self.class_sequences is not None and not isclass(context):
            self.class_sequences.forget()
        if self.class_sequences is not None and isclass(context):
            from nose_fastfixtures.harness import interrupts

            if interrupts.received():  # a statement may be stopped half-way: ask nothing more
                self.class_sequences.abandon()
            else:
                self.class_sequences.class_ends(context)

    def _stack_up(self, layers, aliases):
        """Unload layers until the loaded ones begin *layers*, then load the rest."""
        from nose_fastfixtures.database import ledger

        keep = 0
        while (keep < len(self.stack) and keep < len(layers) and self.stack[keep][0] == layers[keep]
               and self.stack[keep][1] == aliases):
            keep += 1
        while len(self.stack) > keep:
            names, layer_aliases, record, _ = self.stack.pop()
            with TIMELINE.span("layer-unload", layer_key(layer_aliases, names)):
                for alias in layer_aliases:
                    record.unload(alias, like_rollback=True)
        for names in layers[keep:]:
            with TIMELINE.span("layer-load", layer_key(aliases, names)):
                if self.class_sequences is not None and not self.class_sequences.finished:
                    record, consumed = self.class_sequences.layer_load(
                        aliases, lambda: ledger.load(list(names), aliases))
                else:
                    record, consumed = ledger.load(list(names), aliases), {}
            self.stack.append((names, aliases, record, consumed))
            self.loads += 1
            self.rows += record.rows_loaded

    def unload_all(self):
        self._stack_up([], ())
        self._sequences_as_django_leaves_them()

    def parallel_stats(self):
        """What a worker loaded, for the parent to add up (parallel runs)."""
        return {"loads": self.loads, "rows": self.rows}

    def add_parallel_stats(self, stats):
        self.loads += stats.get("loads", 0)
        self.rows += stats.get("rows", 0)

    def report(self, stream):
        if self.collect_only:
            return
        stream.write(f"fixture loads: {self.loads} (Django's runner: {self.djangos_loads}), "
                     f"rows loaded: {self.rows:,}\n")
