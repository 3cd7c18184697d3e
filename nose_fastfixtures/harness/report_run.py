"""One run's time report: the timeline and the classes that ran, analysed, then as text or HTML."""

from dataclasses import dataclass
from pathlib import Path

from nose_fastfixtures.harness.report_facts import class_facts, objects_in
from nose_fastfixtures.report import analysis, html, suggestions, text


@dataclass
class RunReport:
    spans: list
    classes: list       # ClassFacts
    analysis: analysis.Analysis
    suggestions: list


def build(timeline, classes, cwd, fast_hasher_option=None):
    """Analyse *timeline* for the test *classes* that ran in *cwd*."""
    spans = list(timeline.spans)
    facts = [class_facts(cls, cwd) for cls in classes]
    result = analysis.analyse(spans, facts, wall=timeline.clock() - timeline.started)
    cache = {}
    objects = {f.name: objects_in(f.fixture_files, cwd, cache)
               for f in suggestions.alone_with_their_fixtures(facts, result)}
    found = suggestions.find(facts, result, objects, fast_hasher_option)
    return RunReport(spans, facts, result, found)


def text_lines(run, count):
    return text.report_lines(run.analysis, run.suggestions, count)


def write_html(run, path, count):
    page = html.render(run.spans, run.analysis, run.suggestions, count=count)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
