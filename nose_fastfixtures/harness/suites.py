"""Walking nose's lazy test suites: load them once, list their tests, find their classes."""

import unittest
from inspect import isclass

from nose.case import Test
from nose.failure import Failure
from nose.suite import ContextSuite, LazySuite


def materialize(suite):
    """Load every lazy sub-suite of *suite* now, in place, and return *suite*.

    Nose loads modules while the run iterates its suites; Django needs to know
    every test before the run to create the right databases. The loaded tests are
    put back into each suite, so running it afterwards runs exactly the same tests.
    """
    if _is_generator_suite(suite):
        return suite  # a test generator's body runs when iterated: keep it for the run
    if isinstance(suite, unittest.TestSuite):  # nose's LazySuite and ContextSuite included
        suite._tests = [materialize(child) for child in suite._tests]
    return suite


def iter_tests(suite):
    """Yield the leaf tests of a materialized *suite* (nose ``Test`` wrappers, mostly)."""
    if _is_generator_suite(suite) or not isinstance(suite, unittest.TestSuite):
        yield suite
        return
    for child in children(suite):
        yield from iter_tests(child)


def is_generator_suite(suite):
    """Nose marks the suite of a test generator as one that cannot be split."""
    return isinstance(suite, ContextSuite) and not suite.can_split


_is_generator_suite = is_generator_suite


def unwrap(test):
    """The test object nose wraps: a unittest case, a nose function case or a Failure."""
    return test.test if isinstance(test, Test) else test


def has_own_fixtures(module):
    """Whether a module (or package) defines nose fixtures of its own (``setup_module``...)."""
    names = ContextSuite.moduleSetup + ContextSuite.moduleTeardown
    if hasattr(module, "__path__"):
        names += ContextSuite.packageSetup + ContextSuite.packageTeardown
    return any(hasattr(module, name) for name in names)


def loading_failure(test):
    """``(exc_type, exc_value)`` if *test* is a nose Failure made while loading, else None."""
    inner = unwrap(test)
    if isinstance(inner, Failure):
        return inner.exc_class, inner.exc_val
    return None


def children(suite):
    """The direct children of a materialized suite."""
    return list(suite._precache) if isinstance(suite, LazySuite) else list(suite._tests)


def _is_unit(suite):
    """A suite that must run whole: a class, or a module or package with nose fixtures."""
    if _is_generator_suite(suite):
        return True
    context = getattr(suite, "context", None)
    if not isinstance(suite, ContextSuite) or context is None:
        return False
    return isclass(context) or suite.implementsAnyFixture(context, None)


def is_group(suite):
    """A module or package with nose fixtures: a unit whose own children are units too."""
    return (_is_unit(suite) and not _is_generator_suite(suite)
            and not isclass(getattr(suite, "context", None)))


def split_into_units(suite, _inside=()):
    """Cut a materialized suite into the pieces that may be reordered freely.

    Classes are units (their fixtures wrap their tests), and so are modules and
    packages that define nose fixtures (``setup_module``, or just a function named
    ``setup`` in a package's ``__init__``, as Wagtail's has), with everything inside
    them. Suites of modules and packages without fixtures dissolve into their units.
    Inside such a group the same holds: its children become its units, which may be
    reordered inside it (see ``is_group``), and a suite nose nested in it for the same
    context (nose's loader does, for several labels below one package) dissolves too.
    """
    if not isinstance(suite, unittest.TestSuite):
        return [suite]
    context, group = getattr(suite, "context", None), is_group(suite)
    if _is_unit(suite) and not (group and any(context is outer for outer in _inside)):
        if group:
            suite._tests = [unit for child in children(suite)
                            for unit in split_into_units(child, (*_inside, context))]
        return [suite]
    return [unit for child in children(suite) for unit in split_into_units(child, _inside)]


def merge_repeated_classes(suite):
    """Run each unittest test once, its class's tests together, as Django's runner does.

    A ``TestCase`` class imported into other test modules is found in each of them
    (and labels may name a test twice). Django's runner keeps the first of equal
    tests (same class, same method) and runs a class's tests together; here the
    tests of a class's later suites join its first suite, and emptied suites go.
    """
    _merge_into_first(suite, {}, set())
    return suite


def _merge_into_first(suite, first_suite_of, seen):
    kept = []
    for child in children(suite):
        if not isinstance(child, unittest.TestSuite) or _is_generator_suite(child):
            kept.append(child)
            continue
        cls = getattr(child, "context", None)
        if not (isclass(cls) and issubclass(cls, unittest.TestCase)):
            _merge_into_first(child, first_suite_of, seen)
            if children(child):
                kept.append(child)
            continue
        new = [test for test in children(child) if _first_time(test, seen)]
        if cls in first_suite_of:
            first = first_suite_of[cls]
            first._tests = children(first) + new
        elif new:
            child._tests = new
            first_suite_of[cls] = child
            kept.append(child)
    suite._tests = kept


def _first_time(test, seen):
    case = unwrap(test)
    if not isinstance(case, unittest.TestCase) or not hasattr(case, "_testMethodName"):
        return True
    key = (type(case), case._testMethodName)
    if key in seen:
        return False
    seen.add(key)
    return True


def sort_inside(suite, key):
    """Sort the children of a unit that holds several classes, recursively, by *key*."""
    if isinstance(suite, unittest.TestSuite) and not _is_generator_suite(suite):
        ordered = sorted(children(suite), key=key)
        for child in ordered:
            sort_inside(child, key)
        suite._tests = ordered
    return suite


def keep_only(suite, wanted):
    """Keep the leaf tests of a materialized *suite* for which ``wanted(test)`` is true, in
    place; suites left empty go, so that their class and module fixtures do not run (as
    under Django's runner, whose suite never had them). A test generator is one leaf."""
    if not isinstance(suite, unittest.TestSuite) or _is_generator_suite(suite):
        return suite
    kept = []
    for child in children(suite):
        if isinstance(child, unittest.TestSuite) and not _is_generator_suite(child):
            keep_only(child, wanted)
            if children(child):
                kept.append(child)
        elif wanted(child):
            kept.append(child)
    suite._tests = kept
    return suite
