"""Where the time went: phases, the slowest tests, classes and fixture sets, and loaddata calls.

Pure functions over the run's spans (anything with ``kind``, ``name``, ``start``,
``end``, ``lane`` and ``outcome``) and the classes' ``ClassFacts``. Spans on one lane
nest (a fixture load inside a class inside the run); each moment of a lane belongs to
the innermost span open then, so the phases add up to the time the lanes were busy.
"""

from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from nose_fastfixtures.planning.durations import layer_key
from nose_fastfixtures.report.facts import TESTCASE, TRANSACTION_TESTCASE

# Span kinds (planning/timeline.py's) and the phase each one's own time counts as.
DB_SETUP, DB_TEARDOWN = "db-setup", "db-teardown"
LAYER_LOAD, LAYER_UNLOAD = "layer-load", "layer-unload"
CLASS_LOAD, CLASS_UNLOAD = "class-load", "class-unload"
LOADDATA, FLUSH, RESTORE, CLASS, TEST = "loaddata", "flush", "restore", "class", "test"
HASHING, SLEEP, NETWORK = "password-hash", "sleep", "network"
WRITE, THREAD_QUERY = "db-write", "thread-query"  # marks: zero-length, once per test

PHASES = (
    ("start-up and settings", ("startup", "settings")),
    ("collecting tests", ("collect",)),
    ("database setup or reuse", (DB_SETUP, "db-clone")),
    ("system checks", ("checks",)),
    ("fixture loads", (LAYER_LOAD, CLASS_LOAD, LOADDATA)),
    ("fixture unloads and flushes", (LAYER_UNLOAD, CLASS_UNLOAD, FLUSH)),
    ("restores", (RESTORE,)),
    ("class set-up and tear-down", (CLASS,)),
    ("test bodies", (TEST,)),
    ("password hashing", (HASHING,)),
    ("sleeping", (SLEEP,)),
    ("network", (NETWORK,)),
    ("database teardown", (DB_TEARDOWN, "freshness")),
)
OTHER_PHASE = "other (nose, between phases)"
WAITING_PHASE = "main process waiting for workers"
IDLE_PHASE = "workers idle (between their classes)"
MARKS = (WRITE, THREAD_QUERY)
_Interval = namedtuple("_Interval", "start end")


@dataclass
class Phase:
    label: str
    seconds: float
    spans: int = 0


@dataclass
class RanTest:
    """One test as it ran: its whole time and what was spent inside it on slow things."""

    name: str
    seconds: float
    outcome: str
    lane: int = 0
    hashing: float = 0.0
    sleeping: float = 0.0
    network: float = 0.0
    wrote: bool = False          # wrote to a database (outside its fixture set-up and teardown)
    other_thread: bool = False   # another thread queried a database while it ran

    @property
    def class_name(self):
        return self.name.rsplit(".", 1)[0]


@dataclass
class FixtureSetTime:
    label: str        # "default:customers+catalog": the classes loading these fixtures here
    seconds: float    # its classes' time (their own loads included)
    classes: int


@dataclass
class LayerTime:
    label: str        # "default:catalog": a bundling layer, named by its own fixtures
    seconds: float    # its loads and unloads
    loads: int


@dataclass
class Analysis:
    wall: float
    lanes: list
    phases: list
    tests: list                      # RanTest, in the order they started
    classes: dict                    # class name -> seconds
    class_loads: dict = field(default_factory=dict)    # class name -> seconds in its own loaddata calls
    class_hashing: dict = field(default_factory=dict)  # class name -> seconds hashing passwords
    layer_loads: dict = field(default_factory=dict)    # layer name -> seconds loading it (bundling)
    hashers: dict = field(default_factory=dict)        # hasher algorithm -> seconds (nested calls twice)
    fixture_sets: list = field(default_factory=list)  # FixtureSetTime, slowest first
    layers: list = field(default_factory=list)        # LayerTime, slowest first
    loads: int = 0                   # loaddata calls made
    djangos_loads: int = 0           # loaddata calls Django's runner would have made
    processes: list = field(default_factory=list)     # ProcessTime of the main process and each worker


def _nested(spans):
    """``(span, parent or None)`` for the spans of one lane, parents first."""
    stack = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        while stack and stack[-1].end <= span.start and stack[-1].end < span.end:
            stack.pop()
        yield span, (stack[-1] if stack else None)
        stack.append(span)


def own_times(spans):
    """``{span index: seconds}``: each span's time not inside one of its children."""
    indexed = list(enumerate(spans))
    own = {index: max(span.end - span.start, 0.0) for index, span in indexed}
    position = {id(span): index for index, span in indexed}
    for lane_spans in _by_lane(spans).values():
        for span, parent in _nested(lane_spans):
            if parent is not None:
                inside = min(span.end, parent.end) - max(span.start, parent.start)
                own[position[id(parent)]] -= max(inside, 0.0)
    return {index: max(seconds, 0.0) for index, seconds in own.items()}


def _by_lane(spans):
    lanes = defaultdict(list)
    for span in spans:
        lanes[span.lane].append(span)
    return lanes


def _covered(spans):
    """Seconds inside at least one of *spans*."""
    total, reach = 0.0, None
    for span in sorted(spans, key=lambda s: s.start):
        start = span.start if reach is None else max(span.start, reach)
        if span.end > start:
            total += span.end - start
        reach = span.end if reach is None else max(reach, span.end)
    return total


def _phase_of(kind):
    return next((label for label, kinds in PHASES if kind in kinds), kind)


def phases(spans, wall):
    """The phase table: own time by phase, then what no span covers (summed over lanes).

    A phase's count is of its spans not inside another span of the same phase (a
    bundling layer's load counts once, not again for its loaddata calls).
    """
    spans = [span for span in spans if span.kind not in MARKS]
    own = own_times(spans)
    seconds, counts = defaultdict(float), defaultdict(int)
    position = {id(span): index for index, span in enumerate(spans)}
    for lane_spans in _by_lane(spans).values():
        for span, parent in _nested(lane_spans):
            phase = _phase_of(span.kind)
            seconds[phase] += own[position[id(span)]]
            if parent is None or _phase_of(parent.kind) != phase:
                counts[phase] += 1
    known = [label for label, _ in PHASES]
    table = [Phase(label, seconds[label], counts[label]) for label in known]
    table += [Phase(label, seconds[label], counts[label]) for label in sorted(seconds) if label not in known]
    other, waiting, idle = _uncovered(spans, wall)
    table.append(Phase(WAITING_PHASE, max(waiting, 0.0)))
    table.append(Phase(IDLE_PHASE, max(idle, 0.0)))
    table.append(Phase(OTHER_PHASE, max(other, 0.0)))
    return [phase for phase in table if phase.seconds > 0 or phase.spans]


def _uncovered(spans, wall):
    """``(other, waiting, idle)``: time no span covers, split for parallel runs.

    On the main lane, what no span covers is *other*, except while workers run (from
    the first worker span to the last), when it is the main process *waiting* for
    them; a worker's gaps between its own first and last span are *idle*.
    """
    lanes = _by_lane(spans)
    if not lanes:
        return wall, 0.0, 0.0
    main = min(lanes)
    workers = [s for lane, lane_spans in lanes.items() if lane != main for s in lane_spans]
    other = wall - _covered(lanes[main])
    if not workers:
        return other, 0.0, 0.0
    start, end = min(s.start for s in workers), max(s.end for s in workers)
    waiting = (end - start) - _covered(_clipped(lanes[main], start, end))
    idle = sum(max(s.end for s in lane_spans) - min(s.start for s in lane_spans) - _covered(lane_spans)
               for lane, lane_spans in lanes.items() if lane != main)
    return other - waiting, waiting, idle


def _clipped(spans, start, end):
    """The parts of *spans* between *start* and *end*."""
    return [_Interval(max(span.start, start), min(span.end, end))
            for span in spans if span.end > start and span.start < end]


_PROBES = {HASHING: "hashing", SLEEP: "sleeping", NETWORK: "network"}
_MARKS = {WRITE: "wrote", THREAD_QUERY: "other_thread"}


def times_of_tests(spans):
    """Every test span as a RanTest, with the probe spans inside it added up."""
    tests = {}
    for lane_spans in _by_lane(spans).values():
        current = []  # the enclosing test spans, innermost last
        for span in sorted(lane_spans, key=lambda s: (s.start, -s.end)):
            while current and current[-1][0].end <= span.start and current[-1][0].end < span.end:
                current.pop()
            if span.kind == TEST:
                entry = RanTest(span.name, span.end - span.start, span.outcome or "", span.lane)
                tests[id(span)] = (span.start, entry)
                current.append((span, entry))
            elif current and span.kind in _PROBES:
                attribute = _PROBES[span.kind]
                entry = current[-1][1]
                setattr(entry, attribute, getattr(entry, attribute) + span.end - span.start)
            elif current and span.kind in _MARKS:
                setattr(current[-1][1], _MARKS[span.kind], True)
    return [entry for _, entry in sorted(tests.values(), key=lambda pair: pair[0])]


def inside_classes(spans, kinds):
    """``{class name: seconds}`` inside spans of *kinds* within each class's span (nested ones once)."""
    inside = defaultdict(list)
    for lane_spans in _by_lane(spans).values():
        classes = []
        for span in sorted(lane_spans, key=lambda s: (s.start, -s.end)):
            while classes and classes[-1].end <= span.start and classes[-1].end < span.end:
                classes.pop()
            if span.kind == CLASS:
                classes.append(span)
            elif span.kind in kinds and classes:
                inside[classes[-1].name].append(span)
    return {name: _covered(found) for name, found in inside.items()}


def seconds_by_name(spans, kind):
    totals = defaultdict(float)
    for span in spans:
        if span.kind == kind:
            totals[span.name] += span.end - span.start
    return dict(totals)


def class_times(spans):
    return seconds_by_name(spans, CLASS)


def djangos_loaddata_calls(classes, tests):
    """The loaddata calls ``manage.py test`` makes for the classes and tests that ran.

    A TestCase loads its fixtures into each of its databases once per class, a
    TransactionTestCase before each test (skipped tests load nothing).
    """
    ran = defaultdict(int)
    for test in tests:
        if test.outcome != "skip":
            ran[test.class_name] += 1
    calls = 0
    for facts in classes:
        if not facts.fixtures or not ran.get(facts.name):
            continue
        per_load = max(len(facts.aliases), 1)
        if facts.kind == TESTCASE:
            calls += per_load
        elif facts.kind == TRANSACTION_TESTCASE:
            calls += per_load * ran[facts.name]
    return calls


def fixture_set_times(classes, class_seconds):
    """Time per fixture set: the time of the classes that load it."""
    sets = {}
    for facts in classes:
        if facts.fixtures and facts.name in class_seconds:
            label = layer_key(facts.aliases, facts.fixtures)
            entry = sets.setdefault(label, FixtureSetTime(label, 0.0, 0))
            entry.seconds += class_seconds[facts.name]
            entry.classes += 1
    return sorted(sets.values(), key=lambda entry: -entry.seconds)


def layer_times(spans):
    """Time per bundling layer: its loads and unloads."""
    layers = {}
    for span in spans:
        if span.kind in (LAYER_LOAD, LAYER_UNLOAD):
            entry = layers.setdefault(span.name, LayerTime(span.name, 0.0, 0))
            entry.seconds += span.end - span.start
            entry.loads += span.kind == LAYER_LOAD
    return sorted(layers.values(), key=lambda entry: -entry.seconds)


def analyse(spans, classes, wall=None, processes=()):
    """The whole analysis of one run (*processes*: the CPU time of each of its processes)."""
    spans = list(spans)
    if wall is None:
        wall = (max(s.end for s in spans) - min(s.start for s in spans)) if spans else 0.0
    tests = times_of_tests(spans)
    seconds_by_class = class_times(spans)
    return Analysis(
        wall=wall,
        lanes=sorted({span.lane for span in spans}),
        phases=phases(spans, wall),
        tests=tests,
        classes=seconds_by_class,
        class_loads=inside_classes(spans, (LOADDATA,)),
        class_hashing=inside_classes(spans, (HASHING,)),
        layer_loads=seconds_by_name(spans, LAYER_LOAD),
        hashers=seconds_by_name(spans, HASHING),
        fixture_sets=fixture_set_times(classes, seconds_by_class),
        layers=layer_times(spans),
        loads=sum(1 for span in spans if span.kind == LOADDATA),
        djangos_loads=djangos_loaddata_calls(classes, tests),
        processes=sorted(processes, key=lambda process: process.lane),
    )


def slowest(pairs, count):
    """The *count* largest ``(seconds, name)`` pairs, largest first, ties in their given order."""
    return sorted(pairs, key=lambda pair: -pair[0])[:max(count, 0)]
