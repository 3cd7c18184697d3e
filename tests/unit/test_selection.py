"""Django's test selection rules (pure; planning.selection)."""

import pytest

from nose_fastfixtures.planning.selection import name_matches, name_patterns, tags_match


@pytest.mark.parametrize("test_tags, tags, exclude, runs", [
    (set(), set(), set(), True),
    ({"slow"}, {"slow"}, set(), True),
    (set(), {"slow"}, set(), False),
    ({"fast"}, {"slow"}, set(), False),
    ({"slow", "db"}, {"slow"}, {"db"}, False),  # excluded wins, as in Django
    ({"slow"}, set(), {"db"}, True),
    ({"db"}, set(), {"db"}, False),
])
def test_tags(test_tags, tags, exclude, runs):
    assert tags_match(test_tags, tags, exclude) is runs


@pytest.mark.parametrize("patterns, name, matches", [
    (["Order"], "shop.tests.OrderTests.test_a", True),
    (["order"], "shop.tests.OrderTests.test_a", False),  # case counts, as in unittest
    (["test_a"], "shop.tests.OrderTests.test_ab", True),  # a substring
    (["*.test_a"], "shop.tests.OrderTests.test_ab", False),  # with *: the whole name
    (["shop.*Tests.test_?b"], "shop.tests.OrderTests.test_ab", True),
    (["x", "test_a"], "shop.tests.OrderTests.test_a", True),
])
def test_name_patterns(patterns, name, matches):
    assert name_matches(name, name_patterns(patterns)) is matches
