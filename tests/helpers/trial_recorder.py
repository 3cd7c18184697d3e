"""``trial``'s own runner with every test's outcome recorded: ``python -m tests.helpers.trial_recorder NAMES``.

Writes ``{test id: outcome}`` where NFF_OUTCOMES_FILE says, as the other recorders do.
"""

import sys

from twisted.trial import reporter, runner

from tests.helpers.outcomes import Outcomes


def main(names):
    suite = runner.TestLoader().loadByNames(names, recurse=True)
    with open("/dev/null", "w") as stream:
        result = reporter.Reporter(stream=stream)
        runner.TrialSuite([suite]).run(result)
    outcomes = Outcomes()
    for test, _ in result.failures:
        outcomes.record(test.id(), "fail")
    for test, _ in result.errors:
        outcomes.record(test.id(), "error")
    for test, _ in result.skips:
        outcomes.record(test.id(), "skip")
    for test, *_ in result.expectedFailures:
        outcomes.record(test.id(), "xfail")
    for test, *_ in result.unexpectedSuccesses:
        outcomes.record(test.id(), "xpass")
    for test in _leaves(suite):
        outcomes.record(test.id(), "pass")  # recorded last: any other outcome is worse and stays
    outcomes.save()
    return 0 if result.wasSuccessful() else 1


def _leaves(suite):
    for test in suite:
        if hasattr(test, "__iter__"):
            yield from _leaves(test)
        else:
            yield test


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
