"""manage.py test's options as nosetests arguments (pure; planning.django_options)."""

import pytest

from nose_fastfixtures.planning.django_options import (
    django_options_for_nose,
    nose_argv,
    refuse_unsupported,
    timing_lines,
)

DJANGO_DEFAULTS = {  # what Django's parser gives when nothing is said
    "verbosity": 1, "failfast": False, "keepdb": False, "shuffle": False, "reverse": False,
    "debug_mode": False, "debug_sql": False, "parallel": 0, "tags": None, "exclude_tags": None,
    "pdb": False, "buffer": False, "enable_faulthandler": True, "timing": False,
    "test_name_patterns": None, "durations": None, "pattern": "test*.py", "top_level": None,
    "interactive": True,
}


@pytest.mark.parametrize("given, expected", [
    ({}, []),
    ({"failfast": True}, ["--stop"]),
    ({"keepdb": True}, ["--with-reuse-db"]),
    ({"shuffle": 2012}, ["--django-shuffle=2012"]),
    ({"shuffle": 0}, ["--django-shuffle=0"]),
    ({"shuffle": None}, ["--django-shuffle=77"]),  # --shuffle alone: the seed the caller drew
    ({"parallel": 0}, []),
    ({"parallel": 1}, ["--processes=1"]),
    ({"parallel": 4}, ["--processes=4"]),
    ({"tags": ["slow", "db"]}, ["--django-tag=slow", "--django-tag=db"]),
    ({"exclude_tags": ["slow"]}, ["--django-exclude-tag=slow"]),
    ({"test_name_patterns": ["Order", "*test_a*"]},
     ["--django-name-pattern=Order", "--django-name-pattern=*test_a*"]),
    ({"pdb": True}, ["--pdb", "--pdb-failures"]),
    ({"buffer": True}, ["--capture-output"]),
    ({"durations": 0}, ["--django-durations=0"]),
    ({"durations": 5}, ["--django-durations=5"]),
    ({"debug_sql": True}, ["--django-debug-sql"]),
    ({"debug_mode": True}, ["--django-debug-mode"]),
    # Django's own business, or nothing to do under nose: no nose argument.
    ({"timing": True, "interactive": False, "enable_faulthandler": False}, []),
])
def test_each_django_option(given, expected):
    assert django_options_for_nose({**DJANGO_DEFAULTS, **given}, shuffle_seed=77) == expected


def test_the_whole_argv_in_order_of_precedence():
    argv = nose_argv({**DJANGO_DEFAULTS, "verbosity": 2, "keepdb": True},
                     nose_args=["--with-fixture-bundling", "--verbosity=1"],
                     command_line=["--with-progressive"], after_dashes=["--collect-only"],
                     labels=["shop.tests", "shop.tests.test_x.T.test_y"])
    assert argv == ["--with-django", "--verbosity=2",  # Django's -v first: NOSE_ARGS may set nose's own
                    "--with-fixture-bundling", "--verbosity=1",  # settings.NOSE_ARGS
                    "--with-reuse-db",  # Django's options
                    "--with-progressive", "--collect-only",  # nose's, on the command line and after --
                    "shop.tests", "shop.tests.test_x.T.test_y"]


@pytest.mark.parametrize("given, message", [
    ({"pdb": True, "parallel": 2}, "You cannot use --pdb with parallel tests; pass --parallel=1 to use it."),
    ({"reverse": True}, "--reverse is not supported by nose_fastfixtures' runner"),
    ({"pattern": "check_*.py"}, "--pattern 'check_*.py' has no meaning under nose"),
    ({"top_level": "src"}, "--top-level-directory 'src' has no meaning under nose"),
])
def test_options_nose_cannot_honour_say_what_to_do(given, message):
    with pytest.raises(ValueError) as raised:
        refuse_unsupported({**DJANGO_DEFAULTS, **given})
    assert str(raised.value).startswith(message)


def test_defaults_are_accepted():
    refuse_unsupported(DJANGO_DEFAULTS)
    refuse_unsupported({"pdb": True, "parallel": 1})


@pytest.mark.parametrize("totals, lines", [
    ({}, ["Total database setup took 0.000s", "Total database teardown took 0.000s"]),
    ({"db-setup": 1.25, "db-clone": 0.5, "db-teardown": 0.0125, "test": 9.0},
     ["Total database setup took 1.750s", "Total database teardown took 0.013s"]),
])
def test_timing_lines_are_djangos(totals, lines):
    assert timing_lines(totals) == lines
