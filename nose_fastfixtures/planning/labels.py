"""Test labels: Django's dotted form turned into nose's ``module:Class.method`` form.

Pure logic: the caller passes in how to tell whether a dotted name is an importable
module, so this module imports neither nose nor Django.
"""

import os

from nose_fastfixtures.errors import UsageError


def is_dotted_name(label):
    """True for ``a.b.C.d``: identifiers joined by dots, no path separator or colon."""
    return bool(label) and all(part.isidentifier() for part in label.split("."))


def looks_like_path(name):
    """True for names nose reads as file system paths rather than module names."""
    return os.sep in name or name.endswith(".py") or name in (".", "..")


def to_nose_name(label, is_module, path_exists=os.path.exists):
    """Return the nose test name for *label*.

    Nose already understands paths (``app/tests/test_x.py``), path or module names
    followed by ``:Class.method``, and module names. Django's runner also takes
    ``package.module.Class.method``; for those the longest importable prefix is the
    module and the rest becomes the part after the colon.

    *is_module(name)* answers whether *name* can be imported as a module; it is
    only asked about prefixes of dotted labels. A dotted label none of whose
    prefixes is a module is a usage error.
    """
    if path_exists(label):
        return label
    if label.isdigit():
        raise UsageError(verbosity_hint(label))
    path = label.rsplit(":", 1)[0] if ":" in label else label
    if looks_like_path(path) and not path_exists(path):
        raise UsageError(f"label {label!r} matches no test: no such file or directory {path!r}")
    if ":" in label or not is_dotted_name(label):
        return label
    parts = label.split(".")
    for end in range(len(parts), 0, -1):
        if is_module(".".join(parts[:end])):
            module, attributes = ".".join(parts[:end]), parts[end:]
            return f"{module}:{'.'.join(attributes)}" if attributes else module
    raise UsageError(
        f"label {label!r} matches no test: there is no module {parts[0]!r} "
        f"on the Python path or file {label!r} under {os.getcwd()}"
    )


def verbosity_hint(label):
    """Why a number is not a label: Django's ``-v 2`` written for nose, whose ``-v`` counts."""
    spelled = {"0": "-q or --verbosity=0", "1": "--verbosity=1", "2": "-vv or --verbosity=2",
               "3": "-vvv or --verbosity=3"}.get(label, f"--verbosity={label}")
    return (f"label {label!r} matches no test: nose's -v takes no number (-v, -vv, -vvv); "
            f"for Django's '-v {label}' write {spelled}")


def names_one_method(nose_name):
    """Whether a nose name (``to_nose_name``'s) names one method of a class, ``module:Class.method``.

    unittest's ``-k`` leaves such a test alone, as Django's runner does: it filters
    only the methods it collects from a class.
    """
    return "." in nose_name.rpartition(":")[2] if ":" in nose_name else False


# Messages of the nose Failures that mean "this name resolved to nothing",
# as opposed to a module that exists but fails to import.
_UNRESOLVED_PREFIXES = ("No such test", "No such file", "Unresolvable test name",
                        "Can't find callable")


def is_unresolved(exc_type, exc_value):
    """True when a nose loading Failure says the name matched nothing."""
    if exc_type is None or not issubclass(exc_type, (ValueError, OSError)):
        return False
    return str(exc_value).startswith(_UNRESOLVED_PREFIXES)


def check_label_matched(label, outcomes):
    """Raise UsageError if the tests loaded for *label* contain no real test.

    *outcomes* lists, for every test loaded for the label, ``None`` for a real test or
    the ``(exc_type, exc_value)`` of a nose loading Failure.
    """
    real = [o for o in outcomes if o is None or not is_unresolved(*o)]
    if real:
        return
    reasons = [str(value) for _, value in outcomes]
    detail = f" ({reasons[0]})" if reasons else ""
    raise UsageError(f"label {label!r} matches no test{detail}")
