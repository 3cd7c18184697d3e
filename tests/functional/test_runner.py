"""``manage.py test`` through ``TEST_RUNNER = 'nose_fastfixtures.runner.NoseTestSuiteRunner'``.

Generated projects configured the django-nose way; Django's own runner (``--testrunner``)
over the same project is the oracle for which tests run and how they end. The whole
sample suite is compared in test_sample_fidelity.
"""

import pytest

from tests.helpers.oracle import run_django, run_manage_py_test, run_nose
from tests.helpers.outcomes import differences
from tests.helpers.projects import make_project

# Tags on classes, methods and an inherited base class; a class whose setUpClass fails
# (it must not run when none of its tests is selected); a module that does not import
# (Django keeps it whatever the tags: an error on both sides).
TESTS = {
    "test_tagged.py": '''
        from django.test import SimpleTestCase, TestCase, tag

        from shop.models import Item


        @tag("slow")
        class SlowBase(TestCase):
            def test_inherited(self):
                self.assertEqual(Item.objects.count(), 0)


        class SlowChild(SlowBase):
            @tag("db")
            def test_db(self):
                Item.objects.create(name="x")

            def test_fails(self):
                self.assertEqual(Item.objects.filter(name="counted").count(), 2)


        class Plain(SimpleTestCase):
            def test_plain(self):
                pass

            @tag("slow", "fast")
            def test_both(self):
                pass


        @tag("db")
        class BrokenSetup(TestCase):
            @classmethod
            def setUpClass(cls):
                raise RuntimeError("setUpClass of an unselected class ran")

            def test_never(self):
                pass
    ''',
    "test_broken.py": '''
        import no_such_module_anywhere
    ''',
}
RUNNER_SETTINGS = '''
from tinyproject.settings import *  # noqa

TEST_RUNNER = "nose_fastfixtures.runner.NoseTestSuiteRunner"
NOSE_ARGS = ["--with-fixture-bundling"]
NOSE_PLUGINS = ["tests.helpers.run_nose.OutcomeRecorder"]
'''
def same_tests(django_run, run):
    """Differences of outcomes; a module that does not import is one error on each side,
    recorded under unittest's and nose's names for it."""
    def split(outcomes):
        failed = sorted(v for k, v in outcomes.items() if "_FailedTest" in k or "nose.failure" in k)
        return {k: v for k, v in outcomes.items() if "_FailedTest" not in k and "nose.failure" not in k}, failed

    (django_tests, django_failed), (tests, failed) = split(django_run.outcomes), split(run.outcomes)
    return differences(django_tests, tests) + ([] if failed == django_failed else [f"{django_failed} {failed}"])


ENV = {"DB_BACKEND": "sqlite", "DJANGO_SETTINGS_MODULE": "tinyproject.nose_settings"}


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path, TESTS)
    (root / "tinyproject" / "nose_settings.py").write_text(RUNNER_SETTINGS)
    return root


def manage_py_test(project, *args, env=None):
    return run_manage_py_test(cwd=project, args=args, env={**ENV, **(env or {})})


@pytest.mark.parametrize("selection, nose_flags", [
    (["--tag=slow", "--exclude-tag=db"], ["--django-tag=slow", "--django-exclude-tag=db"]),
    # -k leaves a test named by its own label alone (Plain.test_both), as unittest's loader does.
    (["shop.tests", "shop.tests.test_tagged.Plain.test_both", "--exclude-tag=db", "-k", "Slow", "-k", "plain"],
     ["shop.tests", "shop.tests.test_tagged.Plain.test_both", "--django-exclude-tag=db",
      "--django-name-pattern=Slow", "--django-name-pattern=plain"]),
], ids=["tag-and-exclude", "labels-exclude-and-k"])
def test_selection_is_djangos(project, selection, nose_flags):
    django_run = run_django(cwd=project, labels=selection, env=ENV)
    assert django_run.outcomes, django_run.output
    ours = manage_py_test(project, *selection, "-v", "2")
    assert same_tests(django_run, ours) == [], ours.output
    assert ours.returncode == django_run.returncode == 1, ours.output
    assert "setUpClass of an unselected class ran" not in ours.output
    assert "shop.tests.test_tagged.Plain.test_both" in ours.outcomes or "-k" not in selection
    nose_run = run_nose(cwd=project, args=nose_flags, env=ENV)  # the same by nosetests' options
    assert same_tests(django_run, nose_run) == [], nose_run.output


def test_labels_django_options_and_nose_options_after_dashes(project):
    """Django's labels and -v, --failfast, --shuffle, --keepdb, --durations, --debug-sql, --timing;
    nose's own after --. The settings are manage.py's: a django-settings in setup.cfg is not used."""
    (project / "setup.cfg").write_text("[nosetests]\nwith-django = 1\ndjango-settings = tinyproject.no_such_settings\n")
    run = manage_py_test(project, "shop.tests.test_tagged.Plain", "shop.tests.test_tagged.SlowChild.test_fails",
                         "-v", "2", "--failfast", "--shuffle", "--keepdb", "--durations", "2", "--debug-sql", "--timing",
                         "--", "--with-progressive")
    assert run.returncode == 1, run.output
    assert "--with-django --verbosity=2 --with-fixture-bundling --stop --with-reuse-db" in run.stdout, run.output
    assert "Using shuffle seed:" in run.output and "(generated)" in run.output
    assert "Used shuffle seed:" in run.output and "Slowest test durations" in run.output
    assert "Total database setup took" in run.stderr and "Total run took" in run.stderr  # --timing
    assert "reuse-db: default: created" in run.output
    assert '"shop_item"."name" = \'counted\'' in run.output  # the failing test's SQL (--debug-sql)
    # The labelled tests only, in a shuffled order up to the failure (--failfast).
    assert run.outcomes["shop.tests.test_tagged.SlowChild.test_fails"] == "fail", run.outcomes
    assert set(run.outcomes) <= {"shop.tests.test_tagged.SlowChild.test_fails",
                                 "shop.tests.test_tagged.Plain.test_plain", "shop.tests.test_tagged.Plain.test_both"}
    assert list(run.outcomes.values()).count("fail") == 1


@pytest.mark.parametrize("args, message", [
    (["--reverse"], "error: --reverse is not supported by nose_fastfixtures' runner"),
    (["--parallel=x"], "error: manage.py test: argument --parallel: 'x' is not an integer"),  # Django's check
])
def test_bad_django_options_are_one_line(project, args, message):
    run = manage_py_test(project, *args)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.output
    assert message in run.stderr


@pytest.mark.parametrize("place, message", [
    ("NOSE_ARGS", "error: settings.NOSE_ARGS: option --django-shuffle: takes a whole number, not 'x'"),
    ("flag", "error: option --progressive-color: must be one of auto, always, never, not 'pink'"),
    ("environment", "error: environment variable NOSE_WITH_FIXTURE_BUNDLING: 'maybe' is not a valid value"),
    ("nose.cfg", "error: Error reading config file 'nose.cfg': option 'reuse-db': '2' is not a valid value"),
    ("setup.cfg", "error: Error reading config file 'setup.cfg': option 'progressive-color': must be one of"),
])
def test_a_bad_value_in_each_place_is_one_line(project, place, message):
    settings = project / "tinyproject" / "nose_settings.py"
    if place == "NOSE_ARGS":
        settings.write_text(RUNNER_SETTINGS.replace('"--with-fixture-bundling"', '"--django-shuffle=x"'))
    (project / "nose.cfg").write_text("[nosetests]\n" + ("reuse-db = 2\n" if place == "nose.cfg" else ""))
    (project / "setup.cfg").write_text("[nosetests]\n" + ("progressive-color = pink\n" if place == "setup.cfg" else ""))
    run = manage_py_test(project, *(["--progressive-color=pink"] if place == "flag" else []),
                         env={"NOSE_WITH_FIXTURE_BUNDLING": "maybe"} if place == "environment" else {})
    assert run.returncode == 2, run.output
    assert message in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert "Creating test database" not in run.output and not run.outcomes


def test_help_lists_our_options_and_nose_plugins_from_settings(project):
    run = manage_py_test(project, "--help")
    assert run.returncode == 0, run.output
    for option in ("--keepdb", "--parallel", "--tag", "--with-fixture-bundling", "--with-reuse-db",
                   "--with-progressive", "--django-tag", "--django-durations", "--processes", "--collect-only"):
        assert option in run.stdout, option
    assert "nose_fastfixtures (nose plugins" in run.stdout
