"""chaos/moments.py: reading phase traces, drawing kill moments, naming where a kill fell."""

import random

from chaos import moments

TRACE = """\
10.0 7 ! start nosetests
10.5 7 + create
10.6 7 + migrate
12.6 7 - migrate
12.8 7 - create
13.0 7 + layers
13.0 7 - layers
13.0 7 + tests
13.2 7 + class-restore
13.4 7 - class-restore
14.0 7 - tests
14.0 7 + teardown
14.1 7 + freshness
14.3 7 - freshness
14.4 7 - teardown
14.5 7 +
"""


def events():
    return moments.parse(TRACE.splitlines())


def test_a_line_cut_short_by_a_kill_is_skipped():
    assert events()[-1].name == "teardown"
    assert [event.kind for event in events()[:3]] == ["!", "+", "+"]


def test_segments_are_the_innermost_phase_with_offsets_from_its_entry():
    found = [(segment.phase, segment.start, segment.end, segment.occurrence, round(segment.offset, 3))
             for segment in moments.segments(events())]
    assert found[:3] == [("create", 10.5, 10.6, 0, 0.0), ("migrate", 10.6, 12.6, 0, 0.0),
                         ("create", 12.6, 12.8, 0, 2.1)]
    assert ("tests", 13.4, 14.0, 0, 0.4) in found
    assert ("freshness", 14.1, 14.3, 0, 0.0) in found


def test_draws_fall_inside_the_phase_in_proportion_to_its_time():
    reference = moments.segments(events())
    rng = random.Random(1)
    drawn = [moments.draw("create", reference, rng) for _ in range(200)]
    assert all(moment.phase == "create" and moment.occurrence == 0 for moment in drawn)
    assert all(0 <= moment.delay <= 0.1 or 2.1 <= moment.delay <= 2.3 for moment in drawn)
    assert moments.draw("layers", reference, rng) is None  # it took no time
    assert moments.draw("migrate-nothing", reference, rng) is None


def test_schedule_spreads_the_cases_evenly_over_the_phases():
    aims = moments.schedule(50, moments.PHASES, seed=3)
    counts = {phase: aims.count(phase) for phase in moments.PHASES}
    assert sum(counts.values()) == 50 and max(counts.values()) - min(counts.values()) <= 1
    assert aims == moments.schedule(50, moments.PHASES, seed=3)


def test_phase_at_a_moment():
    trace = events()
    assert moments.phase_at(trace, 10.2) == "start"
    assert moments.phase_at(trace, 11.0) == "migrate"
    assert moments.phase_at(trace, 13.3) == "class-restore"
    assert moments.phase_at(trace, 14.2) == "freshness"
    assert moments.phase_at(trace, 14.45) == "exit"
    assert moments.enter_time(trace, "class-restore", 0) == 13.2
    assert moments.enter_time(trace, "class-restore", 1) is None


def test_lock_holds_that_overlap_are_found():
    lines = ["1.0 1 ! lock-acquired k", "2.0 1 ! lock-released k", "2.5 2 ! lock-acquired k",
             "4.0 2 ! lock-released k", "3.0 3 ! lock-acquired k", "3.5 3 ! lock-released k",
             "3.0 4 ! lock-acquired other"]
    intervals = moments.lock_intervals(sorted(moments.parse(lines), key=lambda event: event.time))
    assert ("other", 3.0, None) in intervals
    overlaps = moments.overlaps(intervals)
    assert overlaps == [(("k", 2.5, 4.0), ("k", 3.0, 3.5))]
    assert moments.overlaps([("k", 1.0, 2.0), ("k", 2.0, 3.0)]) == []
