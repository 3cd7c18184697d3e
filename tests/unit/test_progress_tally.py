"""The reporter's tally: where each unittest outcome is counted."""

import pytest

from nose_fastfixtures.progress.tally import Tally


@pytest.mark.parametrize("outcome, column, is_problem", [
    ("pass", "passed", False),
    ("fail", "failed", True),
    ("error", "errors", True),
    ("skip", "skipped", False),
    ("xfail", "passed", False),   # unittest: an expected failure keeps the run successful
    ("xpass", "failed", True),    # unittest: an unexpected success fails the run
])
def test_outcomes_are_counted(outcome, column, is_problem):
    tally = Tally()
    tally.record(outcome, "t.py:test", "Error: why")
    assert dict(tally.counts) == {column: 1}
    assert bool(tally.problems) is is_problem


def test_finished_tests_grow_the_total_when_needed():
    tally = Tally(total=1)
    tally.finished("a", 0.5)
    tally.finished("b", None)  # a test whose start was not seen has no duration
    assert (tally.done, tally.total, tally.durations) == (2, 2, [(0.5, "a")])
