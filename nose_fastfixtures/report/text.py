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
