"""Where a run's time went: spans recorded as they happen, for the time report, the bench and scheduling.

Pure: no Django, no nose. One ``Timeline`` per process (``TIMELINE``); parallel
workers send their spans to the parent with their lane number. Times come from
``time.perf_counter()``, which on Linux is CLOCK_MONOTONIC, shared by every process
of the machine, so the spans of workers and parent line up. Recording a span costs
two clock reads and one list append; it is always on.
"""

import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from nose_fastfixtures.planning.durations import Durations

# The kinds of spans, roughly in the order a run meets them. Kinds nest: a "test"
# span lies inside its "class" span, a "layer-load" between classes, a
# "freshness" restore inside "db-teardown".
KINDS = (
    "startup",          # interpreter start to the Django plugin's begin (imports, nose's set-up)
    "settings",         # importing the settings, django.setup()
    "collect",          # loading the test modules and planning the order
    "db-setup",         # creating, migrating or reusing the test databases
    "db-clone",         # cloning the test database for parallel workers
    "checks",           # Django's system checks
    "layer-load",       # fixture bundling: one layer loaded (name: durations.layer_key)
    "layer-unload",     # ... and removed again
    "class",            # a test class, setUpClass to tearDownClass (name: module.Class)
    "class-load",       # per-class fixtures loaded for a TransactionTestCase
    "restore",          # per-class fixtures: tables a test wrote put back
    "class-unload",     # per-class fixtures removed at the class's end
    "test",             # one test: setUp, the body, tearDown (name: its id; outcome)
    "db-teardown",      # destroying or keeping the test databases
    "freshness",        # REUSE_DB: putting a kept database back to its fresh state
    # Recorded while the time report is on (harness/probes.py):
    "loaddata",         # one loaddata call, Django's or the ledger's (name: durations.layer_key)
    "flush",            # Django's flush after a TransactionTestCase's test (name: the alias)
    "password-hash",    # a password hashed or checked (name: the hasher's algorithm)
    "sleep",            # time.sleep on the thread running the tests
    "network",          # a socket call (connect, send, receive, name lookup) on that thread
    "db-write",         # a mark: the running test's first write to a database
    "thread-query",     # a mark: another thread queried a database while the test ran
)

# Kinds whose time sits inside another span of the same lane; totals() leaves them
# out of the phase sums so nothing is counted twice.
NESTED = {"test": "class", "class-load": "class", "restore": "class", "class-unload": "class",
          "freshness": "db-teardown", "loaddata": "class", "flush": "class", "password-hash": "test",
          "sleep": "test", "network": "test", "db-write": "test", "thread-query": "test"}


@dataclass(frozen=True)
class Span:
    kind: str
    name: str
    start: float    # time.perf_counter() seconds
    end: float
    lane: int = 0   # 0: the main process (or a serial run); 1..N: parallel workers
    outcome: str = ""  # tests: pass, fail, error, skip, xfail, xpass

    @property
    def seconds(self):
        return self.end - self.start


@dataclass(frozen=True)
class ProcessTime:
    """The CPU time one process of the run used (user + system), and when it ran."""

    lane: int       # 0: the main process; 1..N: parallel workers
    cpu: float      # seconds
    start: float    # time.perf_counter() seconds
    end: float

    @property
    def cores(self):
        """How many cores it used on average while it ran."""
        return self.cpu / (self.end - self.start) if self.end > self.start else 0.0


def own_cpu_seconds():
    """User + system seconds this process has used (a forked worker starts from zero)."""
    times = os.times()
    return times.user + times.system


class Timeline:
    """The spans of one run, in the order they ended."""

    def __init__(self, clock=time.perf_counter, lane=0):
        self.clock = clock
        self.lane = lane
        self.spans = []
        self.processes = {}  # lane -> ProcessTime
        self.started = clock()

    def begin_run(self, process_started=None, lane=0):
        """Forget earlier spans; a run starts now, or at *process_started* with a "startup" span."""
        now = self.clock()
        self.spans = []
        self.processes = {}
        self.lane = lane
        self.started = now
        if process_started is not None and process_started < now:
            self.started = process_started
            self.add("startup", "", process_started, now)

    @contextmanager
    def span(self, kind, name=""):
        """Record the time the ``with`` block takes, even if it raises."""
        start = self.clock()
        try:
            yield
        finally:
            self.add(kind, name, start, self.clock())

    def add(self, kind, name, start, end, outcome="", lane=None):
        if kind not in KINDS:
            raise ValueError(f"unknown span kind {kind!r}")
        self.spans.append(Span(kind, name, start, end, self.lane if lane is None else lane, outcome))

    def extend(self, spans):
        """Spans measured elsewhere (a worker's), kept with their own lane."""
        self.spans.extend(spans)

    def add_process(self, lane, cpu, start, end):
        """What a process of the run used: a worker at its end, the main process at the report."""
        self.processes[lane] = ProcessTime(lane, cpu, start, end)

    def note_main_process(self):
        """The main process's CPU time until now (read again at each call)."""
        self.add_process(0, own_cpu_seconds(), self.started, self.clock())

    def totals(self):
        """Seconds per kind, summed over all lanes."""
        sums = {}
        for span in self.spans:
            sums[span.kind] = sums.get(span.kind, 0.0) + span.seconds
        return sums

    def phase_totals(self):
        """Seconds per top-level phase (nested kinds left out), summed over lanes."""
        return {kind: seconds for kind, seconds in self.totals().items() if kind not in NESTED}

    def durations(self):
        """The run's measured tests, classes and fixture layers, for the durations file.

        A test or class seen twice (a rerun) keeps its last measurement.
        """
        found = Durations()
        sections = {"test": found.tests, "class": found.classes, "layer-load": found.layers}
        for span in self.spans:
            if span.kind in sections and span.name:
                sections[span.kind][span.name] = round(span.seconds, 6)
        return found

    def as_json(self):
        return {"started": self.started, "spans": [asdict(span) for span in self.spans],
                "processes": [asdict(process) for _, process in sorted(self.processes.items())]}


def spans_from_json(items):
    return [Span(**item) for item in items]


TIMELINE = Timeline()
