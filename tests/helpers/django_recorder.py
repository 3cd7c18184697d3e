"""A DiscoverRunner that records every test's outcome: ``manage.py test --testrunner=...``."""

import unittest

from django.test.runner import DiscoverRunner

from tests.helpers.outcomes import Outcomes, unittest_key


class RecordingResult(unittest.TextTestResult):
    outcomes = None

    def _record(self, test, outcome):
        self.outcomes.record(unittest_key(test), outcome)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "fail")

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skip")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "xpass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "fail" if issubclass(err[0], test.failureException) else "error")


class RecordingRunner(DiscoverRunner):
    def get_resultclass(self):
        return RecordingResult

    def run_suite(self, suite, **kwargs):
        RecordingResult.outcomes = Outcomes()
        try:
            return super().run_suite(suite, **kwargs)
        finally:
            RecordingResult.outcomes.save()
