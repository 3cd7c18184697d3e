"""Per-test outcomes, recorded the same way under Django's runner and under nosetests.

Both recorders write ``{test id: outcome}`` as JSON to the file named by
NFF_OUTCOMES_FILE. Outcomes: pass, fail, error, skip, xfail (expected failure),
xpass (unexpected success). An error raised by class or module fixtures is recorded
under ``"<class or module> [setup]"`` or ``"... [teardown]"`` on both sides.
"""

import json
import os
import re
import unittest

OUTCOMES_ENV = "NFF_OUTCOMES_FILE"
# Worst first: a test that both failed a subtest and errored in another is an error.
SEVERITY = ("error", "fail", "xpass", "skip", "xfail", "pass")
_FIXTURE_ERROR = re.compile(r"^(setUpClass|tearDownClass|setUpModule|tearDownModule) \((.+)\)$")


def fixture_key(name, phase):
    return f"{name} [{phase}]"


def unittest_key(test):
    """The key of a test under unittest/Django's runner, class fixture errors included."""
    # unittest reports class and module fixture errors on an _ErrorHolder, not a TestCase.
    match = None if isinstance(test, unittest.TestCase) else _FIXTURE_ERROR.match(str(test))
    if match:
        phase = "setup" if match.group(1).startswith("setUp") else "teardown"
        return fixture_key(match.group(2), phase)
    test = getattr(test, "test_case", test)  # a subtest counts for its test
    return test.id()


class Outcomes:
    """Collects outcomes and writes them where NFF_OUTCOMES_FILE says."""

    def __init__(self):
        self.outcomes = {}

    def record(self, key, outcome):
        previous = self.outcomes.get(key)
        if previous is None or SEVERITY.index(outcome) < SEVERITY.index(previous):
            self.outcomes[key] = outcome

    def save(self):
        path = os.environ.get(OUTCOMES_ENV)
        if path:
            with open(path, "w") as stream:
                json.dump(self.outcomes, stream, indent=1, sort_keys=True)


def load(path):
    with open(path) as stream:
        return json.load(stream)


def differences(expected, actual):
    """Lines describing every test whose outcome differs, sorted; empty when identical."""
    lines = []
    for key in sorted(set(expected) | set(actual)):
        left, right = expected.get(key, "missing"), actual.get(key, "missing")
        if left != right:
            lines.append(f"{key}: Django's runner {left}, nosetests {right}")
    return lines
