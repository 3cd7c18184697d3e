"""Ctrl-C (SIGINT) during a run: stop where the run is, clean up, say what ran, exit status 130.

nose's runner swallows ``KeyboardInterrupt`` and reports ``OK`` with exit status 0;
a Ctrl-C while the tests load or the test databases are made ends in a traceback.
Here every SIGINT is noted; the run stops as it would with Python's own handler,
the cleanup that follows (fixture layers, test databases) is not cut short by a
second Ctrl-C, the summary says how many tests did not run and is never ``OK``,
and the process leaves with 130, as a shell reports a command ended by Ctrl-C.
"""

import signal
import sys
import threading
from contextlib import contextmanager

EXIT_STATUS = 130  # 128 + SIGINT


class _State:
    count = 0        # SIGINTs seen during this run
    shielding = 0    # cleanups under way, which a further Ctrl-C must not cut short
    previous = None  # the handler before ours


_state = _State()


def _handler(signum, frame):
    _state.count += 1
    if not _state.shielding:
        raise KeyboardInterrupt


def install():
    """Note every SIGINT from now on (only the main thread may handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        return
    _state.count = 0
    previous = signal.signal(signal.SIGINT, _handler)
    if previous is not _handler:
        _state.previous = previous


def uninstall():
    if _state.previous is not None and signal.getsignal(signal.SIGINT) is _handler:
        signal.signal(signal.SIGINT, _state.previous)
    _state.previous = None


def received():
    """Whether Ctrl-C was pressed during this run (even if something swallowed it)."""
    return _state.count > 0


@contextmanager
def shielded():
    """A cleanup (removing fixture layers, destroying test databases) that runs to its end."""
    _state.shielding += 1
    try:
        yield
    finally:
        _state.shielding -= 1


def leave(when):
    """End the run after Ctrl-C: one line, exit status 130 (cleanup runs at exit)."""
    sys.stderr.write(f"nose_fastfixtures: interrupted (Ctrl-C) {when}\n")
    sys.stderr.flush()
    raise SystemExit(EXIT_STATUS)


def cleanup_step(step, what):
    """Run one cleanup *step*; after Ctrl-C, a failure is one line instead of a traceback.

    A Ctrl-C can leave a connection broken mid-statement; what could not be removed
    then stays, and a kept database (REUSE_DB) keeps its run marker, so the next run
    rebuilds it.
    """
    if not received():
        step()
        return
    try:
        step()
    except Exception as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        sys.stderr.write(f"nose_fastfixtures: after Ctrl-C, could not {what} ({first}); "
                         f"a kept database is rebuilt by the next run\n")


def reset_connections():
    """Leave what a Ctrl-C left open on each connection, so that cleanup can use it.

    Django's TestCase ends a test's transaction in code that is not in a ``finally``:
    interrupted, the test's atomic block stays open under the class's, and the class's
    teardown then leaves the connection marked as closed in a transaction. Everything
    not committed is rolled back (as it would have been), Django's bookkeeping of
    atomic blocks is cleared, and a connection that still fails is closed, so the
    next statement opens a fresh one.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        if connection.in_atomic_block or connection.closed_in_transaction:
            connection.atomic_blocks, connection.savepoint_ids = [], []
            connection.in_atomic_block = connection.needs_rollback = False
            connection.closed_in_transaction = False
            try:
                connection.connection.rollback()  # the driver's: every savepoint and the transaction
                connection.set_autocommit(True)
            except Exception:
                _drop(connection)
                continue
        if not _usable(connection):
            _drop(connection)


def _usable(connection):
    try:
        return connection.is_usable()
    except Exception:
        return False


def _drop(connection):
    try:
        connection.close()
    except Exception:
        pass
    connection.connection = None


def not_run_line(total, started):
    """The line that says an interrupted run is incomplete."""
    return f"interrupted (Ctrl-C): {max(total - started, 0)} of {total} tests did not run"


def exit_after_run(runner, total):
    """nose's runner (not --with-progressive's, which does this itself) after Ctrl-C: a
    summary that is never OK and says how many of ``total()`` tests did not run, then
    exit status 130; a Ctrl-C before the tests (loading, test databases) leaves the
    same way, without a traceback."""
    run, make_result = runner.run, runner._makeResult

    def _makeResult():
        result = make_result()
        was_successful, print_summary = result.wasSuccessful, result.printSummary

        def wasSuccessful():
            return was_successful() and not received()

        def printSummary(start, stop):
            print_summary(start, stop)
            if received():
                result.stream.writeln(not_run_line(total(), result.testsRun))

        result.wasSuccessful, result.printSummary = wasSuccessful, printSummary
        return result

    def run_then_leave(test):
        try:
            result = run(test)
        except KeyboardInterrupt:
            leave("before the tests ran")
        if received():
            raise SystemExit(EXIT_STATUS)
        return result

    runner.run, runner._makeResult = run_then_leave, _makeResult
