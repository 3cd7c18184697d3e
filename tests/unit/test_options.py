"""Every option of every plugin of ours, bad in every place nose reads it: one line, exit status 2.

Runs nose's own option parser and config-file reading in this process (no database, no
Django: the errors come before ``begin``); tests/functional/test_config_files.py runs a
few of them through ``nosetests``.
"""

import pytest
from nose.config import Config, all_config_files
from nose.plugins.manager import PluginManager

from nose_fastfixtures.plugins.class_fixtures import ClassFixturesPlugin
from nose_fastfixtures.plugins.django_plugin import DjangoPlugin
from nose_fastfixtures.plugins.fixture_bundling import FixtureBundlingPlugin
from nose_fastfixtures.plugins.parallel import ParallelPlugin
from nose_fastfixtures.plugins.progressive import ProgressivePlugin
from nose_fastfixtures.plugins.reuse_db import ReuseDBPlugin
from nose_fastfixtures.plugins.time_report import TimeReportPlugin

SWITCHES = ["with-django", "with-progressive", "with-class-fixtures", "with-fixture-bundling",
            "with-reuse-db", "with-time-report", "progressive-absolute-paths", "fast-password-hasher",
            "no-spare-connections"]
# option -> (bad value, environment variable)
VALUES = {
    "reuse-db": ("2", "REUSE_DB"),
    "django-shuffle": ("x", "NOSE_DJANGO_SHUFFLE"),
    "progressive-durations": ("-1", "NOSE_PROGRESSIVE_DURATIONS"),
    "progressive-color": ("pink", "NOSE_PROGRESSIVE_COLOR"),
    "progressive-interval": ("soon", "NOSE_PROGRESSIVE_INTERVAL"),
    "progressive-editor-shortcut-template": ("{nope}", "NOSE_PROGRESSIVE_EDITOR_SHORTCUT_TEMPLATE"),
    "time-report-slowest": ("-1", "NOSE_TIME_REPORT_SLOWEST"),
    "shard": ("3/2", "NOSE_SHARD"),
    "processes": ("two", "NOSE_PROCESSES"),  # nose's option, which --with-django gives to our workers
}
BAD = {**{name: ("maybe", "NOSE_" + name.upper().replace("-", "_")) for name in SWITCHES}, **VALUES}
PLACES = ["flag", "environment", "nose.cfg", "setup.cfg"]


def configure(argv, env):
    from nose.plugins.multiprocess import MultiProcess

    plugins = PluginManager(plugins=[DjangoPlugin(), ProgressivePlugin(), ClassFixturesPlugin(),
                                     FixtureBundlingPlugin(), ReuseDBPlugin(), TimeReportPlugin(),
                                     ParallelPlugin(), MultiProcess()])
    Config(env=env, files=all_config_files(), plugins=plugins).configure(["nosetests", "--with-django", *argv])


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("option", BAD)
def test_a_bad_value_is_one_line_and_exit_status_2(tmp_path, monkeypatch, capsys, option, place):
    monkeypatch.chdir(tmp_path)
    value, env_name = BAD[option]
    argv, env = [], {}
    if place == "flag":
        argv = [f"--{option}={value}"]
    elif place == "environment":
        env = {env_name: value}
    else:
        (tmp_path / place).write_text(f"[nosetests]\n{option} = {value}\n")
    with pytest.raises(SystemExit) as leaving:
        configure(argv, env)
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("nose_fastfixtures: error: ") and err.count("\n") == 1, err
    where = {"flag": f"--{option}", "environment": f"environment variable {env_name}:",
             "nose.cfg": f"config file 'nose.cfg': option '{option}'",
             "setup.cfg": f"config file 'setup.cfg': option '{option}'"}[place]
    if option == "processes":  # nose's option, no check of its own: its value is checked at configure
        where = "--processes takes a whole number, not 'two'"
    assert where in err


@pytest.mark.parametrize("env_value, cfg_value", [("0", "false"), ("false", "0"), ("", "")])
def test_off_values_of_a_switch_switch_it_off(tmp_path, monkeypatch, env_value, cfg_value):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nose.cfg").write_text(f"[nosetests]\nwith-class-fixtures = {cfg_value}\n")
    progressive, class_fixtures = ProgressivePlugin(), ClassFixturesPlugin()
    Config(env={"NOSE_WITH_PROGRESSIVE": env_value}, files=all_config_files(),
           plugins=PluginManager(plugins=[progressive, class_fixtures])).configure(["nosetests"])
    assert not progressive.enabled and not class_fixtures.enabled
