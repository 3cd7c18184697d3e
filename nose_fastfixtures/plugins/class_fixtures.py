"""``--with-class-fixtures``: TransactionTestCase fixtures load once per class, not once per test."""

import sys
from inspect import isclass

from nose_fastfixtures.harness.suites import has_own_fixtures, unwrap
from nose_fastfixtures.plugins.base import FastFixturesPlugin

# Reasons not worth a line at verbosity 2: the class has nothing to speed up.
_QUIET_REASONS = ("not a TransactionTestCase",)
_STATES = "nose_fastfixtures.database.class_fixtures"


def drop_handover():
    """Remove rows a finished class left for the next one, before anything else runs."""
    states = sys.modules.get(_STATES)  # imported with the first class: nothing to drop before
    if states is not None:
        states.drop_handover()


def _under_module_fixtures(cls):
    """Whether the class's module or a package above it has nose fixtures (its teardown
    would run between this class and the next)."""
    parts = cls.__module__.split(".")
    names = (".".join(parts[:end]) for end in range(len(parts), 0, -1))
    return any(name in sys.modules and has_own_fixtures(sys.modules[name]) for name in names)


class ClassFixturesPlugin(FastFixturesPlugin):
    """Load TransactionTestCase fixtures once per class; after each test restore only the
    tables it wrote."""

    name = "class-fixtures"
    score = 1500  # after the Django plugin has set Django up; before bundling loads its layers

    def configure(self, options, conf):
        super().configure(options, conf)
        self.verbosity = conf.verbosity
        self.active = {}

    def begin(self):
        from nose_fastfixtures.plugins.django_plugin import DjangoPlugin

        for plugin in self.conf.plugins.plugins:
            if isinstance(plugin, DjangoPlugin):
                plugin.teardown_hooks.append(drop_handover)

    def startContext(self, context):
        if not isclass(context):
            drop_handover()
            return
        from nose_fastfixtures.database import class_fixtures

        if issubclass(context, class_fixtures.FastFixtureTestCase):
            drop_handover()
            return  # it manages its own fixtures
        reason = class_fixtures.ineligible_reason(context)
        if reason:
            drop_handover()
            if self.verbosity >= 2 and reason not in _QUIET_REASONS:
                sys.stderr.write(f"class-fixtures: {context.__module__}.{context.__qualname__} "
                                 f"runs Django's way ({reason})\n")
            return
        state = class_fixtures.ClassFixtures(context)
        handover = class_fixtures.take_handover(context)
        if handover is not None:
            state.take_over(handover)
            if self.verbosity >= 2:
                sys.stderr.write(f"class-fixtures: {state.name} starts from the fixtures "
                                 f"{handover.name} left (same set)\n")
        state.may_hand_over = not _under_module_fixtures(context)
        self.active[context] = state
        context._fixture_setup = classmethod(lambda cls: state.fixture_setup())
        context._fixture_teardown = lambda case: state.fixture_teardown(case)
        state.finish_before_class_teardown()

    def stopContext(self, context):
        state = self.active.pop(context, None)
        if state is not None:
            del context._fixture_setup, context._fixture_teardown
            state.restore_class_teardown()
            state.finish()

    def startTest(self, test):
        # Inside a class nothing waits (its start took the hand-over or removed it): a test
        # that still finds one is outside the classes (a function, a generator...).
        drop_handover()

    def afterTest(self, test):
        from nose_fastfixtures.database.class_fixtures import note_test_ran

        note_test_ran(unwrap(test))
