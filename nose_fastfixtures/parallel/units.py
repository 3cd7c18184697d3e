"""The run's units (Django's order) described for the scheduler: names, kinds, test counts, bundles."""

import unittest
from inspect import isclass

from nose_fastfixtures.harness import suites
from nose_fastfixtures.planning.durations import layer_key
from nose_fastfixtures.planning.scheduling import Item


def unit_name(unit):
    """A name that is the same on every machine: the class, the module or package, the test id."""
    context = getattr(unit, "context", None)
    if isclass(context):
        return f"{context.__module__}.{context.__qualname__}"
    if context is not None and hasattr(context, "__name__"):
        return context.__name__
    try:
        return unit.id()
    except Exception:
        return str(unit)


def is_package_group(unit):
    """A package with nose fixtures (Wagtail's ``setup()``): may be split among workers, each of
    which then runs the package's fixtures once, as nose does in one process."""
    return suites.is_group(unit) and hasattr(getattr(unit, "context", None), "__path__")


def class_names(unit):
    """``{class name: test count}`` of the classes inside a unit."""
    found = {}

    def visit(node):
        if isclass(getattr(node, "context", None)):
            found[unit_name(node)] = sum(1 for _ in suites.iter_tests(node))
        elif isinstance(node, unittest.TestSuite) and not suites.is_generator_suite(node):
            for child in suites.children(node):
                visit(child)

    visit(unit)
    return found


def describe(units, kind_of, layers_for):
    """An ``Item`` per unit (its key: the unit); *layers_for*: class -> fixture-name tuples."""
    items = []
    for unit in units:
        context = getattr(unit, "context", None)
        layers = layers_for.get(context, []) if isclass(context) else []
        keys = ()
        if layers:
            aliases = tuple(context._databases_names(include_mirrors=False))
            keys = tuple(layer_key(aliases, names) for names in layers)
        tests = sum(1 for _ in suites.iter_tests(unit))
        items.append(Item(unit, unit_name(unit), kind_of(unit), tests, keys[0] if keys else "", keys))
    return items
