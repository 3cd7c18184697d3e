"""The benchmark's pure figures: medians, pairwise ratios, outcome comparison and the table."""

import statistics

BASELINE = "django"


def median(values):
    """Median of the numbers given, None when there are none."""
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def pairwise_ratio(times, baseline_times):
    """Median of time/baseline over the runs of the same round (noise cancels within a round).

    Rounds where either side has no time (a failed run) are left out.
    """
    ratios = [time / base for time, base in zip(times, baseline_times)
              if time is not None and base]
    return median(ratios)


def outcome_differences(expected, actual):
    """``(test id, expected, actual)`` for every test whose outcome differs, sorted."""
    return [(key, expected.get(key, "missing"), actual.get(key, "missing"))
            for key in sorted(set(expected) | set(actual))
            if expected.get(key, "missing") != actual.get(key, "missing")]


def fidelity(expected, actual):
    """'same' when every outcome matches, else 'N differ'; '-' when either side is unknown."""
    if not expected or not actual:
        return "-"
    count = len(outcome_differences(expected, actual))
    return "same" if count == 0 else f"{count} differ"


def floor_share(test_seconds, wall_seconds, processes=1):
    """Share of the wall time (times processes) spent inside the tests themselves."""
    if test_seconds is None or not wall_seconds:
        return None
    return test_seconds / (wall_seconds * processes)


def summarize(times, baseline_times, counts, processes=1, cpu_times=()):
    """One row's figures from its timed runs and its counted run.

    *cpu_times*: user+system seconds of each timed run; beside the wall time they show
    when a run waited for the machine (these are shared) rather than worked.
    """
    wall = median(times)
    counts = counts or {}
    return {
        "wall": wall,
        "cpu": median(cpu_times),
        "runs": len([time for time in times if time is not None]),
        "ratio": pairwise_ratio(times, baseline_times),
        "statements": counts.get("statements"),
        "fixture_loads": counts.get("fixture_loads"),
        "fixture_objects": counts.get("fixture_objects"),
        "floor": floor_share(counts.get("test_seconds"), counts.get("wall"), processes),
        "harness": (counts.get("db_setup_seconds", 0) + counts.get("fixture_seconds", 0)) if counts else None,
    }


def merge_counts(per_process):
    """Add up the counts written by each process of one run; outcomes keep the worst per test."""
    severity = ("error", "fail", "xpass", "skip", "xfail", "pass")
    total = {"statements": 0, "fixture_loads": 0, "fixture_objects": 0, "test_seconds": 0.0,
             "fixture_seconds": 0.0, "db_setup_seconds": 0.0, "flush_seconds": 0.0, "teardown_seconds": 0.0,
             "fixture_in_test_seconds": 0.0, "flush_in_test_seconds": 0.0, "outcomes": {}}
    starts = [counts["setup_started"] for counts in per_process if counts.get("setup_started") is not None]
    total["setup_started"] = min(starts) if starts else None
    for counts in per_process:
        for name in total:
            if name not in ("outcomes", "setup_started"):
                total[name] += counts.get(name, 0)
        for key, outcome in counts.get("outcomes", {}).items():
            previous = total["outcomes"].get(key)
            if previous is None or severity.index(outcome) < severity.index(previous):
                total["outcomes"][key] = outcome
    return total


def _cell(value, kind):
    if value is None:
        return "-"
    if kind == "seconds":
        return f"{value:.1f} s"
    if kind == "ratio":
        return f"{value:.2f}x"
    if kind == "share":
        return f"{value * 100:.0f}%"
    if kind == "int":
        return f"{value:,}"
    return str(value)


def workers_cores(processes):
    """How many cores a parallel run's workers used between them while they ran, from its timeline's
    ``processes`` (lane 0 the main process); None for a serial run. Below the worker count, the
    workers waited (a busy machine): their wall time says little about the engine."""
    workers = [process for process in processes if process["lane"] != 0]
    if not workers:
        return None
    start, end = min(p["start"] for p in workers), max(p["end"] for p in workers)
    return sum(p["cpu"] for p in workers) / (end - start) if end > start else None


COLUMNS = (
    ("suite", "suite", "text"),
    ("backend", "backend", "text"),
    ("contender", "contender", "text"),
    ("wall", "wall (median)", "seconds"),
    ("cpu", "CPU (median)", "seconds"),
    ("runs", "runs", "int"),
    ("ratio", "vs Django", "ratio"),
    ("statements", "SQL", "int"),
    ("fixture_loads", "loaddata", "int"),
    ("fixture_objects", "fixture objs", "int"),
    ("harness", "db+fixtures", "seconds"),
    ("floor", "floor", "share"),
    ("fidelity", "outcomes", "text"),
    ("note", "note", "text"),
)


def format_table(rows):
    """An RST simple table (readable as plain text) of the rows' figures."""
    cells = [[title for _, title, _ in COLUMNS]]
    cells += [[_cell(row.get(key), kind) for key, _, kind in COLUMNS] for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(COLUMNS))]
    rule = "  ".join("=" * width for width in widths)

    def line(values):
        return "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    return "\n".join([rule, line(cells[0]), rule, *(line(values) for values in cells[1:]), rule])


# Where a run's time went, the same phases for every runner.
PHASES = ("start-up", "db setup", "fixture loads", "undo, restore", "flush", "classes", "tests", "teardown",
          "other")


def phases_from_timeline(totals, wall):
    """Phases from our timeline's seconds per span kind (``Timeline.totals()``)."""
    def seconds(*kinds):
        return sum(totals.get(kind, 0.0) for kind in kinds)

    found = {
        "start-up": seconds("startup", "settings", "collect", "checks"),
        "db setup": seconds("db-setup", "db-clone"),
        "fixture loads": seconds("layer-load", "class-load"),
        "undo, restore": seconds("layer-unload", "class-unload", "restore"),
        "flush": 0.0,  # Django's own flushes (classes it runs its way) are inside their tests
        "tests": seconds("test") - seconds("restore"),  # restores run inside the tests' spans
        # A class's own set-up and teardown (setUpTestData, its transaction, Django's way loads).
        "classes": seconds("class") - seconds("test", "class-load", "class-unload"),
        "teardown": seconds("db-teardown"),
    }
    found["other"] = wall - sum(found.values())
    return found


def phases_from_counts(counts, wall):
    """Phases from the counting hook (any runner): Django's runner has no timeline."""
    found = {
        "start-up": counts.get("setup_started") or 0.0,
        "db setup": counts.get("db_setup_seconds", 0.0),
        "fixture loads": counts.get("fixture_seconds", 0.0),
        "undo, restore": 0.0,
        "flush": counts.get("flush_seconds", 0.0),
        "classes": 0.0,  # not measured apart for other runners: in "other"
        "tests": counts.get("test_seconds", 0.0) - counts.get("fixture_in_test_seconds", 0.0)
        - counts.get("flush_in_test_seconds", 0.0),
        "teardown": counts.get("teardown_seconds", 0.0),
    }
    found["other"] = wall - sum(found.values())
    return found


def median_phases(runs):
    """Per phase, the median over the runs' phase dicts (None when there are none)."""
    runs = [run for run in runs if run]
    return {phase: median([run.get(phase) for run in runs]) for phase in PHASES} if runs else None


def format_phases(rows):
    """A table of the median seconds per phase for the rows that have them."""
    rows = [row for row in rows if row.get("phases")]
    if not rows:
        return ""
    header = ["suite", "backend", "contender", *PHASES, "wall"]
    cells = [header] + [[row["suite"], row["backend"], row["contender"],
                         *(_cell(row["phases"][phase], "seconds") for phase in PHASES), _cell(row["wall"], "seconds")]
                        for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(header))]
    rule = "  ".join("=" * width for width in widths)

    def line(values):
        return "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    return "\n".join([rule, line(cells[0]), rule, *(line(values) for values in cells[1:]), rule])
