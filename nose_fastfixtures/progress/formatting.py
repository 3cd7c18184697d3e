"""The reporter's lines as pure functions: bar, progress line, durations, brief list, summary."""

ELLIPSIS = "..."


def cut_right(text, width):
    """*text* in at most *width* characters, its end replaced by "..." when too long."""
    if len(text) <= width:
        return text
    return text[:max(width - len(ELLIPSIS), 0)] + ELLIPSIS[:width]


def cut_left(text, width):
    """*text* in at most *width* characters, keeping its end (a test's name ends with what matters)."""
    if len(text) <= width:
        return text
    if width <= len(ELLIPSIS):
        return text[len(text) - width:] if width > 0 else ""
    return ELLIPSIS + text[len(text) - width + len(ELLIPSIS):]


def format_seconds(seconds):
    """``12.3s``: the form of the summary line and of test durations."""
    return f"{max(seconds, 0.0):.1f}s"


def format_clock(seconds):
    """``0:07``, ``12:34`` or ``1:02:03``: elapsed and remaining time on the bar."""
    seconds = int(max(seconds, 0) + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def estimate_left(done, total, elapsed):
    """Seconds the remaining tests should take at the pace so far; None before the first test."""
    if done <= 0 or total <= done:
        return None if done <= 0 else 0.0
    return elapsed / done * (total - done)


def percent(done, total):
    return 100 if total <= 0 else min(100, done * 100 // total)


def progress_counts(done, total, elapsed):
    """``12/40  30%  0:12 ~0:28 left``: what the bar and the plain progress line share."""
    total = max(total, done)
    left = estimate_left(done, total, elapsed)
    estimate = "~?" if left is None else "~" + format_clock(left)
    return f"{done}/{total} {percent(done, total):3d}%  {format_clock(elapsed)} {estimate} left"


def bar_line(done, total, elapsed, current, width):
    """The terminal's bottom line, at most ``width - 1`` columns (the last column wraps on some terminals).

    ``[=====>     ] 12/40  30%  0:12 ~0:28 left  app.tests.OrderTests.test_total``; the
    bar shrinks, then goes, before the counts are cut; the test's name gets what is left.
    """
    room = max(width - 1, 0)
    counts = progress_counts(done, total, elapsed)
    bar_width = min(30, room - len(counts) - 3 - 20)
    line = counts
    if bar_width >= 10:
        filled = percent(done, max(total, done)) * bar_width // 100
        arrow = ">" if 0 < filled < bar_width else ""
        line = "[" + ("=" * filled + arrow).ljust(bar_width)[:bar_width] + "] " + counts
    if current and room - len(line) - 2 >= 8:
        line += "  " + cut_left(current, room - len(line) - 2)
    return cut_right(line, room)


def plain_progress_line(done, total, elapsed):
    """The line printed every few seconds when there is no terminal to draw a bar on."""
    return "progress: " + progress_counts(done, total, elapsed)


def slowest(durations, count):
    """The *count* longest ``(seconds, label)`` pairs, longest first (ties in the order they ran)."""
    return sorted(durations, key=lambda pair: -pair[0])[:max(count, 0)]


def duration_lines(durations, count):
    """``slowest 3 tests:`` and one indented line per test; no lines when *count* is 0."""
    chosen = slowest(durations, count)
    if not chosen:
        return []
    shown = [(f"{max(seconds, 0.0):.2f}s", label) for seconds, label in chosen]
    width = max(len(seconds) for seconds, _ in shown)
    noun = "test" if len(chosen) == 1 else f"{len(chosen)} tests"
    return [f"slowest {noun}:"] + [f"  {seconds.rjust(width)} {label}" for seconds, label in shown]


def brief_line(kind, label, message, width=100):
    """One rerunnable line of the final list: ``FAIL  path.py:Class.test - Error: why``.

    The label is never cut (it is what gets pasted back); the message gets what is left
    of *width*, and at least 20 characters; all of its first line when *width* is None
    (output that is not a terminal: a log keeps it whole).
    """
    head = f"{kind:<5} {label}"
    first = message.strip().splitlines()[0] if message and message.strip() else ""
    if not first:
        return head
    return f"{head} - {first if width is None else cut_right(first, max(width - len(head) - 3, 20))}"


COUNTED = ("passed", "failed", "errors", "skipped")


def summary_line(counts, seconds):
    """The last line, always in this form: ``3 passed, 1 failed, 0 errors, 2 skipped in 12.3s``."""
    parts = ", ".join(f"{counts.get(name, 0)} {name}" for name in COUNTED)
    return f"{parts} in {format_seconds(seconds)}"


def recount_note(expected_failures, unexpected_successes):
    """The line that says where expected failures and unexpected successes were counted, or None."""
    notes = []
    if expected_failures:
        noun = "failure" if expected_failures == 1 else "failures"
        notes.append(f"{expected_failures} expected {noun} counted as passed")
    if unexpected_successes:
        noun = "success" if unexpected_successes == 1 else "successes"
        notes.append(f"{unexpected_successes} unexpected {noun} counted as failed")
    return "(" + "; ".join(notes) + ")" if notes else None
