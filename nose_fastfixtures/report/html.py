"""The time report as one self-contained HTML page: a timeline of the run, the report's tables below.

Everything the page needs is inside it (its CSS, its script, the spans as JSON), so it
works offline, from a CI artifact, in any browser, and makes no request.
"""

import json
from html import escape
from pathlib import Path

from nose_fastfixtures.report import analysis as a
from nose_fastfixtures.report.suggestions import plural
from nose_fastfixtures.report.text import (
    LAYERS_TITLE,
    SETS_TITLE,
    fixture_set_label,
    layer_label,
    loads_line,
    seconds_cell,
    share,
)

ASSETS = Path(__file__).parent / "assets"

# The rows of each lane: which span kinds they show.
ROWS = (
    ("run", ("startup", "settings", "collect", "checks")),
    ("database", (a.DB_SETUP, "db-clone", a.DB_TEARDOWN, "freshness")),
    ("fixtures", (a.LAYER_LOAD, a.LAYER_UNLOAD, a.CLASS_LOAD, a.CLASS_UNLOAD, a.LOADDATA, a.FLUSH,
                  a.RESTORE)),
    ("classes", (a.CLASS,)),
    ("tests", (a.TEST,)),
    ("waits", (a.HASHING, a.SLEEP, a.NETWORK)),
)
COLORS = {
    "startup": "#c4c4c4", "settings": "#b0b0b0", "collect": "#9c9c9c", "checks": "#888888",
    a.DB_SETUP: "#4a78c2", "db-clone": "#5f8ad0", a.DB_TEARDOWN: "#7d9bd0", "freshness": "#9bb3de",
    a.LAYER_LOAD: "#d9a521", a.LAYER_UNLOAD: "#a8821c", a.CLASS_LOAD: "#e0b43c", a.CLASS_UNLOAD: "#b8923a",
    a.LOADDATA: "#ecc95e", a.FLUSH: "#c0703a", a.RESTORE: "#c9853a", a.CLASS: "#9fb4cc",
    a.HASHING: "#8e44ad", a.SLEEP: "#555555", a.NETWORK: "#16a085",
}
OUTCOMES = {"pass": "#2e9d4a", "fail": "#d64541", "error": "#a01d8a", "skip": "#b5b5b5",
            "xfail": "#86c79a", "xpass": "#e08a1e", "": "#7f8c8d"}


def page_data(spans, lane_names=None):
    """The JSON the page's script draws: times relative to the first span, rounded to 0.1 ms."""
    spans = [span for span in spans if any(span.kind in kinds for _, kinds in ROWS)]
    origin = min((span.start for span in spans), default=0.0)
    lanes = sorted({span.lane for span in spans}) or [0]
    lane_names = lane_names or {}
    return {
        "duration": round(max((span.end for span in spans), default=origin) - origin, 4),
        "lanes": [[lane, lane_names.get(lane, _lane_name(lane, lanes))] for lane in lanes],
        "rows": [[name, list(kinds)] for name, kinds in ROWS],
        "spans": [[span.lane, span.kind, span.name, round(span.start - origin, 4),
                   round(span.end - origin, 4), span.outcome or ""] for span in spans],
        "colors": COLORS,
        "outcomes": OUTCOMES,
    }


def _lane_name(lane, lanes):
    return "run" if len(lanes) == 1 else ("main process" if lane == 0 else f"worker {lane}")


def _script_json(data):
    # "</" would end the script element early; "<\/" is the same string to JSON.
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


def _table(head, rows, numeric=()):
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _legend(spans):
    """Colours of the kinds and test outcomes this run has."""
    kinds = {span.kind for span in spans}
    outcomes = {span.outcome or "" for span in spans if span.kind == a.TEST}
    items = [(kind, color) for kind, color in COLORS.items() if kind in kinds]
    items += [(f"test: {outcome or 'unknown'}", color)
              for outcome, color in OUTCOMES.items() if outcome in outcomes]
    return "".join(f'<span><i style="background:{color}"></i>{escape(label)}</span>'
                   for label, color in items)


def _sections(analysis, suggestions, count):
    busy = sum(phase.seconds for phase in analysis.phases)
    parts = ["<h2>Time per phase</h2>", _table(
        ("phase", "spans", "seconds", "share"),
        [(p.label, str(p.spans) if p.spans else "", seconds_cell(p.seconds), share(p.seconds, busy))
         for p in analysis.phases], numeric=(1, 2, 3)),
        f"<p>{escape(loads_line(analysis))}</p>"]
    lists = (("Slowest tests", "test", [(t.seconds, t.name) for t in analysis.tests]),
             ("Slowest classes", "class", [(s, n) for n, s in analysis.classes.items()]),
             (f"Slowest {SETS_TITLE}", "fixture set",
              [(entry.seconds, fixture_set_label(entry)) for entry in analysis.fixture_sets]),
             (f"Slowest {LAYERS_TITLE}", "layer",
              [(entry.seconds, layer_label(entry)) for entry in analysis.layers]))
    for title, noun, pairs in lists:
        chosen = a.slowest(pairs, count)
        if chosen:
            parts += [f"<h2>{title}</h2>",
                      _table(("seconds", noun), [(seconds_cell(s), n) for s, n in chosen], numeric=(0,))]
    parts.append("<h2>Suggestions</h2>")
    if not suggestions:
        parts.append("<p>None: nothing in this run looked worth changing.</p>")
    else:
        items = "".join(f"<li>{escape(s.text)}<div class=\"files\">{escape(', '.join(s.files))}</div></li>"
                        for s in suggestions)
        parts.append(f'<ol class="suggestions">{items}</ol>')
    return "\n".join(parts)


def render(spans, analysis, suggestions, title="nose_fastfixtures time report", count=10, lane_names=None):
    """The whole page as a string."""
    data = page_data(spans, lane_names)
    lanes = len(data["lanes"])
    summary = (f"{seconds_cell(analysis.wall)} wall, {plural(len(analysis.tests), 'test')}, "
               f"{plural(len(analysis.classes), 'class')}, "
               + ("one lane (a serial run)" if lanes == 1 else f"one lane each for the main process and "
                                                            f"{plural(lanes - 1, 'worker')}"))
    css = (ASSETS / "page.css").read_text(encoding="utf-8")
    script = (ASSETS / "page.js").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{escape(title)}</title>
<style>
{css}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="summary">{escape(summary)}</p>
<div class="legend">{_legend(spans)}</div>
<div class="controls"><label>zoom <input id="zoom" type="range" min="1" max="60" step="1" value="1"></label>
hover a bar for its name and times</div>
<div id="scroller"><div id="timeline"></div></div>
<div id="tip"></div>
{_sections(analysis, suggestions, count)}
<script type="application/json" id="report-data">{_script_json(data)}</script>
<script>
{script}</script>
</body>
</html>
"""
