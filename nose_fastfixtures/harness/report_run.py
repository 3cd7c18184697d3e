"""One run's time report: the timeline and the classes that ran, analysed, then as text or HTML."""

import sys
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


def class_named(name):
    """The class a "class" span names (``module.Qualified.Name``), or None if it cannot be found."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        found = sys.modules.get(".".join(parts[:split]))
        if found is not None:
            for part in parts[split:]:
                found = getattr(found, part, None)
            return found if isinstance(found, type) else None
    return None


def classes_that_ran(spans):
    """The classes of the run's "class" spans, every lane's (a parallel worker's too), in order."""
    names = dict.fromkeys(span.name for span in sorted(spans, key=lambda s: s.start) if span.kind == "class")
    return [cls for cls in map(class_named, names) if cls is not None]


def build(timeline, cwd, fast_hasher_option=None):
    """Analyse *timeline*, a run in *cwd*, with what its classes say of themselves."""
    spans = list(timeline.spans)
    facts = [class_facts(cls, cwd) for cls in classes_that_ran(spans)]
    result = analysis.analyse(spans, facts, wall=timeline.clock() - timeline.started,
                              processes=timeline.processes.values())
    cache = {}
    objects = {f.name: objects_in(f.fixture_files, cwd, cache)
               for f in suggestions.alone_with_their_fixtures(facts, result)}
    found = suggestions.find(facts, result, objects, fast_hasher_option)
    return RunReport(spans, facts, result, found)


def text_lines(run, count):
    return text.report_lines(run.analysis, run.suggestions, count)


def write_html(run, path, count):
    page = html.render(run.spans, run.analysis, run.suggestions, count=count)
    Path(path).write_text(page, encoding="utf-8")
