"""The project's own ``TEST_RUNNER`` under ``nosetests --with-django``: its hooks run as under
``manage.py test`` (outcomes compared with Django's), the others are named in one line.

Few subprocess runs, each checking several things (CI time).
"""

import re

import pytest

from tests.helpers.backends import backend_env, drop_kept_databases
from tests.helpers.oracle import compare, run_django, run_manage_py_test, run_nose
from tests.helpers.projects import make_project

# Every hook DiscoverRunner offers that runs under nosetests, each logging its call
# (RUNNER_LOG) and leaving something the tests check.
RUNNERS = '''
    import json
    import os

    from django.conf import settings
    from django.db import connection, connections
    from django.test.runner import DiscoverRunner


    def log(*entry):
        with open(os.environ["RUNNER_LOG"], "a") as stream:
            stream.write(json.dumps(entry) + "\\n")


    class ProjectRunner(DiscoverRunner):
        def __init__(self, flavour="vanilla", **kwargs):
            super().__init__(**kwargs)
            log("__init__", {key: kwargs.get(key) for key in ("verbosity", "interactive", "keepdb", "parallel")},
                flavour)
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            settings.RUNNER_FLAVOUR = flavour

        @classmethod
        def add_arguments(cls, parser):
            super().add_arguments(parser)
            parser.add_argument("--flavour", default="vanilla")

        def setup_test_environment(self, **kwargs):
            super().setup_test_environment(**kwargs)
            settings.RUNNER_ENVIRONMENT = "set up"
            log("setup_test_environment")

        def get_databases(self, suite):
            databases = super().get_databases(suite)
            databases.setdefault("other", False)  # the project's checks need both
            log("get_databases", sorted(databases))
            return databases

        def setup_databases(self, **kwargs):
            old_config = super().setup_databases(**kwargs)
            from shop.models import Item

            Item.objects.create(name="from the runner")
            with connection.cursor() as cursor:  # made again on every run: not written for --keepdb
                cursor.execute("CREATE VIEW shop_item_names AS SELECT name FROM shop_item")
                if os.environ.get("RUNNER_INDEX"):  # dropped with nothing else: in the way of a kept one
                    cursor.execute("CREATE INDEX shop_item_name_runner ON shop_item (name)")
            log("setup_databases", sorted(kwargs["aliases"]))
            return old_config

        def run_checks(self, databases):
            log("run_checks", sorted(databases))
            super().run_checks(databases)

        def teardown_databases(self, old_config, **kwargs):
            log("teardown_databases")
            super().teardown_databases(old_config, **kwargs)

        def teardown_test_environment(self, **kwargs):
            log("teardown_test_environment")
            super().teardown_test_environment(**kwargs)


    class OverridingRunner(ProjectRunner):
        """Also overrides what nose does itself: named in one line, never called."""

        test_runner = None

        def run_tests(self, *args, **kwargs):
            raise AssertionError("run_tests called")

        def build_suite(self, *args, **kwargs):
            raise AssertionError("build_suite called")

        def get_resultclass(self):
            raise AssertionError("get_resultclass called")

        def run_suite(self, *args, **kwargs):
            raise AssertionError("run_suite called")


    class FailingRunner(DiscoverRunner):
        def setup_databases(self, **kwargs):
            old_config = super().setup_databases(**kwargs)
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
            return old_config


    def nose_project_runner():
        from nose_fastfixtures.runner import NoseTestSuiteRunner

        class NoseProjectRunner(ProjectRunner, NoseTestSuiteRunner):
            """The project's runner on top of ours, as django-nose projects wrote theirs."""

        NoseProjectRunner.__module__ = __name__
        return NoseProjectRunner


    NoseProjectRunner = nose_project_runner()


    class NotADiscoverRunner:
        def __init__(self, **kwargs):
            raise AssertionError("made")
'''

# A stand-in for django-nose's runner: a nose runner is this run itself, never called again.
DJANGO_NOSE = '''
    from django.test.runner import DiscoverRunner


    class NoseTestSuiteRunner(DiscoverRunner):
        def __init__(self, **kwargs):
            raise AssertionError("a nose runner made by the nose run")
'''

TESTS = '''
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import TestCase

    from shop.models import Item


    class RunnerTests(TestCase):
        def test_settings_changed_in_init_and_environment(self):
            self.assertTrue(make_password("secret").startswith("md5$"))
            self.assertEqual(settings.RUNNER_FLAVOUR, "vanilla")
            self.assertEqual(settings.RUNNER_ENVIRONMENT, "set up")
            self.assertEqual(settings.EMAIL_BACKEND, "django.core.mail.backends.locmem.EmailBackend")

        def test_rows_and_view_from_setup_databases(self):
            self.assertEqual(list(Item.objects.values_list("id", "name")), [(1, "from the runner")])
            with connection.cursor() as cursor:
                cursor.execute("SELECT name FROM shop_item_names")
                self.assertEqual([tuple(row) for row in cursor.fetchall()], [("from the runner",)])

        def test_a_second_row(self):
            Item.objects.create(name="mine")
            self.assertEqual(Item.objects.count(), 2)


    class MoreRunnerTests(TestCase):
        def test_settings_here_too(self):  # another class: another worker under --processes
            self.assertTrue(make_password("secret").startswith("md5$"))
            self.assertEqual(Item.objects.get().name, "from the runner")
'''

SETTINGS_TAIL = '''
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
TEST_RUNNER = os.environ.get("PROJECT_TEST_RUNNER", "shop.runners.ProjectRunner")
'''

HOOKS_IN_ORDER = ["__init__", "setup_test_environment", "get_databases", "setup_databases", "run_checks",
                  "teardown_databases", "teardown_test_environment"]


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "proj", {"test_runner.py": TESTS},
                        setup_cfg="[nosetests]\nwith-django = 1\n")
    (root / "shop" / "runners.py").write_text(_dedent(RUNNERS))
    (root / "django_nose").mkdir()
    (root / "django_nose" / "__init__.py").write_text("from django_nose.runner import NoseTestSuiteRunner\n")
    (root / "django_nose" / "runner.py").write_text(_dedent(DJANGO_NOSE))
    with open(root / "tinyproject" / "settings.py", "a") as settings:
        settings.write(SETTINGS_TAIL)
    return root


def _dedent(text):
    import textwrap

    return textwrap.dedent(text).lstrip()


def _calls(log_path):
    import json

    calls = [json.loads(line) for line in log_path.read_text().splitlines()] if log_path.exists() else []
    log_path.unlink(missing_ok=True)
    return calls


def _names(calls):
    return [call[0] for call in calls]


def test_the_project_runners_hooks_run_as_under_manage_py_test(project, backend, tmp_path):
    log_path = tmp_path / "runner.log"
    env = {**backend_env(backend), "RUNNER_LOG": str(log_path)}
    if backend == "sqlite":
        env["DB_TEST_FILE"] = "1"  # a kept file rather than a kept copy of an in-memory database
    django = run_django(cwd=project, env=env)
    assert django.returncode == 0, django.output[-3000:]
    djangos_calls = _calls(log_path)
    assert _names(djangos_calls) == HOOKS_IN_ORDER, djangos_calls

    # Settings found from manage.py (no --django-settings, [nosetests] entry or variable).
    nose = run_nose(cwd=project, args=["-v"], env={**env, "DJANGO_SETTINGS_MODULE": ""})
    assert compare(django, nose) == [] and nose.returncode == 0, nose.output[-3000:]
    calls = _calls(log_path)
    assert calls[0][1]["verbosity"] == 2  # -v, as manage.py test -v 2
    calls[0][1]["verbosity"] = 1
    assert calls == djangos_calls  # the same hooks, in the same order, with the same options
    assert "nose_fastfixtures: the run is set up by TEST_RUNNER shop.runners.ProjectRunner" in nose.stderr
    assert ["run_checks", ["default", "other"]] in calls

    try:
        # Kept databases: the runner's rows and view made again on them by every run (cold, warm).
        for run in ("cold", "warm"):
            nose = run_nose(cwd=project, args=["--with-reuse-db", "--with-fixture-bundling", "-v"], env=env)
            assert compare(django, nose) == [] and nose.returncode == 0, (run, nose.output[-3000:])
            assert _names(_calls(log_path)) == HOOKS_IN_ORDER
            assert "reuse-db: default: the TEST_RUNNER's setup_databases changed " in nose.stderr, nose.stderr
        assert "reuse-db: default: reused" in nose.stderr, nose.stderr
        # What cannot be put back (an index) rebuilds the kept database: before the next run
        # where the digests see it, else when the runner fails on it (then once more).
        for run in ("index made", "index in the way"):
            nose = run_nose(cwd=project, args=["--with-reuse-db"], env={**env, "RUNNER_INDEX": "1"})
            assert compare(django, nose) == [] and nose.returncode == 0, (run, nose.output[-3000:])
            assert _names(_calls(log_path)) == HOOKS_IN_ORDER
        assert "reuse-db: default: rebuilt" in nose.stderr, nose.stderr
        if backend != "sqlite":  # the digests of SQLite's schema see an index; the others' do not
            assert "reuse-db: the TEST_RUNNER's setup_databases failed on it (" in nose.stderr, nose.stderr
        # Workers: the settings of the runner's __init__ hold there; its rows are in their clones.
        nose = run_nose(cwd=project, args=["--with-reuse-db", "--processes=2"], env=env)
        assert compare(django, nose) == [] and nose.returncode == 0, nose.output[-3000:]
        init = _calls(log_path)[0]
        assert init[1]["parallel"] == 2 and init[1]["keepdb"] is True and init[1]["interactive"] is False
    finally:
        drop_kept_databases(backend, env, project,
                            suffixes=("", "_other", "_1", "_2", "_other_1", "_other_2"))


def test_hooks_nose_does_itself_are_named_in_one_line(project, tmp_path):
    log_path = tmp_path / "runner.log"
    env = {"DB_BACKEND": "sqlite", "RUNNER_LOG": str(log_path)}

    nose = run_nose(cwd=project, env={**env, "PROJECT_TEST_RUNNER": "shop.runners.OverridingRunner"})
    assert nose.returncode == 0, nose.output[-3000:]
    assert nose.stderr.splitlines()[0] == (
        "nose_fastfixtures: TEST_RUNNER 'shop.runners.OverridingRunner' overrides run_tests, build_suite, "
        "get_resultclass, test_runner and run_suite, which nose does instead: they do not run under nosetests "
        "(its __init__, setup_test_environment, setup_databases, run_checks and teardowns do); move that work "
        "into those hooks or a nose plugin, or run it with manage.py test")
    assert _names(_calls(log_path)) == HOOKS_IN_ORDER

    nose = run_nose(cwd=project, env={**env, "PROJECT_TEST_RUNNER": "shop.runners.NotADiscoverRunner"})
    assert nose.stderr.splitlines()[0].startswith(
        "nose_fastfixtures: TEST_RUNNER 'shop.runners.NotADiscoverRunner' is not a DiscoverRunner subclass: "
        "none of its hooks run under nosetests"), nose.stderr
    assert nose.outcomes["shop.tests.test_runner.RunnerTests.test_settings_changed_in_init_and_environment"] \
        == "fail"  # nothing of the runner ran: its settings are missing, as the line says
    assert _calls(log_path) == []

    nose = run_nose(cwd=project, env={**env, "PROJECT_TEST_RUNNER": "django_nose.NoseTestSuiteRunner"})
    assert "TEST_RUNNER" not in nose.stderr and "a nose runner made" not in nose.output, nose.output[-3000:]
    assert nose.outcomes["shop.tests.test_runner.MoreRunnerTests.test_settings_here_too"] == "fail"

    # The runner's own SQL fails: one line saying where, the test databases dropped.
    nose = run_nose(cwd=project, env={**env, "DB_TEST_FILE": "1", "PROJECT_TEST_RUNNER": "shop.runners.FailingRunner"})
    assert nose.returncode == 2, nose.output[-3000:]
    assert re.match(r"nose_fastfixtures: error: the TEST_RUNNER's setup_databases failed after the test databases "
                    r"were made \(at shop/runners.py:\d+\): no such table: no_such_table$", nose.stderr.splitlines()[-1]), \
        nose.stderr
    assert not list((project / "tinyproject").glob("testfile_*")), "a test database was left"

    # django-nose's runner named though django-nose is gone (a project that moved to nosetests).
    nose = run_nose(cwd=project, env={**env, "PROJECT_TEST_RUNNER": "django_nose.gone.NoseTestSuiteRunner"})
    assert "TEST_RUNNER" not in nose.stderr and nose.outcomes, nose.output[-3000:]

    nose = run_nose(cwd=project, env={**env, "PROJECT_TEST_RUNNER": "shop.runners.Missing"})
    assert nose.returncode == 2 and nose.stderr.startswith(
        "nose_fastfixtures: error: settings.TEST_RUNNER = 'shop.runners.Missing' does not import"), nose.stderr


def test_manage_py_test_through_a_subclass_of_our_runner(project, tmp_path):
    """The instance manage.py test made (with its command line) sets the run up: made once."""
    log_path = tmp_path / "runner.log"
    env = {"DB_BACKEND": "sqlite", "RUNNER_LOG": str(log_path), "PROJECT_TEST_RUNNER": "shop.runners.NoseProjectRunner"}
    run = run_manage_py_test(cwd=project, args=["--flavour=vanilla", "--keepdb"], env=env)
    assert run.returncode == 0 and "OK" in run.output, run.output[-3000:]
    calls = _calls(log_path)
    assert _names(calls) == HOOKS_IN_ORDER, calls  # one __init__: manage.py's instance, no second one
    assert calls[0][1]["keepdb"] is True and calls[0][2] == "vanilla"
    assert "TEST_RUNNER" not in run.stderr  # the run_tests it inherits from ours is this run: no warning
