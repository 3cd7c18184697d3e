"""The scheduler and the shard splitter, over plain items and a fake worker."""

import random

import pytest

from nose_fastfixtures.planning.scheduling import (
    Dispatcher,
    Estimator,
    Item,
    makespan,
    parse_shard,
    plan,
    shard,
)


def item(name, kind="testcase", tests=1, bundle="", layers=()):
    return Item(name, name, kind, tests, bundle, tuple(layers))


def names(units):
    return [[i.name for i in unit.items] for unit in units]


class FakeWorker:
    """Records what it was sent, as pytest-xdist's scheduler tests do; runs nothing."""

    def __init__(self, number):
        self.number = number
        self.sent = []


def drive(dispatcher, workers, seconds):
    """Run the dispatcher to the end with fake workers that take *seconds(unit)* each."""
    clock = {worker.number: 0.0 for worker in workers}
    busy = {}
    for worker in workers:
        unit = dispatcher.next_for(worker.number)
        if unit is not None:
            worker.sent.append(unit)
            busy[worker.number] = clock[worker.number] + seconds(unit)
    while busy:
        number = min(busy, key=lambda n: (busy[n], n))
        clock[number] = busy.pop(number)
        unit = dispatcher.next_for(number)
        if unit is not None:
            workers[number].sent.append(unit)
            busy[number] = clock[number] + seconds(unit)
    return max(clock.values())


def test_a_bundle_is_one_unit_and_its_layers_count_once():
    items = [item("A", bundle="b", layers=["L1"]), item("B", bundle="b", layers=["L1", "L2"]),
             item("C")]
    estimator = Estimator(classes={"A": 1.0, "B": 2.0, "C": 0.5}, layers={"L1": 3.0, "L2": 1.0})
    units = plan(items, estimator, workers=1)
    assert names(units) == [["A", "B"], ["C"]]
    assert units[0].estimate == pytest.approx(1.0 + 2.0 + 3.0 + 1.0)


def test_longest_first_inside_djangos_groups_and_ties_keep_djangos_order():
    items = [item("t1", tests=1), item("t2", tests=5), item("t3", tests=5),
             item("x1", kind="simple", tests=9), item("f", kind="failure")]
    units = plan(items, Estimator(), workers=2)
    # A failure first, TestCase classes before TransactionTestCase ones, whatever their length.
    assert names(units) == [["f"], ["t2"], ["t3"], ["t1"], ["x1"]]


def test_unmeasured_items_are_estimated_from_their_test_count_at_the_measured_rate():
    items = [item("measured", tests=4), item("new", tests=10)]
    estimator = Estimator.from_durations(items, {"measured": 2.0}, {})
    assert estimator.per_test == 0.5
    assert estimator.item(items[1]) == 5.0
    assert Estimator.from_durations(items, {}, {}).item(items[1]) == 10.0


def test_a_bundle_longer_than_a_fair_share_is_split_at_class_boundaries():
    big = [item(f"K{n}", bundle="b", layers=["L"]) for n in range(8)]
    items = big + [item("small")]
    estimator = Estimator(classes={**{f"K{n}": 1.0 for n in range(8)}, "small": 1.0}, layers={"L": 0.5})
    units = plan(items, estimator, workers=4)
    parts = [unit for unit in units if unit.items[0].bundle == "b"]
    assert len(parts) > 1
    assert [i.name for unit in parts for i in sorted(unit.items, key=lambda i: i.name)] == \
        sorted(i.name for i in big)  # every class once
    assert all(unit.estimate == pytest.approx(0.5 + len(unit.items)) for unit in parts)  # each loads L once
    assert plan(items, estimator, workers=1)[0].items == tuple(big)  # one worker: never split


def test_fake_workers_get_every_unit_once_and_idle_workers_take_the_next():
    rng = random.Random(7)
    items = [item(f"C{n}", tests=rng.randint(1, 20)) for n in range(30)]
    estimator = Estimator.from_durations(items, {}, {})
    units = plan(items, estimator, workers=3)
    workers = [FakeWorker(n) for n in range(3)]
    span = drive(Dispatcher(units), workers, seconds=lambda unit: unit.estimate)
    sent = [i.name for worker in workers for unit in worker.sent for i in unit.items]
    assert sorted(sent) == sorted(i.name for i in items)
    assert span == pytest.approx(makespan(units, 3))
    total = sum(unit.estimate for unit in units)
    assert span <= total / 3 + max(unit.estimate for unit in units)  # list scheduling's bound


def test_a_dead_workers_unstarted_items_go_to_the_next_idle_worker():
    units = plan([item("A", bundle="b"), item("B", bundle="b"), item("C")], Estimator(), workers=1)
    dispatcher = Dispatcher(units)
    first = dispatcher.next_for(1)
    assert [i.name for i in first.items] == ["A", "B"]
    dispatcher.requeue(1, first.items[1:])  # died while running A
    assert [i.name for i in dispatcher.next_for(2).items] == ["B"]
    assert [i.name for i in dispatcher.next_for(2).items] == ["C"]
    assert dispatcher.next_for(2) is None and dispatcher.pending == 0


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_shards_together_hold_every_item_once_in_djangos_order(count):
    rng = random.Random(count)
    items = [item(f"C{n:02}", kind=rng.choice(["testcase", "simple"]), tests=rng.randint(1, 9),
                  bundle=rng.choice(["", "", "b1", "b2"])) for n in range(25)]
    estimator = Estimator.from_durations(items, {"C03": 20.0}, {})
    parts = [shard(items, estimator, index, count) for index in range(1, count + 1)]
    assert sorted(i.name for part in parts for i in part) == sorted(i.name for i in items)
    for part in parts:
        assert part == [i for i in items if i in part]  # kept in the run's order
    again = [shard(list(items), estimator, index, count) for index in range(1, count + 1)]
    assert [[i.name for i in p] for p in again] == [[i.name for i in p] for p in parts]  # deterministic


def test_shards_are_balanced_by_estimate():
    items = [item(f"C{n}") for n in range(9)]
    estimator = Estimator(classes={f"C{n}": float(n + 1) for n in range(9)})
    loads = [sum(estimator.item(i) for i in shard(items, estimator, k, 3)) for k in (1, 2, 3)]
    assert max(loads) - min(loads) <= 2.0  # LPT: 16, 15, 14


@pytest.mark.parametrize("text, expected", [("1/3", (1, 3)), ("3/3", (3, 3)), (" 2/5", (2, 5))])
def test_parse_shard(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "x", "1/2/3", ""])
def test_parse_shard_refuses_bad_values(text):
    with pytest.raises(ValueError, match="--shard"):
        parse_shard(text)


def test_bundles_are_not_split_below_the_longest_class():
    """Parts shorter than the longest class cannot shorten the run; they only load layers again."""
    bundle = [item(f"K{n}", bundle="b", layers=["L"]) for n in range(4)]
    items = bundle + [item("long")]
    estimator = Estimator(classes={**{f"K{n}": 1.0 for n in range(4)}, "long": 6.0}, layers={"L": 2.0})
    units = plan(items, estimator, workers=8)
    assert len([unit for unit in units if unit.items[0].bundle == "b"]) == 1  # 6 s of bundle: kept whole
