"""The run's timeline: spans, phase totals without double counting, durations derived from it."""

import itertools

import pytest

from nose_fastfixtures.planning.durations import Durations
from nose_fastfixtures.planning.timeline import Timeline, spans_from_json


def ticking(step=1.0):
    """A clock that moves *step* seconds at every read."""
    counter = itertools.count()
    return lambda: next(counter) * step


def test_a_span_measures_its_block_even_when_it_raises():
    timeline = Timeline(clock=ticking())
    with pytest.raises(RuntimeError), timeline.span("db-setup"):
        raise RuntimeError("no server")
    (span,) = timeline.spans
    assert (span.kind, span.seconds, span.lane) == ("db-setup", 1.0, 0)


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown span kind 'typo'"):
        Timeline().add("typo", "", 0, 1)


def test_begin_run_forgets_earlier_spans_and_records_the_startup():
    timeline = Timeline(clock=lambda: 10.0)
    timeline.add("test", "a", 1, 2)
    timeline.begin_run(process_started=7.5)
    assert [(s.kind, s.seconds) for s in timeline.spans] == [("startup", 2.5)]
    assert timeline.started == 7.5
    timeline.begin_run(process_started=None)
    assert timeline.spans == [] and timeline.started == 10.0


def test_phase_totals_leave_out_what_lies_inside_a_class_or_the_teardown():
    timeline = Timeline()
    timeline.add("class", "app.T", 0, 10)
    timeline.add("class-load", "app.T", 0, 2)
    timeline.add("restore", "app.T", 3, 4)
    timeline.add("test", "app.T.test_a", 2, 6)
    timeline.add("layer-load", "default:users", 10, 11.5)
    timeline.add("db-teardown", "", 12, 15)
    timeline.add("freshness", "default", 12, 14)
    assert timeline.phase_totals() == {"class": 10, "layer-load": 1.5, "db-teardown": 3}
    assert timeline.totals()["restore"] == 1


def test_durations_come_from_tests_classes_and_layer_loads_and_the_last_one_wins():
    timeline = Timeline()
    timeline.add("test", "app.T.test_a", 0, 1)
    timeline.add("test", "app.T.test_a", 1, 1.25)
    timeline.add("class", "app.T", 0, 2)
    timeline.add("layer-load", "default:users", 0, 0.5)
    timeline.add("layer-unload", "default:users", 0, 0.125)
    assert timeline.durations() == Durations(tests={"app.T.test_a": 0.25}, classes={"app.T": 2},
                                             layers={"default:users": 0.5})


def test_a_workers_spans_keep_their_lane_through_json():
    worker = Timeline(lane=2)
    worker.add("test", "app.T.test_a", 5, 6, outcome="fail")
    parent = Timeline()
    parent.extend(spans_from_json(worker.as_json()["spans"]))
    (span,) = parent.spans
    assert (span.lane, span.outcome, span.name) == (2, "fail", "app.T.test_a")


def test_processes_cpu_time_in_the_json_and_forgotten_by_a_new_run():
    timeline = Timeline(clock=iter([0.0, 10.0, 20.0]).__next__)
    timeline.add_process(1, 3.5, 1.0, 8.0)
    timeline.note_main_process()
    assert [(p["lane"], p["end"]) for p in timeline.as_json()["processes"]] == [(0, 10.0), (1, 8.0)]
    assert timeline.processes[1].cores == 0.5
    timeline.begin_run()
    assert timeline.processes == {}
