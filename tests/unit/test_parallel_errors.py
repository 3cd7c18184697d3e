"""Exceptions crossing from a worker to the parent, and nose's --processes value."""

import pickle
import traceback
import unittest

import pytest

from nose_fastfixtures.errors import UsageError
from nose_fastfixtures.parallel.errors import PackedError, UnpicklableError, died_error
from nose_fastfixtures.plugins.parallel import parse_processes


class Holding(Exception):
    """An exception that holds something pickle refuses (a lambda)."""

    def __init__(self, message):
        super().__init__(message)
        self.callback = lambda: None


def caught(function):
    try:
        function()
    except Exception as error:  # noqa: BLE001
        return type(error), error, error.__traceback__


def crossed(err):
    return pickle.loads(pickle.dumps(PackedError(err))).unpack()


def test_an_exception_keeps_its_type_message_traceback_and_cause():
    def inner():
        raise KeyError("boom")

    def outer():
        try:
            inner()
        except KeyError as error:
            raise ValueError("wrapped") from error

    exc_type, value, tb = crossed(caught(outer))
    assert exc_type is ValueError and str(value) == "wrapped"
    assert [frame.name for frame in traceback.extract_tb(tb)][-1] == "outer"
    assert isinstance(value.__cause__, KeyError)


def test_an_exception_that_does_not_pickle_back_arrives_as_a_stand_in():
    exc_type, value, tb = crossed(caught(lambda: (_ for _ in ()).throw(Holding("this and that"))))
    assert exc_type.__name__ == "Holding" and issubclass(exc_type, UnpicklableError)
    assert str(value) == "this and that" and tb is not None


def test_a_failure_loses_unittests_own_frames_as_unittest_shows_it():
    class Case(unittest.TestCase):
        def test_it(self):
            self.assertEqual(1, 2)

    err = caught(Case("test_it").test_it)
    _, _, tb = crossed(err)
    assert [frame.name for frame in traceback.extract_tb(tb)] == ["caught", "test_it"]


def test_the_error_of_a_dead_worker_names_it():
    exc_type, value, _ = crossed(died_error(2, "killed by SIGKILL"))
    assert "worker 2 died while running this test (killed by SIGKILL)" in str(value)


@pytest.mark.parametrize("value, expected", [(None, 0), ("0", 0), ("1", 1), ("3", 3), ("-1", 8), (-2, 8)])
def test_processes_as_nose_reads_them(value, expected):
    assert parse_processes(value, lambda: 8) == expected


def test_processes_that_are_not_a_number_are_a_usage_error():
    with pytest.raises(UsageError, match="--processes takes a whole number, not 'many'"):
        parse_processes("many", lambda: 8)
