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


def at_least_zero(kind):
    """A check for a number (``int`` or ``float``) of 0 or more."""
    def check(value):
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = -1
        if not number >= 0:  # NaN included
            raise ValueError(f"needs a number of 0 or more, not {value!r}")
        return number
    return check


def one_of(choices):
    """A check for one of *choices* (strings)."""
    def check(value):
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return value
    return check


def checked_by(function):
    """A check from *function*, which raises ValueError for a bad value and returns nothing."""
    def check(value):
        function(value)
        return value
    return check
