"""Twisted trial's test cases under nose, with the outcomes ``trial`` gives them.

A trial ``TestCase`` runs itself against any result, but a plain unittest result makes
it report a ``todo`` test as a failure and an unexpected success as an
``UnsupportedTrialFeature`` failure. Given a result that speaks trial's reporter
interface, it reports them as expected failures and unexpected successes, as
``trial`` does. Twisted is never imported here unless the suite imported it.

Parallel workers are forked with the parent's reactor, if a test module installed one:
its epoll set and its waker pipe would be shared with the parent and the other
workers, so each worker gets its own (``after_fork``).
"""

import select
import sys

_reporter_class = None


def is_trial_case(case):
    trial = sys.modules.get("twisted.trial.unittest")
    return trial is not None and isinstance(case, trial.SynchronousTestCase)


def trial_reporter(result):
    """*result* (a unittest result) as a trial ``IReporter``."""
    global _reporter_class
    if _reporter_class is None:
        _reporter_class = _make_reporter_class()
    return _reporter_class(result)


def _make_reporter_class():
    from twisted.trial import itrial
    from twisted.trial.util import excInfoOrFailureToExcInfo
    from zope.interface import implementer

    @implementer(itrial.IReporter)
    class TrialReporter:
        """Trial's reporter calls in unittest's terms (trial's Failures as exc_info triples)."""

        def __init__(self, original):
            self.original = original

        def __getattr__(self, name):
            return getattr(self.original, name)

        def addError(self, test, error):
            self.original.addError(test, excInfoOrFailureToExcInfo(error))

        def addFailure(self, test, failure):
            self.original.addFailure(test, excInfoOrFailureToExcInfo(failure))

        def addExpectedFailure(self, test, failure, todo=None):
            self.original.addExpectedFailure(test, excInfoOrFailureToExcInfo(failure))

        def addUnexpectedSuccess(self, test, todo=None):
            self.original.addUnexpectedSuccess(test)

        def addSkip(self, test, reason):
            self.original.addSkip(test, str(reason))

        def upDownError(self, method, error, warn=True, printStatus=True):
            pass  # trial's own runner prints these; the test's error is reported anyway

        def done(self):
            pass

    return TrialReporter


def after_fork():
    """In a forked worker: a reactor of its own, if the parent had installed one."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or getattr(reactor, "running", False):
        return
    poller = getattr(reactor, "_poller", None)
    if hasattr(select, "epoll") and isinstance(poller, select.epoll):
        reactor._poller = select.epoll(1024)
        for fd in set(reactor._reads) | set(reactor._writes):
            flags = (select.EPOLLIN if fd in reactor._reads else 0) | \
                    (select.EPOLLOUT if fd in reactor._writes else 0)
            reactor._poller.register(fd, flags)
        poller.close()  # this process's handle only: the parent's set lives on
    waker = getattr(reactor, "waker", None)
    if waker is not None and hasattr(reactor, "installWaker"):
        reactor.removeReader(waker)
        reactor._internalReaders.discard(waker)
        waker.connectionLost(None)  # closes this process's copies of the shared pipe
        reactor.waker = None
        reactor.installWaker()
