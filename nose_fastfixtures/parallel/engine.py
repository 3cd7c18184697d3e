"""The parent of a parallel run: starts the workers, hands them work units, replays their results.

The workers are forked once the test databases and their clones exist (from the
Django plugin's ``prepareTest``, before any reporter starts a thread). The parent
then only listens: each test's result calls arrive in one batch when it ends and are
replayed to the parent's result through nose's own result proxy, with the plugins
that report (progress, xunit, test ids...), so every reporter sees what a serial run
shows it. The plugins that act on the tests (Django's, fixtures, capture) ran in the
worker.
"""

import copy
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
import unittest

from nose.plugins.manager import PluginManager
from nose.proxy import ResultProxy

from nose_fastfixtures.harness import suites, unittest_compat
from nose_fastfixtures.parallel import errors, worker
from nose_fastfixtures.planning.scheduling import Dispatcher, Item
from nose_fastfixtures.planning.timeline import TIMELINE

# Plugins whose hooks act on the tests themselves run in the workers; every other
# plugin hears the replayed events in the parent. A plugin may say so itself with
# ``parallel_role = "worker"``.
WORKER_PLUGINS = frozenset({
    "django", "class-fixtures", "fixture-bundling", "reuse-db", "capture", "logcapture",
    "failuredetail", "isolation", "state-checker", "timeline",
})
STOP_GRACE_SECONDS = 10


def runs_in_worker(plugin):
    return getattr(plugin, "parallel_role", None) == "worker" or (
        getattr(plugin, "parallel_role", None) is None and getattr(plugin, "name", None) in WORKER_PLUGINS)


def index_suite(units):
    """``(refs, nodes, leaves)``: an index for every suite and test (``id(object)`` -> index), the
    objects by index, and the indices of the tests (a test generator's suite counts as one)."""
    refs, nodes, leaves = {}, [], set()

    def visit(node):
        refs[id(node)] = len(nodes)
        nodes.append(node)
        if suites.is_generator_suite(node) or not isinstance(node, unittest.TestSuite):
            leaves.add(refs[id(node)])
            return
        for child in suites.children(node):
            visit(child)

    for unit in units:
        visit(unit)
    return refs, nodes, leaves


class StandInTest:
    """A test the parent does not hold (a test generator made it in the worker), for reporters."""

    failureException = AssertionError

    def __init__(self, test_id, text, address=None, description=None):
        self._id, self._text, self._address, self._description = test_id, text, address, description
        self.passed = None

    def id(self):
        return self._id

    def __str__(self):
        return self._text or self._id

    def address(self):
        return self._address

    def shortDescription(self):
        return self._description


class Job:
    """What every worker inherits: the suite and its index, the plugins, the databases."""

    def __init__(self, units, config, databases, teardown_hooks):
        self.units = units
        self.refs, self.nodes, self.leaves = index_suite(units)
        self.config = config
        self.databases = databases
        self.teardown_hooks = teardown_hooks
        plugins = sorted(config.plugins.plugins, key=lambda p: getattr(p, "score", 1), reverse=True)
        self.worker_plugins = PluginManager(plugins=[p for p in plugins if runs_in_worker(p)])
        self.reporting_plugins = PluginManager(plugins=[p for p in plugins if not runs_in_worker(p)])
        self.stat_plugins = [p for p in plugins if hasattr(p, "parallel_stats")]

    def tests_of(self, index):
        """The indices of the tests inside node *index* (the node itself if it is one)."""
        if index in self.leaves:
            return [index]
        return [self.refs[id(test)] for test in suites.iter_tests(self.nodes[index])]

    def stats(self):
        return {plugin.name: plugin.parallel_stats() for plugin in self.stat_plugins}


class WorkerState:
    """The parent's view of one worker: its process and pipe, the unit it runs, the test it is in."""

    def __init__(self, number, process, connection):
        self.number, self.process, self.connection = number, process, connection
        self.unit = None          # the WorkUnit it runs; None while idle
        self.ready = False        # started, and waiting for (or running) units
        self.began = None         # index of the test it runs
        self.done = set()         # indices of the tests of its unit that ended
        self.said_bye = False
        self.fatal = None

    @property
    def live(self):
        return self.connection is not None

    def send(self, message):
        try:
            self.connection.send(message)
        except OSError:
            pass  # it died: its sentinel says so next


def read_messages(state, handle):
    """Hand each message *state*'s worker sent to *handle*; True once the worker is gone.

    A worker may send its last messages ("bye") and exit between ``poll()`` finding
    nothing and ``is_alive()``: what it sent is read after it is seen gone too, else a
    worker that finished would be reported dead.
    """
    try:
        while state.connection.poll():
            handle(state.connection.recv())
        if state.process.is_alive():
            return False
        while state.connection.poll():
            handle(state.connection.recv())
    except (EOFError, OSError):
        pass
    return True


class ParallelSuite(unittest.TestSuite):
    """What nose runs instead of the ordered suite: the same tests, run by *count* workers.

    Its tests are the run's units, so reporters can count them. ``start`` forks the
    workers; running the suite hands them the work units and replays their results.
    """

    def __init__(self, units, work_units, count, config, databases, teardown_hooks):
        super().__init__(units)
        self.job = Job(units, config, databases, teardown_hooks)
        self.work_units = work_units
        self.count = count
        self.workers = {}
        self.stopping = False
        self.said_stop = False

    # -- starting and stopping the workers
    def start(self):
        """Fork the workers (the databases' clones exist; server connections are closed)."""
        context = multiprocessing.get_context("fork")
        for number in range(1, self.count + 1):
            parent_end, child_end = context.Pipe()
            # The worker closes its copies of the parent's ends (its own and the earlier
            # workers'): else it would never see its pipe close when the parent dies.
            parents_ends = [parent_end, *(state.connection for state in self.workers.values())]
            process = context.Process(target=worker.run, name=f"nose_fastfixtures worker {number}",
                                      args=(number, child_end, self.job, os.getpid(), parents_ends))
            process.start()
            child_end.close()
            self.workers[number] = WorkerState(number, process, parent_end)

    def stop(self, grace=STOP_GRACE_SECONDS):
        """Stop every worker still alive (interrupted, then killed), and wait for them all."""
        alive = [state for state in self.workers.values() if state.process.is_alive()]
        for state in alive:
            try:
                os.kill(state.process.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        for state in alive:
            state.process.join(max(0.0, deadline - time.monotonic()))
            if state.process.is_alive():
                state.process.kill()
        for state in self.workers.values():
            state.process.join()
            if state.connection is not None:
                state.connection.close()
                state.connection = None

    # -- running
    def __call__(self, result):
        return self.run(result)

    def run(self, result):
        result = _prepared(self.job.config, result)
        self.by_index = dict(enumerate(self.job.nodes))
        self.replay_config = copy.copy(self.job.config)
        self.replay_config.plugins = self.job.reporting_plugins
        self.dispatcher = Dispatcher(self.work_units)
        previous_term = signal.signal(signal.SIGTERM, _terminate)
        try:
            self._loop(result)
        except KeyboardInterrupt:
            _mark_unsuccessful(result)
            raise
        finally:
            self.stop(grace=0 if self.said_stop else STOP_GRACE_SECONDS)
            signal.signal(signal.SIGTERM, previous_term)
        return result

    def _loop(self, result):
        while any(state.live for state in self.workers.values()):
            waiting = {}
            for state in self.workers.values():
                if state.live:
                    waiting[state.connection] = state
                    waiting[state.process.sentinel] = state
            for ready in multiprocessing.connection.wait(list(waiting)):
                state = waiting[ready]
                if state.live:
                    self._drain(state, result)

    def _drain(self, state, result):
        """Handle what *state*'s worker sent; notice when it is gone."""
        if not read_messages(state, lambda message: self._handle(state, message, result)):
            return
        state.process.join()
        state.connection.close()
        state.connection = None
        if not state.said_bye:
            self._worker_died(state, result)
        self._dispatch()

    def _handle(self, state, message, result):
        kind = message[0]
        if kind == "test":
            _, ref, calls, seconds = message
            self._replay(result, self._test(ref), calls, seconds)
            if isinstance(ref, int):
                state.done.add(ref)
                if state.began == ref:
                    state.began = None
            if result.shouldStop:
                self._stop_all()
        elif kind == "begin":
            state.began = message[1] if isinstance(message[1], int) else None
        elif kind in ("ready", "done"):
            state.ready, state.unit, state.done, state.began = True, None, set(), None
            self._dispatch()
        elif kind == "out":
            stream = sys.stdout if message[1] == "stdout" else sys.stderr
            stream.write(message[2])
            stream.flush()
        elif kind == "spans":
            TIMELINE.extend(message[1])
        elif kind == "process":
            TIMELINE.add_process(*message[1:])
        elif kind == "stats":
            for plugin in self.job.stat_plugins:
                plugin.add_parallel_stats(message[1].get(plugin.name, {}))
        elif kind == "fatal":
            state.fatal = message[1]
        elif kind == "bye":
            state.said_bye = True

    def _dispatch(self):
        """Give idle workers the next units; when nothing is left for anyone, tell them all to stop.

        Idle workers wait rather than stop while others run: a worker that dies leaves
        units for them.
        """
        idle = [s for s in self.workers.values() if s.live and s.ready and s.unit is None]
        for state in idle:
            unit = None if self.stopping else self.dispatcher.next_for(state.number)
            if unit is not None:
                state.unit = unit
                state.send(("run", id(unit), [self._part(item) for item in unit.items]))
        busy = any(s.live and (not s.ready or s.unit is not None) for s in self.workers.values())
        if not busy and not self.said_stop:
            self.said_stop = True
            for state in self.workers.values():
                if state.live:
                    state.send(("stop",))

    def _stop_all(self):
        """-x: no more units; the workers stop after their current test."""
        if not self.stopping:
            self.stopping = True
            for state in self.workers.values():
                if state.live:
                    state.send(("stop",))

    def _test(self, ref):
        if isinstance(ref, int):
            return self.by_index[ref]
        _, test_id, text, address, description = ref
        return StandInTest(test_id, text, address, description)

    def _replay(self, result, test, calls, seconds):
        proxy = ResultProxy(result, test, config=self.replay_config)
        test.parallel_seconds = seconds  # the worker's measure: reporters that time tests read it
        for name, *args in calls:
            if name == "error_context":
                test.error_context = args[0]
                continue
            if name == "output":  # what the test printed, for reporters that capture it too
                for stream, text in zip((sys.stdout, sys.stderr), args):
                    if text:
                        stream.write(text)
                        stream.flush()
                continue
            args = [arg.unpack() if isinstance(arg, errors.PackedError) else arg for arg in args]
            if name == "addExpectedFailure":  # nose's proxy lacks them (see unittest_compat)
                unittest_compat.expected_failure(proxy, *args)
            elif name == "addUnexpectedSuccess":
                unittest_compat.unexpected_success(proxy)
            else:
                getattr(proxy, name)(test, *args)
            if name == "beforeTest":
                _rewind_xunit_timer(self.job.reporting_plugins, seconds)

    # -- a worker that died
    def _worker_died(self, state, result):
        how = _how_it_ended(state.process.exitcode)
        if state.fatal:
            sys.stderr.write(f"nose_fastfixtures: worker {state.number} failed:\n{state.fatal}")
        victim = self.by_index.get(state.began) if state.began is not None else None
        if victim is None:
            victim = StandInTest(f"nose_fastfixtures.worker_{state.number}", f"worker {state.number}")
        died = errors.PackedError(errors.died_error(state.number, how))
        self._replay(result, victim, [("beforeTest",), ("startTest",), ("addError", died), ("stopTest",),
                                      ("afterTest",)], 0.0)
        self.dispatcher.requeue(state.number, self._unstarted(state))
        if self.dispatcher.pending and not any(s.live for s in self.workers.values()):
            left = sum(len(self._tests_of(item)) for unit in self.dispatcher.queue for item in unit.items)
            sys.stderr.write(f"nose_fastfixtures: every worker died; {left} tests did not run\n")

    def _part(self, item):
        """``(node index, allowed test indices or None)`` of a scheduled item (its key: the suite,
        or ``(suite, allowed)`` for what a dead worker left of it)."""
        node, allowed = item.key if isinstance(item.key, tuple) else (item.key, None)
        return self.job.refs[id(node)], allowed

    def _tests_of(self, item):
        index, allowed = self._part(item)
        return [test for test in self.job.tests_of(index) if allowed is None or test in allowed]

    def _unstarted(self, state):
        """The items of the dead worker's unit, narrowed to the tests that never started."""
        items = []
        for item in state.unit.items if state.unit is not None else ():
            index, _ = self._part(item)
            tests = [test for test in self._tests_of(item) if test not in state.done and test != state.began]
            if len(tests) == len(self.job.tests_of(index)):
                items.append(item)
            elif tests:
                items.append(Item((self.job.nodes[index], frozenset(tests)), item.name, item.kind, len(tests),
                                  item.bundle, item.layers))
        return items


def _prepared(config, result):
    """Give the plugins their ``prepareTestResult`` call, which nose makes when the first test runs."""
    replacement = config.plugins.prepareTestResult(result)
    return replacement if replacement is not None else result


def _mark_unsuccessful(result):
    """An interrupted run fails, whatever the tests that ran said."""
    result.wasSuccessful = lambda: False


def _terminate(signum, frame):
    raise KeyboardInterrupt  # SIGTERM ends a parallel run as Ctrl-C does: workers stopped, clones dropped


def _rewind_xunit_timer(plugins, seconds):
    """nose's xunit times a test from its ``beforeTest``; replayed at the end, it would time nothing."""
    for plugin in plugins.plugins:
        if getattr(plugin, "name", None) == "xunit" and hasattr(plugin, "_timer"):
            plugin._timer -= seconds


def _how_it_ended(exitcode):
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"
