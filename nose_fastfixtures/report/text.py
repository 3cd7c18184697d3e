"""The end-of-run text report: phases, loaddata calls, the slowest things, suggestions."""

from nose_fastfixtures.report.analysis import slowest
from nose_fastfixtures.report.suggestions import plural


SETS_TITLE = "fixture sets, or bundles (their classes' time)"
LAYERS_TITLE = "fixture layers (bundling: loads and unloads)"


def seconds_cell(seconds):
    return f"{seconds:.2f}s"


def share(seconds, total):
    return f"{100 * seconds / total:.1f}%" if total > 0 else "-"


def table(rows, right=()):
    """Rows of cells as aligned lines (columns in *right* aligned right), two spaces apart."""
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                      for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
            for row in rows]


def phase_lines(analysis):
    busy = sum(phase.seconds for phase in analysis.phases)
    rows = [(phase.label, str(phase.spans) if phase.spans else "", seconds_cell(phase.seconds),
             share(phase.seconds, busy)) for phase in analysis.phases]
    lanes = len(analysis.lanes)
    head = "time per phase" + (f" (summed over the main process and {plural(lanes - 1, 'worker')})"
                               if lanes > 1 else "") + ":"
    return [head] + ["  " + line for line in table(rows, right=(1, 2, 3))]


# Workers that used less than this share of their cores between them waited for most of the run.
STARVED_SHARE = 0.75


def cpu_lines(processes):
    """CPU time per process beside the wall time it ran, and what it means for a parallel run.

    Wall time alone cannot tell a run that worked from one that waited: on a machine
    whose cores are busy elsewhere, more workers share the same few cores and the run
    is no shorter (the CPU columns of ``make bench`` say the same for whole runs).
    """
    if not processes:
        return []
    main = [p for p in processes if p.lane == 0]
    workers = [p for p in processes if p.lane != 0]
    if not workers:
        process = main[0]
        return [f"CPU: {seconds_cell(process.cpu)} in {seconds_cell(process.end - process.start)} wall "
                f"({process.cores:.2f} of a core)"]
    names = [f"main {seconds_cell(p.cpu)}" for p in main]
    names += [f"worker {p.lane} {seconds_cell(p.cpu)}" for p in workers]
    lines = [f"CPU per process: {', '.join(names)}"]
    start, end = min(p.start for p in workers), max(p.end for p in workers)
    cores = sum(p.cpu for p in workers) / (end - start) if end > start else 0.0
    lines.append(f"  the {plural(len(workers), 'worker')} used {cores:.2f} cores between them while they ran")
    if cores < STARVED_SHARE * len(workers):
        lines.append(f"  (of the {len(workers)} they could use: the rest of the time they waited, "
                     f"for a database server")
        lines.append("  or for cores busy elsewhere; workers beyond the idle cores cannot shorten a run)")
    return lines


def loads_line(analysis):
    return f"loaddata calls: {analysis.loads} (Django's runner: {analysis.djangos_loads})"


def slowest_lines(title, pairs, count):
    chosen = slowest(pairs, count)
    if not chosen:
        return []
    rows = [(seconds_cell(seconds), name) for seconds, name in chosen]
    return [f"slowest {title}:"] + ["  " + line for line in table(rows, right=(0,))]


def fixture_set_label(entry):
    """``default:customers+catalog (3 classes)``."""
    return f"{entry.label} ({plural(entry.classes, 'class')})"


def layer_label(entry):
    """``default:catalog (2 loads)``."""
    return f"{entry.label} ({plural(entry.loads, 'load')})"


def suggestion_lines(suggestions):
    if not suggestions:
        return ["suggestions: none"]
    lines = ["suggestions:"]
    for number, suggestion in enumerate(suggestions, 1):
        lines.append(f"  {number}. {suggestion.text}")
        if suggestion.files:
            lines.append(f"     files: {', '.join(suggestion.files)}")
    return lines


def report_lines(analysis, suggestions, count=10):
    """The whole report, *count* entries in each slowest list."""
    lines = [f"time report: {seconds_cell(analysis.wall)} wall, {plural(len(analysis.tests), 'test')}, "
             f"{plural(len(analysis.classes), 'class')}"]
    lines += phase_lines(analysis)
    lines += cpu_lines(analysis.processes)
    lines.append(loads_line(analysis))
    lines += slowest_lines("tests", [(t.seconds, t.name) for t in analysis.tests], count)
    lines += slowest_lines("classes", [(s, name) for name, s in analysis.classes.items()], count)
    lines += slowest_lines(SETS_TITLE, [(e.seconds, fixture_set_label(e)) for e in analysis.fixture_sets],
                           count)
    lines += slowest_lines(LAYERS_TITLE, [(e.seconds, layer_label(e)) for e in analysis.layers], count)
    lines += suggestion_lines(suggestions)
    return lines


def slowest_test_lines(test_seconds, count, verbosity, separator="-" * 70):
    """``--django-durations N`` (``manage.py test --durations N``): the N slowest tests
    (0: all), as unittest prints them for Django's runner (Python 3.12+)."""
    if not test_seconds:
        return []
    ranked = sorted(test_seconds.items(), key=lambda item: item[1], reverse=True)
    if count > 0:
        ranked = ranked[:count]
    lines = ["Slowest test durations", separator]
    shown = [(name, seconds) for name, seconds in ranked if verbosity >= 2 or seconds >= 0.001]
    lines += ["%-10s %s" % (f"{seconds:.3f}s", name) for name, seconds in shown]
    if len(shown) < len(ranked):
        lines += ["", "Slowest test durations below 0.001s were hidden.", "Use -v to show these durations."]
    else:
        lines.append("")
    return lines
