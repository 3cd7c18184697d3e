"""``nosetests`` with a plugin that records every test's outcome (and the state checker).

Run as ``python -m tests.helpers.run_nose [nosetests arguments]``; it is nose's own
entry point (``nose.core.run_exit``) with the recorder added.
"""

from inspect import isclass

import nose
from nose.plugins import Plugin
from nose.plugins.skip import SkipTest
from nose.suite import ContextSuite

from tests.helpers.outcomes import Outcomes, fixture_key
from tests.helpers.state_checker import StateChecker


def _key(test):
    if isinstance(test, ContextSuite):
        context = test.context
        name = f"{context.__module__}.{context.__qualname__}" if isclass(context) else context.__name__
        return fixture_key(name, test.error_context or "setup")
    return test.id()


class OutcomeRecorder(Plugin):
    name = "outcome-recorder"
    enabled = True
    score = 1

    def options(self, parser, env):
        pass

    def configure(self, options, conf):
        self.outcomes = Outcomes()

    def prepareTestResult(self, result):
        outcomes = self.outcomes

        def wrap(method_name, outcome_of):
            original = getattr(result, method_name)

            def recorded(test, *args):
                outcome = outcome_of(*args)
                if outcome:
                    outcomes.record(_key(test), outcome)
                return original(test, *args)

            setattr(result, method_name, recorded)

        def error_outcome(err):
            return "skip" if isclass(err[0]) and issubclass(err[0], SkipTest) else "error"

        wrap("addSuccess", lambda: "pass")
        wrap("addFailure", lambda err: "fail")
        wrap("addError", error_outcome)
        wrap("addSkip", lambda reason: "skip")
        wrap("addExpectedFailure", lambda err: "xfail")
        wrap("addUnexpectedSuccess", lambda: "xpass")

    def finalize(self, result):
        self.outcomes.save()


if __name__ == "__main__":
    nose.main(addplugins=[OutcomeRecorder(), StateChecker()])
