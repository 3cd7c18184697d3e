"""Django's runner order over plain descriptions."""

from nose_fastfixtures.planning.ordering import django_order, group_kind, shuffled


def test_django_order_groups_kinds_and_keeps_discovery_order_inside():
    units = [("a", "simple"), ("b", "testcase"), ("c", "other"), ("d", "failure"),
             ("e", "testcase"), ("f", "simple")]
    ordered = django_order(units, kind_of=lambda unit: unit[1])
    assert [name for name, _ in ordered] == ["d", "b", "e", "a", "f", "c"]


def test_group_kind_is_its_earliest_member():
    assert group_kind(["simple", "testcase", "other"]) == "testcase"
    assert group_kind([]) == "other"


def test_shuffled_is_djangos_shuffle_order():
    from django.test.runner import Shuffler

    ids = [f"app.tests.Case{n}.test_{letter}" for n in range(5) for letter in "abcd"]
    for seed in (0, 42, 2012):
        assert shuffled(ids, seed, key=str) == Shuffler(seed).shuffle(ids, key=str)


def test_shuffled_keeps_the_order_of_equal_keys():
    items = [("a", 1), ("b", 2), ("a", 3)]
    order = shuffled(items, 42, key=lambda item: item[0])
    assert [item for item in order if item[0] == "a"] == [("a", 1), ("a", 3)]
