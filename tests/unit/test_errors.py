"""The exception family and how it leaves the program."""

import io

import pytest

from nose_fastfixtures.errors import ConfigError, FastFixturesError, UsageError, exit_with


def test_usage_and_config_errors_exit_with_status_2():
    for error_class in (UsageError, ConfigError):
        stream = io.StringIO()
        with pytest.raises(SystemExit) as leaving:
            exit_with(error_class("bad value 'x'"), stream)
        assert leaving.value.code == 2
        assert stream.getvalue() == "nose_fastfixtures: error: bad value 'x'\n"


def test_family():
    assert issubclass(UsageError, FastFixturesError)
    assert issubclass(ConfigError, FastFixturesError)
