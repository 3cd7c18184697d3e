"""The run's units (Django's order) described for the scheduler: names, kinds, test counts, bundles."""

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


def describe(units, kind_of, layers_for):
    """An ``Item`` per unit (its key: its position); *layers_for*: class -> fixture-name tuples."""
    items = []
    for index, unit in enumerate(units):
        context = getattr(unit, "context", None)
        layers = layers_for.get(context, []) if isclass(context) else []
        keys = ()
        if layers:
            aliases = tuple(context._databases_names(include_mirrors=False))
            keys = tuple(layer_key(aliases, names) for names in layers)
        tests = sum(1 for _ in suites.iter_tests(unit))
        items.append(Item(index, unit_name(unit), kind_of(unit), tests, keys[0] if keys else "", keys))
    return items
