"""When to kill: reading a run's phase trace, drawing moments inside phases, naming where a kill fell.

Pure: no Django, no nose, no processes. A trace is the lines ``chaos/tracing.py``
writes; a moment is "the k-th time the run enters phase P, plus d seconds".
"""

import random
from dataclasses import dataclass

# The phases a kill is aimed at, in the order a run meets them. "start" is everything
# outside the traced points (imports, settings, checks, reading the kept state).
PHASES = ("create", "migrate", "layers", "class-restore", "tests", "freshness", "teardown")
COLD_PHASES = ("create", "migrate")  # only a run that must build its database has them
START = "start"
EXIT = "exit"  # after the run's last teardown: the process is ending


@dataclass(frozen=True)
class Event:
    time: float
    pid: int
    kind: str  # "+", "-" or "!"
    name: str
    detail: str = ""


def parse(lines):
    """Events from trace lines; a line cut short by a kill is skipped."""
    events = []
    for line in lines:
        parts = line.rstrip("\n").split(" ", 4)
        if len(parts) < 4 or parts[2] not in "+-!":
            continue
        try:
            events.append(Event(float(parts[0]), int(parts[1]), parts[2], parts[3],
                                parts[4] if len(parts) > 4 else ""))
        except ValueError:
            continue
    return events


@dataclass(frozen=True)
class Segment:
    """A stretch of time when *phase* was the innermost open phase of one process."""

    phase: str
    start: float
    end: float
    occurrence: int  # of the enter event that opened this phase (0-based, per phase)
    offset: float    # seconds from that enter event to this segment's start


def segments(events, pid=None):
    """The innermost-phase segments of one process's trace, in time order."""
    stack = []  # [(phase, enter time, occurrence)]
    seen = {}
    result = []
    last = None
    for event in events:
        if pid is not None and event.pid != pid or event.kind == "!":
            continue
        if last is not None and stack and event.time > last:
            phase, entered, occurrence = stack[-1]
            result.append(Segment(phase, last, event.time, occurrence, last - entered))
        last = event.time
        if event.kind == "+":
            occurrence = seen.get(event.name, 0)
            seen[event.name] = occurrence + 1
            stack.append((event.name, event.time, occurrence))
        elif stack and stack[-1][0] == event.name:
            stack.pop()
    return result


@dataclass(frozen=True)
class Moment:
    """Kill when the run has entered *phase* for the (*occurrence*+1)-th time, *delay* seconds later."""

    phase: str
    occurrence: int
    delay: float


def draw(phase, reference, rng):
    """A moment uniformly distributed over the time *reference* spent innermost in *phase*.

    Drawing by time, not by occurrence, keeps the many instantaneous entries of a
    phase (a layer step with nothing to do) from taking most of the draws.
    """
    pieces = [segment for segment in reference if segment.phase == phase]
    total = sum(piece.end - piece.start for piece in pieces)
    if not pieces:
        return None
    if total <= 0:
        piece = rng.choice(pieces)
        return Moment(phase, piece.occurrence, piece.offset)
    point = rng.uniform(0, total)
    for piece in pieces:
        length = piece.end - piece.start
        if point <= length:
            return Moment(phase, piece.occurrence, piece.offset + point)
        point -= length
    piece = pieces[-1]
    return Moment(phase, piece.occurrence, piece.offset + piece.end - piece.start)


def schedule(count, phases, seed):
    """*count* phases to aim at, spread evenly over *phases* and shuffled (stratified draws)."""
    aims = [phases[index % len(phases)] for index in range(count)]
    random.Random(seed).shuffle(aims)
    return aims


def phase_at(events, moment_time, pid=None):
    """The innermost phase open at *moment_time* ("start" before any phase, "exit" after the last)."""
    stack = []
    ended = False
    for event in events:
        if event.time > moment_time:
            break
        if pid is not None and event.pid != pid or event.kind == "!":
            continue
        if event.kind == "+":
            stack.append(event.name)
        elif stack and stack[-1] == event.name:
            stack.pop()
            ended = event.name == "teardown" and not stack
    if stack:
        return stack[-1]
    return EXIT if ended else START


def enter_time(events, phase, occurrence, pid=None):
    """When the run entered *phase* for the (*occurrence*+1)-th time, or None if it has not yet."""
    seen = 0
    for event in events:
        if event.kind == "+" and event.name == phase and (pid is None or event.pid == pid):
            if seen == occurrence:
                return event.time
            seen += 1
    return None


def lock_intervals(events):
    """``[(key, acquired, released)]`` of every lock the trace shows held (released None: never)."""
    open_ = {}
    intervals = []
    for event in events:
        if event.kind != "!" or event.name not in ("lock-acquired", "lock-released"):
            continue
        key = (event.pid, event.detail)
        if event.name == "lock-acquired":
            open_[key] = event.time
        elif key in open_:
            intervals.append((event.detail, open_.pop(key), event.time))
    intervals += [(detail, acquired, None) for (_, detail), acquired in open_.items()]
    return intervals


def overlaps(intervals):
    """Intervals on a key that began while an earlier one on the same key was still held."""
    found = []
    held_until = {}  # key -> (end of the latest-ending interval so far, that interval)
    for interval in sorted(intervals, key=lambda item: (item[0], item[1])):
        key, start, end = interval
        previous = held_until.get(key)
        if previous is not None and (previous[0] is None or start < previous[0]):
            found.append((previous[1], interval))
        if previous is None or previous[0] is not None and (end is None or end > previous[0]):
            held_until[key] = (end, interval)
    return found
