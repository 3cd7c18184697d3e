"""``--with-fixture-bundling``: TestCase classes sharing fixtures run together on one committed load."""

import sys
from inspect import isclass

from nose.plugins import Plugin

from nose_fastfixtures import bundling
from nose_fastfixtures.errors import FastFixturesError


def _class_of(unit):
    context = getattr(unit, "context", None)
    return context if isclass(context) else None


class FixtureBundlingPlugin(Plugin):
    """Run TestCase classes that share fixture sets together, loading each set once;
    sets that contain each other are stacked as layers."""

    name = "fixture-bundling"
    score = 1400  # after the Django plugin; its order hook runs inside Django's prepareTest

    def configure(self, options, conf):
        super().configure(options, conf)
        if not self.enabled:
            return
        self.verbosity = conf.verbosity
        self.layers_for = {}   # class -> [fixture names of each layer], innermost last
        self.stack = []        # [(names, aliases, LoadRecord)]
        self.bundled = {}      # class -> its own fixtures, while its layers stand in for them
        self.loads = 0
        self.rows = 0
        self.djangos_loads = 0

    def begin(self):
        from nose_fastfixtures.plugins.django_plugin import DjangoPlugin

        for plugin in self.conf.plugins.plugins:
            if isinstance(plugin, DjangoPlugin):
                plugin.order_hooks.append(self.order)
                plugin.teardown_hooks.append(self.unload_all)

    def order(self, units):
        """Django's order with TestCase classes regrouped by fixture set (the order hook)."""
        from nose_fastfixtures.plugins.django_plugin import unit_kind

        infos = [self._describe(unit, unit_kind(unit)) for unit in units]
        plan = bundling.plan(infos)
        self.layers_for = {_class_of(step.info.key): step.layers for step in plan.steps if step.layers}
        self.djangos_loads = plan.djangos_loads()
        if self.verbosity >= 2:
            sys.stderr.write("\n".join(bundling.describe(plan)) + "\n")
        return [step.info.key for step in plan.steps]

    def _describe(self, unit, kind):
        from django.test import TestCase

        cls = _class_of(unit)
        if kind != "testcase" or cls is None or not issubclass(cls, TestCase) or not cls.fixtures:
            return bundling.ClassInfo(unit, kind)
        aliases = tuple(cls._databases_names(include_mirrors=False))
        bundle = not getattr(cls, "exempt_from_fixture_bundling", False)
        return bundling.ClassInfo(unit, kind, tuple(cls.fixtures), aliases, bundle,
                                  f"{cls.__module__}.{cls.__qualname__}")

    def startContext(self, context):
        if not isclass(context):
            return
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
            self.bundled[context] = context.__dict__.get("fixtures")
            context.fixtures = []  # already loaded: Django's setUpClass must not load them again
            for names, layer_aliases, record in self.stack:
                for alias in layer_aliases:
                    record.reset_sequences(alias)

    def stopContext(self, context):
        if context in self.bundled:
            own = self.bundled.pop(context)
            if own is None:
                del context.fixtures
            else:
                context.fixtures = own

    def _stack_up(self, layers, aliases):
        """Unload layers until the loaded ones begin *layers*, then load the rest."""
        from nose_fastfixtures import ledger

        keep = 0
        while (keep < len(self.stack) and keep < len(layers) and self.stack[keep][0] == layers[keep]
               and self.stack[keep][1] == aliases):
            keep += 1
        while len(self.stack) > keep:
            names, layer_aliases, record = self.stack.pop()
            for alias in layer_aliases:
                record.unload(alias, like_rollback=True)
        for names in layers[keep:]:
            record = ledger.load(list(names), aliases)
            self.stack.append((names, aliases, record))
            self.loads += 1
            self.rows += record.rows_loaded

    def unload_all(self):
        self._stack_up([], ())

    def report(self, stream):
        stream.write(f"fixture loads: {self.loads} (Django's runner: {self.djangos_loads}), "
                     f"rows loaded: {self.rows:,}\n")
