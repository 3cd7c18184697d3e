"""Which of the project's TEST_RUNNER hooks run under nosetests, the line about the others, its options."""

import pytest

from nose_fastfixtures.planning.project_runner import (
    NOSE_OWNED_HOOKS,
    construction_options,
    describe,
    is_nose_runner,
    not_a_discover_runner_warning,
    unused_hooks,
    unused_hooks_warning,
)


@pytest.mark.parametrize("module, nose", [
    ("nose_fastfixtures.runner", True),
    ("nose_fastfixtures", True),
    ("django_nose.runner", True),
    ("django_nose", True),
    ("nose_fastfixtures_extra.runner", False),  # another package, whose name starts the same
    ("config.test_runner", False),
    ("django.test.runner", False),
])
def test_nose_runners_are_ours_and_django_noses(module, nose):
    assert is_nose_runner(module) is nose


def test_unused_hooks_in_discover_runners_order():
    overridden = {"__init__", "run_suite", "setup_databases", "build_suite", "test_runner", "helper"}
    assert unused_hooks(overridden) == ["build_suite", "test_runner", "run_suite"]
    assert unused_hooks({"__init__", "setup_databases", "run_checks"}) == []


@pytest.mark.parametrize("hook", ["build_suite", "run_suite", "get_resultclass", "test_runner", "run_tests"])
def test_every_hook_the_issue_names_is_nose_owned(hook):
    assert hook in NOSE_OWNED_HOOKS


def test_describe_joins_names():
    assert describe([]) == ""
    assert describe(["a"]) == "a"
    assert describe(["a", "b"]) == "a and b"
    assert describe(["a", "b", "c"]) == "a, b and c"


def test_the_unused_hooks_line_names_them_and_what_to_do():
    assert unused_hooks_warning("proj.Runner", []) is None
    line = unused_hooks_warning("proj.Runner", ["build_suite", "run_suite"])
    assert "\n" not in line
    assert line.startswith("nose_fastfixtures: TEST_RUNNER 'proj.Runner' overrides build_suite and run_suite, ")
    assert "they do not run under nosetests" in line
    assert "move that work into" in line and "manage.py test" in line
    assert "it does not run" in unused_hooks_warning("proj.Runner", ["run_tests"])


def test_the_not_a_discover_runner_line():
    line = not_a_discover_runner_warning("proj.Plain")
    assert "\n" not in line
    assert "'proj.Plain' is not a DiscoverRunner subclass: none of its hooks run" in line
    assert "django.test.runner.DiscoverRunner" in line and "setup_databases" in line


DEFAULTS = {"args": [], "verbosity": 1, "interactive": True, "failfast": False, "keepdb": False,
            "parallel": 0, "shuffle": False, "pdb": False, "pattern": "test*.py", "settings": None,
            "testrunner": None, "my_option": "default"}


def test_construction_options_map_noses_options_onto_manage_py_tests():
    options = construction_options(DEFAULTS, 2, failfast=True, keepdb=True, parallel=4, shuffle=7, pdb=True,
                                   debug_mode=True)
    assert "args" not in options  # labels go to run_tests, never to the class
    assert options["verbosity"] == 2 and options["interactive"] is False
    assert options["failfast"] and options["keepdb"] and options["pdb"] and options["debug_mode"]
    assert options["parallel"] == 4 and options["shuffle"] == 7
    assert options["my_option"] == "default" and options["pattern"] == "test*.py"  # the runner's own defaults


def test_construction_options_keep_manage_py_tests_defaults_when_nose_says_nothing():
    options = construction_options(DEFAULTS, 1)
    assert options["parallel"] == 0 and options["shuffle"] is False and options["keepdb"] is False
    assert options["interactive"] is False  # nose never prompts: as --noinput
    assert construction_options(DEFAULTS, 0, parallel=1)["parallel"] == 0  # one process is no parallel run
