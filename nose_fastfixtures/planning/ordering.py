"""The order Django's runner gives test classes, as a pure function over descriptions."""

import hashlib

# Django's DiscoverRunner runs tests that failed to load first, then TestCase classes,
# then the other SimpleTestCase classes (TransactionTestCase, LiveServerTestCase...),
# then everything else, keeping discovery order inside each group.
KINDS = ("failure", "testcase", "simple", "other")
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


def django_order(units, kind_of):
    """Return *units* in Django's order; *kind_of(unit)* is one of KINDS."""
    return sorted(units, key=lambda unit: rank(kind_of(unit)))


def group_kind(kinds):
    """The kind of a group that has to stay together: that of its earliest member."""
    return min(kinds, key=rank, default="other")


def rank(kind):
    """Position of *kind* in Django's order, for sort keys."""
    return _RANK[kind]


def shuffled(items, seed, key):
    """*items* in the order ``manage.py test --shuffle SEED`` gives them (Django's Shuffler).

    Django sorts by the md5 of the seed followed by each item's key (a test's id, a class's
    dotted name), so that the same seed gives the same order of the same tests, whatever
    else the run holds. Items with equal keys keep their order.
    """
    def digest(indexed):
        text = f"{seed}{key(indexed[1])}"
        return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest(), indexed[0]

    return [item for _, item in sorted(enumerate(items), key=digest)]
