"""Checks of option values: each returns the value converted, or raises ValueError saying what it wants.

The message is the part after the place ("option --x: ", "environment variable X='y': "),
so it reads the same wherever the value was set.
"""

from nose_fastfixtures.planning.fingerprint import parse_switch


def switch(value):
    """1/0/true/false (any case); empty is 0."""
    try:
        return parse_switch(value, "value")
    except ValueError:
        raise ValueError(f"{value!r} is not a valid value; use 1 or 0 (or true/false)") from None


def whole_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"takes a whole number, not {value!r}") from None


def fixture_names(value):
    """Fixture names as for loaddata, comma-separated; empty is none. A value with
    only commas or spaces names none, and is a mistake rather than a wish for none."""
    if value.strip() and not any(name.strip() for name in value.split(",")):
        raise ValueError(f"{value!r} names no fixture; give fixture names as for loaddata, comma-separated")
    return value


class at_least_zero:  # noqa: N801 - used like the functions beside it; a class, so it pickles
    """A check for a number (``int`` or ``float``) of 0 or more.

    The checks are classes, not closures: nose pickles its configuration, option
    parser included, for worker processes.
    """

    def __init__(self, kind):
        self.kind = kind

    def __call__(self, value):
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            number = -1
        if not number >= 0:  # NaN included
            raise ValueError(f"needs a number of 0 or more, not {value!r}")
        return number


class one_of:  # noqa: N801
    """A check for one of *choices* (strings)."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __call__(self, value):
        if value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}, not {value!r}")
        return value


class checked_by:  # noqa: N801
    """A check from *function* (module level), which raises ValueError for a bad value."""

    def __init__(self, function):
        self.function = function

    def __call__(self, value):
        self.function(value)
        return value
