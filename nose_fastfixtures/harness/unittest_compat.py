"""What nose leaves out of unittest's protocol, put back so outcomes match Django's runner.

Nose runs class fixtures itself and talks to results through a proxy that predates
parts of unittest. Django's test cases rely on those parts:

* class cleanups (``addClassCleanup``, ``enterClassContext``): Django undoes its
  per-class database guards and settings overrides with them;
* a skipped class (``@skip``, ``skipUnlessDBFeature``) must not run ``setUpClass``;
* expected failures, unexpected successes and subtests need their own result calls.
"""

import sys
import unittest
from inspect import isclass

from nose.suite import ContextSuite


def _is_skipped_class(context):
    return isclass(context) and bool(getattr(context, "__unittest_skip__", False))


def _raise_first(exceptions):
    if exceptions:
        exc_type, exc_value, tb = exceptions[0]
        raise exc_value.with_traceback(tb)


class UnittestContextSuite(ContextSuite):
    """A nose ContextSuite that runs class and module fixtures as unittest does."""

    def setupContext(self, context):
        if not _is_skipped_class(context):
            try:
                super().setupContext(context)
            except Exception:
                if isclass(context) and issubclass(context, unittest.TestCase):
                    context.doClassCleanups()
                raise
            return
        # unittest neither sets up nor tears down a skipped class; its tests report the skip.
        self.config.plugins.startContext(context)
        if self.factory:
            self.factory.was_setup[context] = self

    def teardownContext(self, context):
        if _is_skipped_class(context):
            if self.factory:
                self.factory.was_torndown[context] = self
            self.config.plugins.stopContext(context)
            return
        try:
            super().teardownContext(context)
        finally:
            if isclass(context) and issubclass(context, unittest.TestCase):
                context.doClassCleanups()
                _raise_first(context.tearDown_exceptions)
            elif not isclass(context):
                unittest.case.doModuleCleanups()


class UnittestResult:
    """Wraps nose's per-test ResultProxy with the calls unittest makes beyond nose's."""

    def __init__(self, proxy):
        self._proxy = proxy

    def __getattr__(self, name):
        return getattr(self._proxy, name)

    def __setattr__(self, name, value):
        if name == "_proxy":
            object.__setattr__(self, name, value)
        else:
            setattr(self._proxy, name, value)

    @property
    def failfast(self):  # read by subTest; nose's proxy does not forward it
        return getattr(self._proxy.result, "failfast", False)

    def addExpectedFailure(self, test, err):
        expected_failure(self._proxy, err)

    def addUnexpectedSuccess(self, test):
        unexpected_success(self._proxy)

    def addSkip(self, test, reason):
        # A subtest that skips reports itself; nose's proxy only knows the test.
        self._proxy.addSkip(getattr(test, "test_case", test), reason)

    def addSubTest(self, test, subtest, err):
        if err is None:
            return
        if issubclass(err[0], test.failureException):
            self._proxy.addFailure(test, err)
        else:
            self._proxy.addError(test, err)


def expected_failure(proxy, err):
    """unittest's expected failure, through nose's per-test *proxy*, which has no call for it:
    the result records it, the plugins (xunit...) see a success, as unittest counts it."""
    proxy.plugins.addSuccess(proxy.test)
    proxy.result.addExpectedFailure(proxy.test, err)


def unexpected_success(proxy):
    """unittest's unexpected success: the result records it, the plugins see a failure, as
    the run fails (unittest's wasSuccessful, Django's exit status)."""
    try:
        raise AssertionError("unexpected success: the test is marked expectedFailure and passed")
    except AssertionError:
        err = sys.exc_info()
    proxy.plugins.addFailure(proxy.test, err)
    proxy.result.addUnexpectedSuccess(proxy.test)


def run_with_unittest_result(test):
    """A callable for nose's ``prepareTestCase`` hook: run *test* with a complete result."""
    from nose_fastfixtures.harness import trial_compat

    def run(result):
        result = UnittestResult(result)
        if trial_compat.is_trial_case(test.test):
            result = trial_compat.trial_reporter(result)
        test.test(result)
    return run


def count_unexpected_successes(result):
    """Make nose's result unsuccessful when a test unexpectedly succeeded, as unittest does."""
    was_successful = result.wasSuccessful

    def wasSuccessful():
        return was_successful() and not getattr(result, "unexpectedSuccesses", ())

    result.wasSuccessful = wasSuccessful
