"""The reporter's lines: bar, clock, durations, brief list, summary line."""

import pytest

from nose_fastfixtures.progress import formatting


@pytest.mark.parametrize("text, width, expected", [
    ("abcdef", 6, "abcdef"),
    ("abcdefgh", 6, "abc..."),
    ("abcdef", 2, ".."),
    ("abcdef", 0, ""),
])
def test_cut_right(text, width, expected):
    assert formatting.cut_right(text, width) == expected


@pytest.mark.parametrize("text, width, expected", [
    ("app.tests.OrderTests.test_total", 40, "app.tests.OrderTests.test_total"),
    ("app.tests.OrderTests.test_total", 15, "...s.test_total"),
    ("abcdef", 3, "def"),
    ("abcdef", 0, ""),
])
def test_cut_left_keeps_the_end(text, width, expected):
    assert formatting.cut_left(text, width) == expected


@pytest.mark.parametrize("seconds, expected", [
    (0, "0.0s"), (0.04, "0.0s"), (12.34, "12.3s"), (75.25, "75.2s"), (-1, "0.0s"),
])
def test_format_seconds(seconds, expected):
    assert formatting.format_seconds(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [
    (0, "0:00"), (7.4, "0:07"), (59.6, "1:00"), (754, "12:34"), (3723, "1:02:03"),
])
def test_format_clock(seconds, expected):
    assert formatting.format_clock(seconds) == expected


@pytest.mark.parametrize("done, total, elapsed, expected", [
    (0, 10, 5.0, None),
    (5, 10, 5.0, 5.0),
    (10, 10, 5.0, 0.0),
    (12, 10, 5.0, 0.0),
])
def test_estimate_left(done, total, elapsed, expected):
    assert formatting.estimate_left(done, total, elapsed) == expected


@pytest.mark.parametrize("done, total, elapsed, expected", [
    (0, 40, 0, "0/40   0%  0:00 ~? left"),
    (12, 40, 12, "12/40  30%  0:12 ~0:28 left"),
    (41, 40, 41, "41/41 100%  0:41 ~0:00 left"),  # a generator yielded more than counted
    (0, 0, 0, "0/0 100%  0:00 ~? left"),
])
def test_progress_counts(done, total, elapsed, expected):
    assert formatting.progress_counts(done, total, elapsed) == expected


@pytest.mark.parametrize("width", [1, 10, 30, 45, 60, 80, 200])
def test_bar_line_never_reaches_the_last_column(width):
    line = formatting.bar_line(12, 40, 12, "app.tests.test_orders.OrderTests.test_total", width)
    assert len(line) <= width - 1


@pytest.mark.parametrize("width, expected", [
    (120, "[=========>                    ] 12/40  30%  0:12 ~0:28 left  "
          "app.tests.test_orders.OrderTests.test_total"),
    (100, "[=========>                    ] 12/40  30%  0:12 ~0:28 left  ....test_orders.OrderTests.test_total"),
    (70, "[=====>             ] 12/40  30%  0:12 ~0:28 left  ...ests.test_total"),
    (40, "12/40  30%  0:12 ~0:28 left  ...t_total"),
    (30, "12/40  30%  0:12 ~0:28 left"),
])
def test_bar_line_gives_up_bar_then_name(width, expected):
    assert formatting.bar_line(12, 40, 12, "app.tests.test_orders.OrderTests.test_total", width) == expected


def test_full_bar_has_no_arrow():
    assert formatting.bar_line(4, 4, 1, "", 80).startswith("[" + "=" * 30 + "] 4/4 100%")


def test_plain_progress_line():
    assert formatting.plain_progress_line(3, 4, 3) == "progress: 3/4  75%  0:03 ~0:01 left"


@pytest.mark.parametrize("count, expected", [
    (0, []),
    (1, ["slowest test:", "  2.50s b"]),
    (5, ["slowest 3 tests:", "  2.50s b", "  1.00s a", "  0.01s c"]),
])
def test_duration_lines(count, expected):
    durations = [(1.0, "a"), (2.5, "b"), (0.01, "c")]
    assert formatting.duration_lines(durations, count) == expected


def test_duration_lines_align_seconds():
    assert formatting.duration_lines([(12.0, "slow"), (1.0, "fast")], 2) == [
        "slowest 2 tests:", "  12.00s slow", "   1.00s fast"]


@pytest.mark.parametrize("kind, label, message, expected", [
    ("FAIL", "t.py:T.test_x", "AssertionError: 1 != 2\nmore", "FAIL  t.py:T.test_x - AssertionError: 1 != 2"),
    ("ERROR", "t.py", "", "ERROR t.py"),
    ("FAIL", "t.py:T.test_x", "x" * 200, "FAIL  t.py:T.test_x - " + "x" * 75 + "..."),
])
def test_brief_line(kind, label, message, expected):
    assert formatting.brief_line(kind, label, message) == expected


def test_brief_line_keeps_the_whole_message_without_a_width():
    assert formatting.brief_line("FAIL", "t.py:T.test_x", "x" * 200, None) == "FAIL  t.py:T.test_x - " + "x" * 200


def test_brief_line_never_cuts_the_label():
    label = "a/" * 80 + "t.py:T.test_x"
    assert formatting.brief_line("FAIL", label, "AssertionError") == "FAIL  " + label + " - AssertionError"


@pytest.mark.parametrize("counts, seconds, expected", [
    ({}, 0, "0 passed, 0 failed, 0 errors, 0 skipped in 0.0s"),
    ({"passed": 3, "failed": 1, "skipped": 2}, 12.34, "3 passed, 1 failed, 0 errors, 2 skipped in 12.3s"),
    ({"errors": 1}, 0.06, "0 passed, 0 failed, 1 errors, 0 skipped in 0.1s"),
])
def test_summary_line(counts, seconds, expected):
    assert formatting.summary_line(counts, seconds) == expected


@pytest.mark.parametrize("xfail, xpass, expected", [
    (0, 0, None),
    (1, 0, "(1 expected failure counted as passed)"),
    (2, 1, "(2 expected failures counted as passed; 1 unexpected success counted as failed)"),
    (0, 2, "(2 unexpected successes counted as failed)"),
])
def test_recount_note(xfail, xpass, expected):
    assert formatting.recount_note(xfail, xpass) == expected
