"""``--with-class-fixtures``: TransactionTestCase fixtures load once per class, not once per test."""

import sys
from inspect import isclass


from nose_fastfixtures.harness.suites import unwrap
from nose_fastfixtures.plugins.base import FastFixturesPlugin

# Reasons not worth a line at verbosity 2: the class has nothing to speed up.
_QUIET_REASONS = ("not a TransactionTestCase", "no fixtures")


class ClassFixturesPlugin(FastFixturesPlugin):
    """Load TransactionTestCase fixtures once per class; after each test restore only the
    tables it wrote."""

    name = "class-fixtures"
    score = 1500  # after the Django plugin has set Django up

    def configure(self, options, conf):
        super().configure(options, conf)
        self.verbosity = conf.verbosity
        self.active = {}

    def startContext(self, context):
        if not isclass(context):
            return
        from nose_fastfixtures.database import class_fixtures

        if issubclass(context, class_fixtures.FastFixtureTestCase):
            return  # it manages its own fixtures
        reason = class_fixtures.ineligible_reason(context)
        if reason:
            if self.verbosity >= 2 and reason not in _QUIET_REASONS:
                sys.stderr.write(f"class-fixtures: {context.__module__}.{context.__qualname__} "
                                 f"runs Django's way ({reason})\n")
            return
        state = class_fixtures.ClassFixtures(context)
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

    def afterTest(self, test):
        from nose_fastfixtures.database.class_fixtures import note_test_ran

        note_test_ran(unwrap(test))
