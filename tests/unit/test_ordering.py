"""Django's runner order over plain descriptions."""

from nose_fastfixtures.planning.ordering import django_order, group_kind


def test_django_order_groups_kinds_and_keeps_discovery_order_inside():
    units = [("a", "simple"), ("b", "testcase"), ("c", "other"), ("d", "failure"),
             ("e", "testcase"), ("f", "simple")]
    ordered = django_order(units, kind_of=lambda unit: unit[1])
    assert [name for name, _ in ordered] == ["d", "b", "e", "a", "f", "c"]


def test_group_kind_is_its_earliest_member():
    assert group_kind(["simple", "testcase", "other"]) == "testcase"
    assert group_kind([]) == "other"
