"""``--collect-only`` with ``--with-django``: the tests listed in the order they would run,
no test database, no fixture, no test body.

nose's own collect-only plugin then reports each test as passed (``Ran N tests``, the
names at ``-v``), as it does without Django; the ids go to stdout, one per line, each
a label that runs the test again.
"""

from inspect import isclass

from nose.suite import ContextSuite, LazySuite

from nose_fastfixtures.harness import suites


def label(test):
    """The id of a leaf test; for a test generator, the generator function's dotted name."""
    if isinstance(test, ContextSuite):
        context = test.context
        owner = context.__module__ if not isclass(context) else ""
        return ".".join(filter(None, [owner, getattr(context, "__qualname__", str(context))]))
    try:
        return suites.unwrap(test).id()
    except Exception:  # a test that cannot name itself is still listed
        return str(test)


def listed(ordered, stream):
    """Write the ids of *ordered*'s tests to *stream*; return them as a flat suite.

    Flat: without the class and module suites, no ``setUpClass``, ``setup_module`` or
    plugin context hook (fixture loads) runs. A test generator is listed by its name
    but not run: its tests exist only once its body has run, which may query the
    database.
    """
    tests = list(suites.iter_tests(ordered))
    for test in tests:
        stream.write(label(test) + "\n")
    stream.flush()
    return LazySuite([test for test in tests if not isinstance(test, ContextSuite)])
