"""The time report's analysis: own time of nested spans, phases, tests, loads, fixture sets."""

from collections import namedtuple

import pytest

from nose_fastfixtures.report import analysis as a
from nose_fastfixtures.report.facts import OTHER, TESTCASE, TRANSACTION_TESTCASE, ClassFacts

Span = namedtuple("Span", "kind name start end lane outcome", defaults=(0, ""))


def test_nested_spans_count_only_their_own_time():
    spans = [Span("class", "C", 0.0, 10.0), Span("loaddata", "default:x", 1.0, 3.0),
             Span("test", "C.test_a", 4.0, 8.0), Span("sleep", "", 5.0, 6.0)]
    assert a.own_times(spans) == {0: 4.0, 1: 2.0, 2: 3.0, 3: 1.0}


def test_phases_add_up_to_the_wall_time_on_one_lane():
    spans = [Span("db-setup", "default", 0.0, 2.0), Span("class", "C", 2.0, 6.0),
             Span("test", "C.test_a", 3.0, 5.0), Span("password-hash", "md5", 3.5, 4.0),
             Span("db-teardown", "default", 6.0, 7.0)]
    phases = {phase.label: phase.seconds for phase in a.phases(spans, wall=8.0)}
    assert phases == {"database setup or reuse": 2.0, "class set-up and tear-down": 2.0,
                      "test bodies": 1.5, "password hashing": 0.5, "database teardown": 1.0,
                      a.OTHER_PHASE: 1.0}
    assert sum(phases.values()) == pytest.approx(8.0)


def test_unknown_kinds_get_a_phase_of_their_own():
    phases = {p.label: p.seconds for p in a.phases([Span("future-kind", "", 0.0, 1.0)], wall=1.0)}
    assert phases == {"future-kind": 1.0}


def test_tests_carry_what_was_spent_inside_them_on_each_lane():
    spans = [Span("test", "m.C.test_a", 0.0, 1.0, 1, "pass"), Span("sleep", "", 0.1, 0.4, 1),
             Span("network", "", 0.5, 0.6, 1), Span("db-write", "", 0.7, 0.7, 1),
             Span("test", "m.C.test_b", 0.0, 2.0, 2, "fail"), Span("password-hash", "", 0.2, 0.5, 2),
             Span("sleep", "outside any test", 3.0, 4.0, 1)]
    first, second = a.times_of_tests(spans)
    assert (first.name, first.lane, first.outcome, first.wrote) == ("m.C.test_a", 1, "pass", True)
    assert (first.sleeping, first.network, first.hashing) == pytest.approx((0.3, 0.1, 0.0))
    assert (second.class_name, second.hashing, second.wrote) == ("m.C", pytest.approx(0.3), False)


def test_djangos_loaddata_calls_per_class_and_per_transactional_test():
    classes = [ClassFacts("m.Shared", kind=TESTCASE, fixtures=("a",), aliases=("default", "other")),
               ClassFacts("m.Flushes", kind=TRANSACTION_TESTCASE, fixtures=("a",), aliases=("default",)),
               ClassFacts("m.NoFixtures", kind=TESTCASE), ClassFacts("m.Plain", kind=OTHER),
               ClassFacts("m.NeverRan", kind=TESTCASE, fixtures=("a",), aliases=("default",))]
    tests = [a.RanTest("m.Shared.test_x", 1, "pass"), a.RanTest("m.Flushes.test_x", 1, "pass"),
             a.RanTest("m.Flushes.test_y", 1, "fail"), a.RanTest("m.Flushes.test_z", 1, "skip"),
             a.RanTest("m.NoFixtures.test_x", 1, "pass")]
    assert a.djangos_loaddata_calls(classes, tests) == 2 + 2


def test_analyse_counts_loads_and_times_fixture_sets():
    spans = [Span("layer-load", "default:a", 0.0, 1.0), Span("loaddata", "default:a", 0.0, 1.0),
             Span("class", "m.One", 1.0, 2.0), Span("test", "m.One.test", 1.0, 2.0, 0, "pass"),
             Span("class", "m.Two", 2.0, 4.0), Span("test", "m.Two.test", 2.0, 4.0, 0, "pass"),
             Span("layer-unload", "default:a", 4.0, 4.5),
             Span("class", "m.Own", 5.0, 7.0), Span("loaddata", "default:b", 5.0, 5.5)]
    classes = [ClassFacts(name, kind=TESTCASE, fixtures=(fixture,), aliases=("default",))
               for name, fixture in (("m.One", "a"), ("m.Two", "a"), ("m.Own", "b"))]
    result = a.analyse(spans, classes)
    assert (result.wall, result.loads, result.djangos_loads) == (7.0, 2, 2)
    assert result.class_loads == {"m.Own": 0.5}
    assert [(f.label, f.seconds, f.classes) for f in result.fixture_sets] == [("default:a", 3.0, 2),
                                                                              ("default:b", 2.0, 1)]
    assert [(layer.label, layer.seconds, layer.loads) for layer in result.layers] == [("default:a", 1.5, 1)]


def test_slowest_keeps_ties_in_order():
    assert a.slowest([(1, "a"), (2, "b"), (1, "c")], 2) == [(2, "b"), (1, "a")]


def test_a_parallel_runs_main_process_waits_for_its_workers_which_idle_between_classes():
    spans = [Span("db-setup", "", 0.0, 1.0), Span("db-clone", "", 1.0, 2.0),
             Span("class", "m.A", 2.5, 4.0, 1), Span("class", "m.B", 5.0, 6.0, 1),
             Span("class", "m.C", 2.5, 6.5, 2), Span("db-teardown", "", 7.0, 7.5)]
    phases = {phase.label: phase.seconds for phase in a.phases(spans, wall=8.0)}
    assert phases[a.WAITING_PHASE] == 4.0    # 2.5 to 6.5, the workers' stretch
    assert phases[a.IDLE_PHASE] == 1.0       # worker 1, between m.A and m.B
    assert phases[a.OTHER_PHASE] == 1.5      # the main lane's gaps outside it: 2-2.5, 6.5-7, 7.5-8
