"""Checks of option values (pure)."""

import pytest

from nose_fastfixtures.planning import option_values as ov


@pytest.mark.parametrize("value, expected", [("1", True), ("TRUE", True), ("0", False), ("false", False),
                                             ("", False)])
def test_switch(value, expected):
    assert ov.switch(value) is expected


@pytest.mark.parametrize("check, value, message", [
    (ov.switch, "yes", "'yes' is not a valid value; use 1 or 0 (or true/false)"),
    (ov.whole_number, "1.5", "takes a whole number, not '1.5'"),
    (ov.at_least_zero(int), "-1", "needs a number of 0 or more, not '-1'"),
    (ov.at_least_zero(float), "nan", "needs a number of 0 or more, not 'nan'"),
    (ov.one_of(("auto", "never")), "blue", "must be one of auto, never, not 'blue'"),
    (ov.fixture_names, ",,", "',,' names no fixture; give fixture names as for loaddata, comma-separated"),
    (ov.fixture_names, " , ", "' , ' names no fixture; give fixture names as for loaddata, comma-separated"),
])
def test_bad_values_say_what_is_wanted(check, value, message):
    with pytest.raises(ValueError) as raised:
        check(value)
    assert str(raised.value) == message


def test_good_values_are_converted():
    assert ov.whole_number("-3") == -3
    assert ov.at_least_zero(float)("0.5") == 0.5
    assert ov.checked_by(lambda value: None)("{editor}") == "{editor}"
    assert [ov.fixture_names(value) for value in ("", "a", "a,,b", "a, b,")] == ["", "a", "a,,b", "a, b,"]
