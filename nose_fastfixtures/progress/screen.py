"""Where the reporter writes: colour decisions, and the bar kept on a terminal's last line."""

import _thread
import sys
import time

CLEAR_LINE = "\r\x1b[K"
# Only the eight basic colours and bold: valid on every colour terminal, 8-colour ones included.
STYLES = {
    "header": "1;31",
    "exception": "31",
    "failed": "1;31",
    "passed": "1;32",
    "warning": "33",
}
COLOR_CHOICES = ("auto", "always", "never")
DUMB_TERMS = ("", "dumb", "unknown")


def is_smart_terminal(isatty, term):
    """Whether cursor movement is allowed: a terminal whose ``TERM`` is known and not dumb."""
    return bool(isatty) and (term or "") not in DUMB_TERMS


def use_color(choice, env, isatty, term):
    """Colour or not, in this order: ``--progressive-color=always|never``, then ``NO_COLOR``
    (set and not empty: no colour), then ``FORCE_COLOR`` (set and not empty: colour),
    then a terminal that is not dumb."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return is_smart_terminal(isatty, term)


def paint(text, style, color):
    """*text* in *style*'s colour when *color* is on and the style has one."""
    code = STYLES.get(style) if color else None
    return f"\x1b[{code}m{text}\x1b[0m" if code and text else text


class Screen:
    """Writes the reporter's lines; on a smart terminal keeps a bar on the last line.

    The bar is redrawn at most every *bar_interval* seconds and sized to the terminal
    at each draw, so it follows resizes. A draw skipped for the rate is owed: the
    ticker (see start_ticker) makes it, so a long test's name shows while it runs.
    Without a smart terminal there is no bar: a plain progress line at most every
    *plain_interval* seconds.
    """

    def __init__(self, stream, smart, color, width=lambda: 80, clock=time.monotonic,
                 bar_interval=0.1, plain_interval=10.0):
        self.stream = stream
        self.smart = smart
        self.color = color
        self.width = width
        self.clock = clock
        self.bar_interval = bar_interval
        self.plain_interval = plain_interval
        self.bar_shown = False
        self.last_draw = None
        self.started = clock()
        self.make_bar = None
        self.owed = False
        self.paused = False
        self.stopped = False
        self.mid_line = False  # others wrote text not ended by a newline
        # A raw lock: a test that mocks threading or time cannot reach it.
        self.lock = _thread.allocate_lock()

    def clear(self, pause=False):
        """Take the bar off the screen, so that others write on a clean line.

        *pause*: a debugger is about to speak; no drawing until the run's next event.
        """
        with self.lock:
            self.paused = self.paused or pause
            self._clear()

    def _clear(self):
        if self.bar_shown:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self.bar_shown = False
            self.last_draw = None

    def write_through(self, stream, text):
        """Write what others print (warnings, logging, ``print``) on a line of its own.

        The bar goes first; if their text stops mid-line, the next line of ours starts
        on a new one rather than gluing itself to theirs.
        """
        with self.lock:
            self._clear()
            stream.write(text)
            stream.flush()
            if text:
                self.mid_line = not text.endswith("\n")

    def _end_their_line(self):
        if self.mid_line:
            self.stream.write("\n")
            self.mid_line = False

    def write_lines(self, styled_lines):
        """Print ``(style, text)`` lines above the bar."""
        with self.lock:
            self._clear()
            self._end_their_line()
            for style, text in styled_lines:
                for line in text.split("\n"):
                    self.stream.write(paint(line, style, self.color) + "\n")
            self.stream.flush()

    def progress(self, make_bar, make_plain, force=False):
        """Redraw the bar (or print the plain line) if it is due; the makers build the text lazily.

        *make_plain* None: an event that does not warrant a plain line (a test starting).
        """
        with self.lock:
            self.paused = False
            now = self.clock()
            if self.smart:
                self.make_bar = make_bar
                if force or self.last_draw is None or now - self.last_draw >= self.bar_interval:
                    self._draw(now)
                else:
                    self.owed = True
            elif make_plain is not None and now - (self.last_draw if self.last_draw is not None else self.started) >= self.plain_interval:
                self.stream.write(make_plain() + "\n")
                self.stream.flush()
                self.last_draw = now

    def _draw(self, now):
        self._end_their_line()
        self.stream.write(CLEAR_LINE + self.make_bar(self.width()))
        self.stream.flush()
        self.bar_shown = True
        self.last_draw = now
        self.owed = False

    def tick(self, may_draw=lambda: True):
        """The ticker's step: make an owed draw, or refresh the elapsed time once a second."""
        with self.lock:
            if self.stopped or self.paused or self.make_bar is None:
                return
            now = self.clock()
            stale = self.last_draw is None or now - self.last_draw >= 1.0
            if (self.owed or stale) and may_draw():
                self._draw(now)

    def start_ticker(self, may_draw, interval=0.25):
        """On a smart terminal, call tick() every *interval* seconds from a raw thread.

        A raw thread (``_thread``) is invisible to ``threading.enumerate()``, so tests
        that count threads see what they would without the reporter.
        """
        if not self.smart:
            return
        wake = _thread.allocate_lock()
        wake.acquire()
        self._wake = wake

        def run():
            while not wake.acquire(timeout=interval):
                try:
                    self.tick(may_draw)
                except Exception:  # a stream closed under us: the bar is not worth a crash
                    return

        _thread.start_new_thread(run, ())

    def stop(self):
        """No more drawing; the ticker ends."""
        with self.lock:
            self.stopped = True
            self._clear()
        wake = getattr(self, "_wake", None)
        if wake is not None and wake.locked():
            wake.release()


def debugger_active(thread_id):
    """Whether a debugger traces *thread_id*: ``pdb.set_trace()`` sets ``f_trace`` on its frames."""
    frame = sys._current_frames().get(thread_id)
    while frame is not None:
        if frame.f_trace is not None:
            return True
        frame = frame.f_back
    return False


class ClearingStream:
    """A stream that takes the bar away before anything written to it, and keeps it apart.

    Given to other plugins for their reports, and put in place of ``sys.stdout`` and
    ``sys.stderr`` while tests run on a terminal.
    """

    def __init__(self, stream, screen):
        self._stream = stream
        self._screen = screen

    def write(self, text):
        self._screen.write_through(self._stream, text)
        return len(text)

    def writelines(self, lines):
        self.write("".join(lines))

    def writeln(self, text=""):
        self.write(text + "\n")

    def __getattr__(self, name):
        return getattr(self._stream, name)
