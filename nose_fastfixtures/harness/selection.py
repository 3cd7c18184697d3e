"""Django's test selection on nose's loaded tests: ``--django-tag``, ``--django-exclude-tag``,
``--django-name-pattern`` (``manage.py test --tag/--exclude-tag/-k``)."""

import unittest

from nose_fastfixtures.harness import suites
from nose_fastfixtures.planning import selection


def test_tags(case):
    """A test's tags as Django reads them: its class's ``tags``, plus its method's."""
    tags = set(getattr(case, "tags", []))
    method_name = getattr(case, "_testMethodName", str(case))
    if hasattr(case, method_name):
        tags |= set(getattr(getattr(case, method_name), "tags", []))
    return tags


def full_name(case):
    """``module.Class.method`` as unittest's ``-k`` matches it (the class's own module)."""
    if isinstance(case, unittest.TestCase) and hasattr(case, "_testMethodName"):
        cls = type(case)
        return f"{cls.__module__}.{cls.__qualname__}.{case._testMethodName}"
    return case.id()


_NAMED = "_nff_named_by_label"


def named_by_label(suite):
    """Mark the tests of a label naming one method: ``-k`` does not filter them (unittest's loader
    applies its patterns only to the methods it collects from a class)."""
    for test in suites.iter_tests(suite):
        setattr(test, _NAMED, True)


def django_selection(tags=(), exclude_tags=(), patterns=()):
    """``wanted(test)`` for suites.keep_only, or None when nothing is to be left out.

    A test that failed to load is always kept, as Django keeps it ("tests that couldn't
    load always match to prevent tests from falsely passing").
    """
    if not (tags or exclude_tags or patterns):
        return None
    tags, exclude_tags = set(tags), set(exclude_tags)
    patterns = selection.name_patterns(patterns)

    def wanted(test):
        if suites.loading_failure(test):
            return True
        case = suites.unwrap(test)
        if patterns and not getattr(test, _NAMED, False) and not selection.name_matches(full_name(case), patterns):
            return False
        return selection.tags_match(test_tags(case), tags, exclude_tags)

    return wanted
