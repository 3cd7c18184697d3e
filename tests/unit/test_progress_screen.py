"""Colour decisions, and the bar kept on the last line at a limited rate."""

import _thread
import io
import sys
import time

import pytest

from nose_fastfixtures.progress import screen as screens
from nose_fastfixtures.progress.screen import CLEAR_LINE, ClearingStream, Screen


@pytest.mark.parametrize("isatty, term, expected", [
    (True, "xterm-256color", True),
    (True, "screen", True),
    (True, "dumb", False),
    (True, "", False),
    (True, None, False),
    (False, "xterm", False),
])
def test_is_smart_terminal(isatty, term, expected):
    assert screens.is_smart_terminal(isatty, term) is expected


@pytest.mark.parametrize("choice, env, isatty, term, expected", [
    ("auto", {}, True, "xterm", True),
    ("auto", {}, False, "xterm", False),
    ("auto", {}, True, "dumb", False),
    ("auto", {"NO_COLOR": "1"}, True, "xterm", False),
    ("auto", {"NO_COLOR": ""}, True, "xterm", True),        # empty means unset
    ("auto", {"FORCE_COLOR": "1"}, False, None, True),
    ("auto", {"FORCE_COLOR": ""}, False, None, False),
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, "xterm", False),
    ("always", {"NO_COLOR": "1"}, False, None, True),       # the option beats the environment
    ("never", {"FORCE_COLOR": "1"}, True, "xterm", False),
])
def test_use_color(choice, env, isatty, term, expected):
    assert screens.use_color(choice, env, isatty, term) is expected


@pytest.mark.parametrize("text, style, color, expected", [
    ("boom", "exception", True, "\x1b[31mboom\x1b[0m"),
    ("boom", "exception", False, "boom"),
    ("plain", "plain", True, "plain"),
    ("", "header", True, ""),
])
def test_paint_uses_only_basic_colours(text, style, color, expected):
    assert screens.paint(text, style, color) == expected


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make_screen(smart=True, **kwargs):
    stream, clock = io.StringIO(), Clock()
    return Screen(stream, smart=smart, color=False, width=lambda: 40, clock=clock, **kwargs), stream, clock


def bar(width):
    return f"bar{width}"


def plain():
    return "progress"


def test_bar_is_redrawn_at_a_limited_rate_and_sized_at_each_draw():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    clock.now = 0.05
    screen.progress(bar, plain)
    assert stream.getvalue() == CLEAR_LINE + "bar40" and screen.owed
    screen.width = lambda: 60  # the terminal was resized
    clock.now = 0.2
    screen.progress(bar, plain)
    assert stream.getvalue() == CLEAR_LINE + "bar40" + CLEAR_LINE + "bar60"


def test_forced_draw_ignores_the_rate():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    screen.progress(bar, plain, force=True)
    assert stream.getvalue().count("bar40") == 2


def test_lines_are_written_above_the_bar():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    screen.write_lines([("header", "FAIL: x"), ("plain", "a\nb")])
    assert stream.getvalue() == CLEAR_LINE + "bar40" + CLEAR_LINE + "FAIL: x\na\nb\n"
    assert not screen.bar_shown


def test_without_a_smart_terminal_a_plain_line_at_most_every_interval():
    screen, stream, clock = make_screen(smart=False, plain_interval=10)
    screen.progress(bar, plain)
    clock.now = 10
    screen.progress(bar, plain)
    clock.now = 15
    screen.progress(bar, plain)
    clock.now = 20
    screen.progress(bar, plain)
    screen.clear()
    assert stream.getvalue() == "progress\nprogress\n"


def test_tick_makes_owed_draws_and_refreshes_once_a_second():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    screen.tick()
    assert stream.getvalue().count("bar") == 1
    clock.now = 0.05
    screen.progress(bar, plain)  # skipped for the rate: owed
    screen.tick()
    assert stream.getvalue().count("bar") == 2
    clock.now = 1.1
    screen.tick()
    assert stream.getvalue().count("bar") == 3


def test_no_drawing_while_paused_for_a_debugger_or_after_stop():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    screen.clear(pause=True)
    clock.now = 5
    screen.tick()
    screen.tick(may_draw=lambda: False)
    assert stream.getvalue() == CLEAR_LINE + "bar40" + CLEAR_LINE
    screen.progress(bar, plain)  # the run's next event ends the pause
    screen.stop()
    clock.now = 10
    screen.tick()
    assert stream.getvalue().endswith(CLEAR_LINE + "bar40" + CLEAR_LINE)


def test_ticker_thread_draws_and_stops():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    clock.now = 0.05
    screen.progress(bar, plain)
    screen.start_ticker(lambda: True, interval=0.01)
    for _ in range(500):
        if not screen.owed:
            break
        time.sleep(0.01)
    screen.stop()
    assert not screen.owed


def test_clearing_stream_clears_the_bar_before_other_plugins_write():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    other = ClearingStream(stream, screen)
    other.writeln("XML: nosetests.xml")
    assert stream.getvalue() == CLEAR_LINE + "bar40" + CLEAR_LINE + "XML: nosetests.xml\n"


def test_debugger_active_sees_frame_trace_functions():
    me = _thread.get_ident()
    frame = sys._getframe()
    old = frame.f_trace
    assert not screens.debugger_active(me) or old is not None
    frame.f_trace = lambda *args: None
    try:
        assert screens.debugger_active(me)
    finally:
        frame.f_trace = old


def test_others_half_lines_are_ended_before_the_bar_comes_back():
    screen, stream, clock = make_screen()
    screen.progress(bar, plain)
    ClearingStream(stream, screen).write("half")
    clock.now = 1.0
    screen.progress(bar, plain)
    screen.write_lines([("plain", "ours")])
    assert stream.getvalue() == CLEAR_LINE + "bar40" + CLEAR_LINE + "half" + "\n" + CLEAR_LINE + "bar40" \
        + CLEAR_LINE + "ours\n"
