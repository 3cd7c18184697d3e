"""The time report's text and HTML forms, from a small known run."""

import json
import re
from collections import namedtuple

from nose_fastfixtures.planning.timeline import ProcessTime
from nose_fastfixtures.report import analysis, html, text
from nose_fastfixtures.report.facts import TESTCASE, ClassFacts
from nose_fastfixtures.report.suggestions import Suggestion

Span = namedtuple("Span", "kind name start end lane outcome", defaults=(0, ""))

SPANS = [Span("db-setup", "", 0.0, 1.0), Span("layer-load", "default:a", 1.0, 1.5),
         Span("loaddata", "default:a", 1.0, 1.4), Span("class", "m.One", 1.5, 3.0),
         Span("test", "m.One.test_slow", 1.5, 2.5, 0, "pass"), Span("sleep", "", 1.6, 2.4),
         Span("test", "m.One.test_fast", 2.5, 2.6, 0, "fail"), Span("layer-unload", "default:a", 3.0, 3.2),
         Span("db-teardown", "", 3.2, 3.5)]
CLASSES = [ClassFacts("m.One", "m.py", TESTCASE, ("a",), ("m/fixtures/a.json",), ("default",))]
SUGGESTION = Suggestion("kind", "m.One: test_slow slept 0.80s", ("m.One",), ("m.py",), 0.8)


def test_the_text_report():
    result = analysis.analyse(SPANS, CLASSES, wall=4.0)
    lines = text.report_lines(result, [SUGGESTION], count=1)
    assert lines[0] == "time report: 4.00s wall, 2 tests, 1 class"
    phases = [line.split() for line in lines[2:lines.index("loaddata calls: 1 (Django's runner: 1)")]]
    assert phases == [
        ["database", "setup", "or", "reuse", "1", "1.00s", "25.0%"],
        ["fixture", "loads", "1", "0.50s", "12.5%"],  # the layer, its loaddata call inside it
        ["fixture", "unloads", "and", "flushes", "1", "0.20s", "5.0%"],
        ["class", "set-up", "and", "tear-down", "1", "0.40s", "10.0%"],
        ["test", "bodies", "2", "0.30s", "7.5%"],
        ["sleeping", "1", "0.80s", "20.0%"],
        ["database", "teardown", "1", "0.30s", "7.5%"],
        ["other", "(nose,", "between", "phases)", "0.50s", "12.5%"]]
    assert "loaddata calls: 1 (Django's runner: 1)" in lines
    assert lines[lines.index("slowest tests:") + 1] == "  1.00s  m.One.test_slow"
    sets = lines.index("slowest fixture sets, or bundles (their classes' time):")
    assert lines[sets + 1] == "  1.50s  default:a (1 class)"
    assert lines[lines.index("slowest fixture layers (bundling: loads and unloads):") + 1] == (
        "  0.70s  default:a (1 load)")
    assert lines[-2:] == ["  1. m.One: test_slow slept 0.80s", "     files: m.py"]
    assert text.report_lines(result, [], count=0)[-1] == "suggestions: none"


def test_the_html_page_is_self_contained_and_escapes_names():
    spans = SPANS + [Span("test", "m.One.test_</script><b>", 2.6, 2.7, 1, "error")]
    result = analysis.analyse(spans, CLASSES, wall=4.0)
    page = html.render(spans, result, [SUGGESTION])
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert page.count("</script>") == 2  # the data block's and the script's own
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
    assert data["lanes"] == [[0, "main process"], [1, "worker 1"]]
    assert data["spans"][0] == [0, "db-setup", "", 0.0, 1.0, ""]
    assert "m.One.test_&lt;/script&gt;&lt;b&gt;" in page  # in the slowest tests table
    assert "<li>m.One: test_slow slept 0.80s" in page


def test_a_serial_run_is_one_lane_named_run():
    assert html.page_data(SPANS)["lanes"] == [[0, "run"]]


def test_cpu_time_of_a_serial_run():
    processes = [ProcessTime(0, 3.0, 0.0, 4.0)]
    lines = text.report_lines(analysis.analyse(SPANS, CLASSES, wall=4.0, processes=processes), [], count=0)
    assert lines[lines.index("loaddata calls: 1 (Django's runner: 1)") - 1] == "CPU: 3.00s in 4.00s wall (0.75 of a core)"


def test_cpu_time_per_process_of_a_parallel_run():
    # Two workers from 1.0 to 11.0 that used 1.6 cores between them: they did not wait much.
    busy = [ProcessTime(2, 8.0, 1.0, 11.0), ProcessTime(0, 5.0, 0.0, 12.0), ProcessTime(1, 8.0, 1.0, 10.5)]
    assert text.cpu_lines(analysis.analyse(SPANS, CLASSES, processes=busy).processes) == [
        "CPU per process: main 5.00s, worker 1 8.00s, worker 2 8.00s",
        "  the 2 workers used 1.60 cores between them while they ran"]
    # The same workers on a busy machine: 0.30 of a core between them, and the report says why it matters.
    starved = [ProcessTime(0, 5.0, 0.0, 12.0), ProcessTime(1, 1.5, 1.0, 11.0), ProcessTime(2, 1.5, 1.0, 11.0)]
    lines = text.cpu_lines(starved)
    assert lines[1] == "  the 2 workers used 0.30 cores between them while they ran"
    assert lines[2:] == ["  (of the 2 they could use: the rest of the time they waited, for a database server",
                         "  or for cores busy elsewhere; workers beyond the idle cores cannot shorten a run)"]
    assert text.cpu_lines([]) == []
