"""Module and package fixtures left set up when only part of their suites ran in this process."""

from inspect import isclass


def teardown_pending_contexts(nodes):
    """Tear down the contexts set up here whose other suites ran elsewhere (another worker, shard).

    nose tears a module or package down once every suite inside it has run, which never
    happens in a process that ran only some of them. Innermost first, as nose would;
    classes are always torn down by their own suite, and a context whose set-up failed
    is not torn down (nose's rule).
    """
    factories = {id(node.factory): node.factory for node in nodes if getattr(node, "factory", None)}
    for factory in factories.values():
        for context, suite in reversed(list(factory.was_setup.items())):
            if not isclass(context) and context not in factory.was_torndown and suite.was_setup:
                suite.teardownContext(context)
