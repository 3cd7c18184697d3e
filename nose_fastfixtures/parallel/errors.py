"""Exceptions crossing from a worker to the parent: pickled with their traceback (tblib), or a stand-in.

A worker has already decided what an exception means (failure, error, skip); the parent
needs it only to show and record it, as a serial run would: the same type where it can
be pickled, the same frames (without unittest's own, as unittest prints them).
"""

import pickle
import unittest


class WorkerDied(Exception):
    """The worker running a test died (killed, crashed) before the test ended."""


class UnpicklableError(Exception):
    """Base of the stand-ins for exceptions that could not be pickled in the worker."""


def _is_unittest_frame(tb):
    return "__unittest" in tb.tb_frame.f_globals


def _remove_unittest_tail(tb):
    """Drop the trailing unittest frames (the assert* method) from a failure's traceback."""
    previous = None
    while tb and not _is_unittest_frame(tb):
        previous, tb = tb, tb.tb_next
    if previous is not None and tb is not None:
        previous.tb_next = None


def clean_traceback(exc_type, value, tb):
    """*tb* without unittest's frames, for the exception and those chained to it, as
    ``unittest.TestResult._clean_tracebacks`` leaves them (the parent cannot tell them apart)."""
    first, result = True, None
    pending, seen = [(exc_type, value, tb)], {id(value)}
    while pending:
        exc_type, value, tb = pending.pop()
        while tb and _is_unittest_frame(tb):
            tb = tb.tb_next
        if exc_type is unittest.TestCase.failureException:
            _remove_unittest_tail(tb)
        if first:
            result, first = tb, False
        elif isinstance(value, BaseException):
            value.__traceback__ = tb
        if isinstance(value, BaseException):
            for chained in (value.__cause__, value.__context__):
                if chained is not None and id(chained) not in seen:
                    pending.append((type(chained), chained, chained.__traceback__))
                    seen.add(id(chained))
    return result


class PackedError:
    """An ``(exc_type, value, traceback)`` triple that pickles; ``unpack()`` gives it back."""

    def __init__(self, err):
        from tblib import pickling_support

        exc_type, value, tb = err
        tb = clean_traceback(exc_type, value, tb)
        if isinstance(value, BaseException):
            pickling_support.install(value)  # the chain and its tracebacks pickle too
        pickling_support.install()
        try:
            self.payload = pickle.dumps((exc_type, value, tb))
            pickle.loads(self.payload)  # an exception whose __init__ cannot take its args back fails here
            self.stand_in = None
        except Exception:
            self.payload = pickle.dumps(tb) if tb is not None else None
            self.stand_in = (getattr(exc_type, "__module__", "builtins"), getattr(exc_type, "__qualname__", "Exception"),
                             issubclass(exc_type, AssertionError), _message(value))

    def unpack(self):
        from tblib import pickling_support  # noqa: F401  (registers the unpicklers)

        if self.stand_in is None:
            return pickle.loads(self.payload)
        module, name, is_assertion, message = self.stand_in
        bases = (AssertionError, UnpicklableError) if is_assertion else (UnpicklableError,)
        stand_in = type(name, bases, {"__module__": module})
        tb = pickle.loads(self.payload) if self.payload is not None else None
        return stand_in, stand_in(message), tb


def _message(value):
    try:
        return str(value)
    except Exception:
        return repr(value)


def died_error(worker, how):
    """The error a test gets when its worker died under it."""
    try:
        raise WorkerDied(f"worker {worker} died while running this test ({how}); "
                         f"its other tests were given to the remaining workers")
    except WorkerDied as error:
        return (WorkerDied, error, None)
