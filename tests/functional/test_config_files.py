"""Where ``nosetests`` takes its options from: ``./nose.cfg`` beside ``./setup.cfg``, ``-c``,
and bad values in each place (one line, exit status 2, no test database)."""

import pytest

from tests.helpers.oracle import run_nose
from tests.helpers.projects import make_project

TESTS = {"test_one.py": '''
    from django.test import TestCase


    class OneTests(TestCase):
        def test_one(self):
            pass
'''}
SETTINGS = "django-settings = tinyproject.settings"
PASSED = {"shop.tests.test_one.OneTests.test_one": "pass"}


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, TESTS, setup_cfg="")


def write(project, name, *lines):
    (project / name).write_text("\n".join(["[nosetests]", *lines, ""]))


def nose(project, *args, env=None):
    return run_nose(cwd=project, args=args, env={"DB_BACKEND": "sqlite", "DJANGO_SETTINGS_MODULE": "", **(env or {})})


def test_nose_cfg_alone_configures_the_run(project):
    write(project, "nose.cfg", "with-django = 1", SETTINGS)
    run = nose(project)
    assert run.returncode == 0, run.output
    assert run.outcomes == PASSED


def test_nose_cfg_wins_over_setup_cfg_and_the_command_line_over_both(project):
    write(project, "setup.cfg", "with-django = 1", "django-settings = tinyproject.from_setup_cfg")
    write(project, "nose.cfg", SETTINGS)
    assert nose(project).outcomes == PASSED
    run = nose(project, "--django-settings=tinyproject.from_the_command_line")
    assert run.returncode == 2 and "'tinyproject.from_the_command_line'" in run.stderr


def test_dash_c_replaces_the_default_files(project):
    write(project, "nose.cfg", "with-django = 1", "django-settings = tinyproject.from_nose_cfg")
    write(project, "other.cfg", "with-django = 1", SETTINGS)
    assert nose(project, "-c", "other.cfg").outcomes == PASSED


@pytest.mark.parametrize("place, message", [
    ("flag", "error: option --django-shuffle: takes a whole number, not 'x'"),
    ("environment", "error: environment variable NOSE_WITH_FIXTURE_BUNDLING: 'maybe' is not a valid value"),
    ("nose.cfg", "error: Error reading config file 'nose.cfg': option 'progressive-color': must be one of"),
    ("setup.cfg", "error: Error reading config file 'setup.cfg': option 'reuse-db': '2' is not a valid value"),
])
def test_a_bad_value_in_each_place(project, place, message):
    write(project, "nose.cfg", "with-django = 1", SETTINGS, "progressive-color = pink" if place == "nose.cfg" else "")
    write(project, "setup.cfg", "reuse-db = 2" if place == "setup.cfg" else "")
    run = nose(project, *(["--django-shuffle=x"] if place == "flag" else []),
               env={"NOSE_WITH_FIXTURE_BUNDLING": "maybe"} if place == "environment" else {})
    assert run.returncode == 2, run.output
    assert message in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert "Creating test database" not in run.output and not run.outcomes
