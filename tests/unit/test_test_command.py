"""nose inside Django's test command: nose options in an argparse parser, ``--``, settings values."""

import argparse

import pytest

from nose_fastfixtures.errors import ConfigError, UsageError
from nose_fastfixtures.harness import test_command


@pytest.fixture
def parser():
    parser = argparse.ArgumentParser(prog="manage.py test")
    parser.add_argument("args", nargs="*")
    parser.add_argument("-v", "--verbosity", type=int, default=1)  # Django's: nose's -v loses it
    test_command.add_to_django_parser(parser, "nose_options")
    test_command.keep_after_dashes(parser, "after")
    return parser


def test_nose_options_are_kept_as_typed_in_order(parser):
    options = parser.parse_args(["app", "--with-fixture-bundling", "-v", "2", "--processes", "2", "-s",
                                 "--progressive-color=never", "--", "--collect-only", "other"])
    assert options.nose_options == ["--with-fixture-bundling", "--processes=2", "-s", "--progressive-color=never"]
    assert options.args == ["app"] and options.verbosity == 2
    assert options.after == ["--collect-only", "other"]


def test_nothing_given(parser):
    options = parser.parse_args([])
    assert options.nose_options is None and options.after == []


def test_help_groups_ours_apart(parser):
    text = parser.format_help()
    ours, _, others = text.partition("nose_fastfixtures (nose plugins")[2].partition("nose (options of nose")
    assert "--with-fixture-bundling" in ours and "--django-tag" in ours
    assert "--collect-only" in others and "--with-fixture-bundling" not in others


def test_nose_args_are_checked_as_a_command_line_and_named():
    test_command.check_args(["--with-fixture-bundling", "--processes=2"], "settings.NOSE_ARGS")
    with pytest.raises(UsageError) as raised:
        test_command.check_args(["--django-durations=-1"], "settings.NOSE_ARGS")
    assert str(raised.value) == "settings.NOSE_ARGS: option --django-durations: needs a number of 0 or more, not '-1'"
    with pytest.raises(UsageError, match="settings.NOSE_ARGS: no such option: --with-nothing"):
        test_command.check_args(["--with-nothing"], "settings.NOSE_ARGS")


@pytest.mark.parametrize("value", ["--with-fixture-bundling", ["--x", 1]])
def test_nose_args_must_be_a_list_of_strings(value):
    with pytest.raises(ConfigError, match="settings.NOSE_ARGS must be a list of strings"):
        test_command.args_from_settings(value)


@pytest.mark.parametrize("paths, message", [
    ("a.B", "must be a list of dotted class paths"),
    (["Plugin"], "'Plugin' is not a dotted path"),
    (["no_such_module_here.Plugin"], "cannot import 'no_such_module_here'"),
    (["nose_fastfixtures.errors.NoSuchPlugin"], "module 'nose_fastfixtures.errors' has no 'NoSuchPlugin'"),
])
def test_bad_nose_plugins_are_one_line(paths, message):
    with pytest.raises(ConfigError) as raised:
        test_command.plugins_from_settings(paths)
    assert str(raised.value).startswith("settings.NOSE_PLUGINS") and message in str(raised.value)
