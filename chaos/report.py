"""The campaign's results: one record per case, the table per part and backend, what went wrong.

Pure: the parts produce ``Case`` records, this module only counts and formats them.
"""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

PARTS = ("kills", "interrupts", "fuzz", "races", "guards", "config")


@dataclass
class Case:
    """One case tried: survived unless a check failed."""

    part: str
    backend: str
    name: str
    problems: list = field(default_factory=list)  # failed checks, one line each
    lost_data: bool = False   # a kept database not back to its fresh state, a real database written
    tracebacks: int = 0       # tracebacks through nose_fastfixtures in any output of the case
    phase: str = ""           # kills and interrupts: where the signal fell
    notes: list = field(default_factory=list)  # what the next run said, and such

    @property
    def survived(self):
        return not self.problems and not self.lost_data and not self.tracebacks

    def fail(self, problem):
        self.problems.append(problem)

    def verdict(self):
        """'ok', or 'FAILED: ' and what went wrong, for the campaign's progress lines."""
        if self.survived:
            return "ok"
        what = list(self.problems) + ([f"{self.tracebacks} traceback(s) through our code"] if self.tracebacks else [])
        return "FAILED: " + "; ".join(what or ["lost data"])


@dataclass
class Row:
    part: str
    backend: str
    cases: int = 0
    survived: int = 0
    lost_data: int = 0
    tracebacks: int = 0


def rows(cases):
    """One row per part and backend that has cases, in PARTS order, then one per backend for all parts."""
    table = {}
    for case in cases:
        for key in ((case.part, case.backend), ("all", case.backend)):
            row = table.setdefault(key, Row(*key))
            row.cases += 1
            row.survived += case.survived
            row.lost_data += case.lost_data
            row.tracebacks += case.tracebacks
    order = {part: index for index, part in enumerate(PARTS + ("all",))}
    backends = sorted({backend for _, backend in table}, key=backend_rank)
    return sorted(table.values(), key=lambda row: (order.get(row.part, 99), backends.index(row.backend)))


def backend_rank(name):
    known = ("sqlite", "sqlite-file", "postgresql", "mysql", "-")
    return (known.index(name) if name in known else len(known), name)


HEADERS = ("part", "backend", "cases", "survived", "lost data", "tracebacks")


def format_table(cases):
    """The campaign's table, as text lines."""
    body = [(row.part, row.backend, str(row.cases), str(row.survived), str(row.lost_data), str(row.tracebacks))
            for row in rows(cases)]
    widths = [max(len(line[column]) for line in [HEADERS, *body]) for column in range(len(HEADERS))]

    def line(cells):
        return "  ".join(cell.ljust(width) if index < 2 else cell.rjust(width)
                         for index, (cell, width) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("=" * width for width in widths)
    return [rule, line(HEADERS), rule, *(line(cells) for cells in body), rule]


def phase_counts(cases, part):
    """``{backend: Counter(phase)}``: where the signals of *part* fell."""
    counts = {}
    for case in cases:
        if case.part == part and case.phase:
            counts.setdefault(case.backend, Counter())[case.phase] += 1
    return counts


def format_phases(cases, part, phases):
    lines = []
    for backend, counter in sorted(phase_counts(cases, part).items(), key=lambda item: backend_rank(item[0])):
        ordered = [name for name in phases if name in counter] + sorted(set(counter) - set(phases))
        lines.append(f"{part} by phase, {backend}: " + ", ".join(f"{name} {counter[name]}" for name in ordered))
    return lines


def failures(cases, limit=40):
    """One line per failed case (at most *limit*), for the end of the report."""
    bad = [case for case in cases if not case.survived]
    lines = []
    for case in bad[:limit]:
        what = "; ".join(case.problems) or ("lost data" if case.lost_data else f"{case.tracebacks} traceback(s)")
        lines.append(f"FAILED {case.part}/{case.backend} {case.name}: {what}")
    if len(bad) > limit:
        lines.append(f"... and {len(bad) - limit} more failed cases (see the JSON results)")
    return lines


def passed(cases):
    return bool(cases) and all(case.survived for case in cases)


def to_json(cases, extra=None):
    return json.dumps({"cases": [asdict(case) for case in cases], **(extra or {})}, indent=1)
