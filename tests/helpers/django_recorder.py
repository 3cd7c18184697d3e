"""A DiscoverRunner that records every test's outcome: ``manage.py test --testrunner=...``."""

import unittest

from django.test.runner import DiscoverRunner

from tests.helpers.outcomes import Outcomes, unittest_key


class RecordingResult(unittest.TextTestResult):
    """Records each outcome; put in front of the runner's own result class (TextTestResult by default)."""

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


class Recording:
    """Mixed into the project's TEST_RUNNER class: its hooks run as without the recorder."""

    def get_resultclass(self):
        base = super().get_resultclass() or unittest.TextTestResult
        if issubclass(base, RecordingResult):
            return base
        return type(f"Recording{base.__name__}", (RecordingResult, base), {})

    def run_suite(self, suite, **kwargs):
        RecordingResult.outcomes = Outcomes()
        try:
            return super().run_suite(suite, **kwargs)
        finally:
            RecordingResult.outcomes.save()


def recording_runner(project_runner):
    """The project's runner class with the recorder mixed in (Django's DiscoverRunner if it has none)."""
    return type("RecordingRunner", (Recording, project_runner), {})


def __getattr__(name):
    """``RecordingRunner``: made when ``manage.py test --testrunner=...RecordingRunner`` asks for it,
    from ``settings.TEST_RUNNER`` (configured by then), so the project's runner still sets the run up."""
    if name != "RecordingRunner":
        raise AttributeError(name)
    from django.conf import settings
    from django.test.utils import get_runner

    project_runner = get_runner(settings)
    if not (isinstance(project_runner, type) and issubclass(project_runner, DiscoverRunner)):
        project_runner = DiscoverRunner
    return recording_runner(project_runner)
