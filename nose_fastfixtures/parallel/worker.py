"""A worker process: runs the units it is handed on its own clones, and sends every result call home.

Forked from the parent once the test databases and their clones exist, a worker
shares the parent's loaded suite: tests and suites are named by their index in the
parent's list (``refs``), so events stay small. Each test's result calls (as nose's
result proxy makes them, after the worker's own plugins have seen them) go to the
parent in one batch when the test ends; the parent replays them to its reporters.
"""

import ctypes
import io
import os
import signal
import sys
import time
import traceback
import unittest

from nose_fastfixtures.harness import trial_compat
from nose_fastfixtures.harness.contexts import teardown_pending_contexts
from nose_fastfixtures.parallel.errors import PackedError
from nose_fastfixtures.planning.timeline import TIMELINE, own_cpu_seconds

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def describe_test(test):
    """What the parent needs of a test it does not know (one a test generator made here)."""
    def ask(how, default):
        try:
            return how()
        except Exception:
            return default

    return ("new", ask(test.id, str(test)), ask(lambda: str(test), ""), ask(test.address, None),
            ask(test.shortDescription, None))


class ShippedStream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` of a worker: text goes to the parent, which writes it."""

    def __init__(self, send, name, original):
        super().__init__()
        self._send, self.name, self._original = send, name, original

    def write(self, text):
        if text:
            self._send(("out", self.name, str(text)))
        return len(text)

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):  # for code that hands the stream to a subprocess: the terminal, unshipped
        return self._original.fileno()

    @property
    def encoding(self):
        return "utf-8"


class TestOutput(io.TextIOBase):
    """Stands over ``sys.stdout``/``sys.stderr`` while a test runs: keeps what it writes.

    The parent writes it out when it replays the test (so xunit's own capture sees it);
    beneath, capture's buffer still gets it, the shipped stream does not (no double).
    """

    def __init__(self, below):
        super().__init__()
        self.below = below
        self.kept = []

    def write(self, text):
        self.kept.append(str(text))
        if not isinstance(self.below, ShippedStream):
            self.below.write(text)
        return len(text)

    def flush(self):
        if not isinstance(self.below, ShippedStream):
            self.below.flush()

    def writable(self):
        return True

    def isatty(self):
        return False

    def __getattr__(self, name):
        return getattr(self.below, name)

    @classmethod
    def install(cls):
        sys.stdout, sys.stderr = cls(sys.stdout), cls(sys.stderr)
        return sys.stdout, sys.stderr

    @staticmethod
    def remove(outputs):
        """What was written to each stream; puts back what stood below, where still in place."""
        for name, output in zip(("stdout", "stderr"), outputs):
            if getattr(sys, name) is output:
                setattr(sys, name, output.below)
        return ["".join(output.kept) for output in outputs]


class WorkerResult:
    """The result a worker's tests report to: every call goes to the parent, a batch per test."""

    failfast = False
    buffer = False
    tb_locals = False

    def __init__(self, connection, refs):
        self.connection = connection
        self.refs = refs
        self.current = None
        self.calls = []
        self.outputs = None
        self.started = 0.0
        self.stopped = False
        self.testsRun = 0
        self.errorClasses = {}
        self.failures, self.errors, self.skipped = [], [], []
        self.expectedFailures, self.unexpectedSuccesses = [], []

    def send(self, message):
        try:
            self.connection.send(message)
        except OSError:  # the parent is gone (no PR_SET_PDEATHSIG here): stop as on Ctrl-C
            raise KeyboardInterrupt from None

    def ref(self, test):
        index = self.refs.get(id(test))
        return index if index is not None else describe_test(test)

    @property
    def shouldStop(self):
        """True once the parent said stop (-x elsewhere, Ctrl-C): asked between tests."""
        while not self.stopped and self.connection.poll():
            if self.connection.recv()[0] == "stop":
                self.stopped = True
        return self.stopped

    @shouldStop.setter
    def shouldStop(self, value):
        self.stopped = self.stopped or bool(value)

    def stop(self):
        self.stopped = True

    def wasSuccessful(self):
        return True  # the parent's result decides; -x is the parent's too

    def beforeTest(self, test):
        self.current, self.started = test, time.perf_counter()
        self.calls = [("beforeTest",)]
        self.send(("begin", self.ref(test)))
        self.outputs = TestOutput.install()

    def afterTest(self, test):
        if self.outputs is not None:
            stdout, stderr = TestOutput.remove(self.outputs)
            self.outputs = None
            if stdout or stderr:
                self.calls.insert(1, ("output", stdout, stderr))  # right after beforeTest
        self._record(test, "afterTest")
        if test is self.current:
            self.send(("test", self.ref(test), self.calls, time.perf_counter() - self.started))
            self.current, self.calls = None, []

    def _record(self, test, *call):
        if test is self.current:
            self.calls.append(call)
            return
        calls = [call]
        if getattr(test, "error_context", None):  # a class or module fixture failed
            calls.insert(0, ("error_context", test.error_context))
        self.send(("test", self.ref(test), calls, 0.0))

    def startTest(self, test):
        self.testsRun += 1
        self._record(test, "startTest")

    def stopTest(self, test):
        self._record(test, "stopTest")

    def addSuccess(self, test):
        self._record(test, "addSuccess")

    def addError(self, test, err):
        self._record(test, "addError", PackedError(err))

    def addFailure(self, test, err):
        self._record(test, "addFailure", PackedError(err))

    def addSkip(self, test, reason):
        self._record(test, "addSkip", str(reason))

    def addExpectedFailure(self, test, err):
        self._record(test, "addExpectedFailure", PackedError(err))

    def addUnexpectedSuccess(self, test):
        self._record(test, "addUnexpectedSuccess")


def keep_only(suite, allowed, refs, leaves):
    """Narrow *suite* (this worker's copy) to the tests (indices of *leaves*) in *allowed*."""
    from nose_fastfixtures.harness import suites

    def is_leaf(node):
        return refs.get(id(node)) in leaves or not isinstance(node, unittest.TestSuite)

    def wanted(node):
        if is_leaf(node):
            return refs.get(id(node)) in allowed
        return any(wanted(child) for child in suites.children(node))

    def narrow(node):
        if not is_leaf(node):
            node._tests = [narrow(child) for child in suites.children(node) if wanted(child)]
        return node

    return narrow(suite)


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # nose lets only this one through a test: the worker stops cleanly


def run(number, connection, job, parent_pid=None, parents_ends=()):
    """The worker's whole life; ends with ``sys.exit``, which multiprocessing turns into ``os._exit``."""
    _end_with_parent(parent_pid, parents_ends)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    send = connection.send
    sys.stdout = ShippedStream(send, "stdout", sys.__stdout__)
    sys.stderr = ShippedStream(send, "stderr", sys.__stderr__)
    status = 0
    TIMELINE.spans, TIMELINE.lane = [], number  # the parent's spans stay the parent's
    started = TIMELINE.clock()
    try:
        job.databases.use_worker_clone(number)
        job.databases.start_spares()
        trial_compat.after_fork()
        job.config.plugins = job.worker_plugins
        result = WorkerResult(connection, job.refs)
        send(("ready",))
        _serve(connection, job, result)
    except KeyboardInterrupt:
        status = 130
    except BaseException:  # a worker that cannot start or goes wrong outside a test
        status = 3
        _say_fatal(send)
    try:
        _finish(job)
        _send_spans(send)
        # Its CPU time beside its wall time: a worker that got less than a core waited (time report).
        send(("process", number, own_cpu_seconds(), started, TIMELINE.clock()))
        send(("stats", job.stats()))
        send(("bye",))
    except BaseException:
        status = status or 3
        _say_fatal(send)
    # multiprocessing ends the process with os._exit after its finalizers: never the parent's
    # atexit handlers (its test databases' teardown).
    sys.exit(status)


def _end_with_parent(parent_pid, parents_ends):
    """A worker dies with its parent (a SIGKILL of ``nosetests``), at once, as a killed worker does.

    Its clone is left as it is: the next run's check of kept clones finds it stale and
    clones again, or drops it. On Linux the kernel kills it (``PR_SET_PDEATHSIG``); elsewhere
    its pipe closes with the parent, which it notices when it next sends or waits for work.
    """
    for end in parents_ends:
        end.close()
    if _kill_me_with_my_parent() and parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the kernel was told to watch it


def _kill_me_with_my_parent():
    """Ask Linux to SIGKILL this process when its parent (the thread that forked it) ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _say_fatal(send):
    """Tell the parent what went wrong; if the parent is gone, quietly write nowhere again."""
    try:
        send(("fatal", traceback.format_exc()))
    except OSError:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__


def _serve(connection, job, result):
    while True:
        message = connection.recv()
        if message[0] == "stop":
            return
        _, unit_id, parts = message
        for index, allowed in parts:
            suite = job.nodes[index]
            if allowed is not None:
                keep_only(suite, allowed, job.refs, job.leaves)
            suite(result)
            if result.shouldStop:
                break
        _send_spans(connection.send)
        connection.send(("done", unit_id))
        if result.stopped:
            return


def _send_spans(send):
    """The spans measured since the last call, for the parent's timeline (this worker's lane)."""
    spans, TIMELINE.spans = TIMELINE.spans, []
    if spans:
        send(("spans", spans))


def _finish(job):
    """Remove what the worker's plugins left (bundling's layers), leave kept clones fresh."""
    from django.db import connections

    teardown_pending_contexts(job.nodes)
    for hook in job.teardown_hooks:
        hook()
    job.databases.finish_worker_clone()
    connections.close_all()
