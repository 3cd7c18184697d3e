"""Counts a test process's SQL statements, fixture loads, time inside tests and outcomes.

Switched on by NFF_COUNT_SQL=<directory> (bench/hook/sitecustomize.py imports it in every
Python process then), so it works the same under every runner: Django's, pytest, nose,
and their worker processes. Each process writes ``<directory>/<pid>.json`` when it ends.

* statements: every query on every connection, through ``connection_created`` and
  ``execute_wrapper``;
* fixture_loads: ``loaddata`` calls; fixture_objects: objects ``loaddata`` saved;
* fixture_seconds, db_setup_seconds: time in ``loaddata`` and in creating/cloning test databases;
* flush_seconds, teardown_seconds, setup_started: time in ``flush``, in destroying test databases,
  and when the first test database began to be made (seconds since this hook started);
  fixture_in_test_seconds, flush_in_test_seconds: the parts of loaddata and flush inside tests;
* test_seconds: time inside ``unittest.TestCase.run`` (setUp, the test, tearDown, cleanups);
* outcomes: ``{test id: outcome}``, read from the result calls made inside ``TestCase.run``.
"""

import atexit
import json
import os
import time
import unittest

ENV = "NFF_COUNT_SQL"
SEVERITY = ("error", "fail", "xpass", "skip", "xfail", "pass")
FLUSH_EVERY = 1.0  # seconds: workers ended by os._exit lose at most this much

_state = {}
_HOOK_STARTED = time.perf_counter()  # about when the process started (sitecustomize imports this)


def _reset():
    _state.update(statements=0, fixture_loads=0, fixture_objects=0, test_seconds=0.0, outcomes={},
                  fixture_seconds=0.0, db_setup_seconds=0.0, flush_seconds=0.0, teardown_seconds=0.0,
                  fixture_in_test_seconds=0.0, flush_in_test_seconds=0.0, setup_started=None,
                  depth=0, flushed=time.monotonic(), hooked_django=False)


def record_outcome(key, outcome):
    previous = _state["outcomes"].get(key)
    if previous is None or SEVERITY.index(outcome) < SEVERITY.index(previous):
        _state["outcomes"][key] = outcome


def flush():
    directory = os.environ.get(ENV)
    if not directory:
        return
    data = {name: _state[name] for name in
            ("statements", "fixture_loads", "fixture_objects", "test_seconds", "fixture_seconds",
             "db_setup_seconds", "flush_seconds", "teardown_seconds", "fixture_in_test_seconds",
             "flush_in_test_seconds", "setup_started", "outcomes")}
    path = os.path.join(directory, f"{os.getpid()}.json")
    with open(path + ".tmp", "w") as stream:
        json.dump(data, stream)
    os.replace(path + ".tmp", path)
    _state["flushed"] = time.monotonic()


def _maybe_flush():
    if time.monotonic() - _state["flushed"] > FLUSH_EVERY:
        flush()


def _count_statement(execute, sql, params, many, context):
    _state["statements"] += 1
    _maybe_flush()
    return execute(sql, params, many, context)


def _on_connection_created(sender, connection, **kwargs):
    # Fires again on every reconnect (TransactionTestCase closes connections after each
    # test) while the wrapper list lives on: add it once, or statements count many times.
    if _count_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_statement)
    if not _state["hooked_django"]:
        _state["hooked_django"] = True
        _hook_fixtures()


def _hook_fixtures():
    from django.core.management.commands import loaddata
    from django.core.serializers.base import DeserializedObject

    # Counted where loaddata saves each object, not by a pre_save receiver: a receiver
    # for every model would change what is measured (the ledger batches inserts only
    # for models nothing listens to).
    if not getattr(DeserializedObject.save, "_nff_counted", False):
        save = DeserializedObject.save

        def counted_save(self, *args, **kwargs):
            _state["fixture_objects"] += 1
            return save(self, *args, **kwargs)

        counted_save._nff_counted = True
        DeserializedObject.save = counted_save
    command = loaddata.Command
    if getattr(command.handle, "_nff_counted", False):
        return
    original = command.handle

    def handle(self, *args, **options):
        _state["fixture_loads"] += 1
        with _timed("fixture_seconds", "fixture_in_test_seconds"):
            return original(self, *args, **options)

    handle._nff_counted = True
    command.handle = handle
    from django.core.management.commands import flush

    flush_handle = flush.Command.handle

    def timed_flush(self, *args, **options):
        with _timed("flush_seconds", "flush_in_test_seconds"):
            return flush_handle(self, *args, **options)

    flush.Command.handle = timed_flush


class _timed:
    """Adds the block's seconds to a counter, and to a second one when inside a test."""

    def __init__(self, total, in_test):
        self.total, self.in_test = total, in_test

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        _state[self.total] += seconds
        if _state["depth"]:
            _state[self.in_test] += seconds


_RESULT_METHODS = {
    "addSuccess": lambda *args: "pass",
    "addFailure": lambda *args: "fail",
    "addError": lambda *args: "error",
    "addSkip": lambda *args: "skip",
    "addExpectedFailure": lambda *args: "xfail",
    "addUnexpectedSuccess": lambda *args: "xpass",
}


def _subtest_outcome(test, subtest, err=None):
    if err is None:
        return None
    return "fail" if issubclass(err[0], test.failureException) else "error"


class _RecordingResult:
    """Stands for a result object inside one ``TestCase.run``, noting the outcome it is told.

    A proxy rather than patched attributes: runners' result adapters forward attributes in
    ways that patching would break.
    """

    def __init__(self, result, key):
        object.__setattr__(self, "_nff_target", result)
        object.__setattr__(self, "_nff_key", key)

    def __getattr__(self, name):
        value = getattr(self._nff_target, name)
        outcome_of = _RESULT_METHODS.get(name) or (name == "addSubTest" and _subtest_outcome)
        if not outcome_of:
            return value
        key = self._nff_key

        def recorded(*args, **kwargs):
            outcome = outcome_of(*args, **kwargs)
            if outcome:
                record_outcome(key, outcome)
            return value(*args, **kwargs)

        return recorded

    def __setattr__(self, name, value):
        setattr(self._nff_target, name, value)


def _hook_testcase_run():
    original_run = unittest.TestCase.run

    def run(self, result=None):
        if _state["depth"] or result is None:
            return original_run(self, result)
        _state["depth"] += 1
        start = time.perf_counter()
        try:
            return original_run(self, _RecordingResult(result, self.id()))
        finally:
            _state["test_seconds"] += time.perf_counter() - start
            _state["depth"] -= 1
            _maybe_flush()

    unittest.TestCase.run = run


def _hook_database_creation():
    from django.db.backends.base import creation

    def timed(original, counter):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            if _state["setup_started"] is None and counter == "db_setup_seconds":
                _state["setup_started"] = start - _HOOK_STARTED
            try:
                return original(*args, **kwargs)
            finally:
                _state[counter] += time.perf_counter() - start
        return wrapper

    # Creating (migrations included) and cloning for parallel workers: the harness share.
    for name, counter in (("create_test_db", "db_setup_seconds"), ("clone_test_db", "db_setup_seconds"),
                          ("destroy_test_db", "teardown_seconds")):
        original = getattr(creation.BaseDatabaseCreation, name)
        setattr(creation.BaseDatabaseCreation, name, timed(original, counter))


def _after_fork_in_child():
    # A forked worker starts from zero, or the parent's counts would be added twice.
    depth = _state["depth"]
    _reset()
    _state["depth"] = depth
    _state["hooked_django"] = True


class _AfterFork:
    """Something for multiprocessing to call back after it has cleared a new worker's finalizers."""


_AFTER_FORK = _AfterFork()


def _register_exit():
    atexit.register(flush)
    try:
        from multiprocessing import util

        # multiprocessing's workers leave through os._exit, after running its finalizers; a
        # worker clears the finalizers it inherits, so each one registers its own.
        util.Finalize(None, flush, exitpriority=100)
        util.register_after_fork(_AFTER_FORK, lambda _: util.Finalize(None, flush, exitpriority=100))
    except Exception:  # noqa: BLE001 - counting must never break a run
        pass


def install():
    """Start counting in this process."""
    if _state:
        return
    _reset()
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection_created, weak=False, dispatch_uid="nff_bench_sql")
    _hook_testcase_run()
    _hook_database_creation()
    os.register_at_fork(after_in_child=_after_fork_in_child)
    _register_exit()
