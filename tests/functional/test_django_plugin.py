"""``nosetests --with-django`` from the outside: labels, bad input, nose-style tests."""

import subprocess
import sys

import pytest

from tests.helpers.oracle import run_django, run_nose
from tests.helpers.projects import make_project

ITEMS = '''
    from django.test import TestCase, TransactionTestCase

    from shop.models import Item


    class ItemTests(TestCase):
        def test_create(self):
            Item.objects.create(name="a")
            self.assertEqual(Item.objects.count(), 1)

        def test_empty(self):
            self.assertEqual(Item.objects.count(), 0)


    class CommittingTests(TransactionTestCase):
        def test_commit(self):
            Item.objects.create(name="b")
            self.assertEqual(Item.objects.count(), 1)
'''

NOSE_STYLE = '''
    from shop.models import Item

    LOG = []


    def setup_module():
        LOG.append("module set up")


    def test_function_uses_the_test_database():
        assert LOG == ["module set up"]
        Item.objects.create(name="from a function")
        assert Item.objects.filter(name="from a function").exists()
        Item.objects.all().delete()


    def test_generator():
        for name in ("x", "y"):
            yield check_name, name


    def check_name(name):
        assert Item(name=name).name == name


    class TestPlainClass:
        def test_method(self):
            assert Item.objects.count() == 0

        def make_test_item(self):
            raise AssertionError("a helper, not a test")


    def make_test_item():
        raise AssertionError("a helper, not a test")


    class ItemTestHelpers:
        def test_looks_like_a_test(self):
            raise AssertionError("not a Test* class: a helper")
'''


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, {"test_items.py": ITEMS, "test_nose_style.py": NOSE_STYLE})


def nose(project, *args, env=None):
    return run_nose(cwd=project, args=args, env=env or {"DB_BACKEND": "sqlite"})


@pytest.mark.parametrize("label", [
    "shop.tests.test_items.ItemTests.test_create",      # Django's form
    "shop.tests.test_items:ItemTests.test_create",      # nose's module form
    "shop/tests/test_items.py:ItemTests.test_create",   # nose's path form
])
def test_one_test_by_label(project, label):
    run = nose(project, label)
    assert run.returncode == 0, run.output
    assert run.outcomes == {"shop.tests.test_items.ItemTests.test_create": "pass"}


def test_class_and_module_labels(project):
    assert set(nose(project, "shop.tests.test_items.ItemTests").outcomes) == {
        "shop.tests.test_items.ItemTests.test_create", "shop.tests.test_items.ItemTests.test_empty"}
    assert len(nose(project, "shop.tests.test_items").outcomes) == 3


@pytest.mark.parametrize("label, message", [
    ("shop.tests.test_items.Nope", "label 'shop.tests.test_items.Nope' matches no test"),
    ("shop.tests.test_items.ItemTests.test_nope", "matches no test"),
    ("nothing.here", "there is no module 'nothing'"),
    ("shop/tests/test_missing.py", "no such file or directory"),
    ("2", "nose's -v takes no number (-v, -vv, -vvv); for Django's '-v 2' write -vv or --verbosity=2"),
])
def test_label_matching_no_test_is_a_usage_error(project, label, message):
    run = nose(project, label)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.output
    assert run.outcomes == {}


def test_settings_that_do_not_import(project):
    run = nose(project, "--django-settings=tinyproject.missing")
    assert run.returncode == 2
    assert "cannot import Django settings 'tinyproject.missing'" in run.stderr
    assert "Traceback" not in run.output


def test_a_missing_installed_app_is_one_line(project):
    with open(project / "tinyproject" / "settings.py", "a") as settings:
        settings.write("\nINSTALLED_APPS = INSTALLED_APPS + ['shop_extras']\n")
    run = nose(project)
    assert run.returncode == 2, run.output
    assert run.stderr == ("nose_fastfixtures: error: Django settings 'tinyproject.settings': INSTALLED_APPS names "
                          "'shop_extras', but there is no module 'shop_extras' on the Python path; install it or "
                          "remove it from INSTALLED_APPS\n")


def test_settings_from_the_environment(project):
    (project / "setup.cfg").write_text("[nosetests]\nwith-django = 1\n")
    run = nose(project, env={"DJANGO_SETTINGS_MODULE": "tinyproject.settings"})
    assert run.returncode == 0, run.output
    # None given: the module ./manage.py sets (read, not run), said at -v 2 only.
    run = nose(project, "-v", env={"DJANGO_SETTINGS_MODULE": ""})
    assert run.returncode == 0, run.output
    assert ("nose_fastfixtures: Django settings 'tinyproject.settings', as manage.py sets "
            "DJANGO_SETTINGS_MODULE") in run.stderr.splitlines(), run.stderr
    (project / "manage.py").write_text("import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'nowhere.settings'\n"
                                       "raise SystemExit('manage.py was run')\n")
    run = nose(project, env={"DJANGO_SETTINGS_MODULE": ""})
    assert run.returncode == 2 and "cannot import Django settings 'nowhere.settings'" in run.stderr, run.output
    assert "manage.py was run" not in run.output
    (project / "manage.py").unlink()
    run = nose(project, env={"DJANGO_SETTINGS_MODULE": ""})
    assert run.returncode == 2 and "no Django settings module given" in run.stderr


def test_plugin_switched_on_by_environment_variable(project):
    (project / "setup.cfg").write_text("[nosetests]\ndjango-settings = tinyproject.settings\n")
    assert nose(project, env={"NOSE_WITH_DJANGO": "1"}).returncode == 0


@pytest.mark.parametrize("backend, port", [("postgresql", "5999"), ("mysql", "3999")])
def test_unreachable_database_names_backend_host_and_port(project, backend, port):
    pytest.importorskip("psycopg" if backend == "postgresql" else "MySQLdb")
    run = nose(project, env={"DB_BACKEND": backend, "DB_PORT": port})
    assert run.returncode == 2
    assert f"cannot reach the" in run.stderr and f"127.0.0.1:{port}" in run.stderr
    assert "Traceback" not in run.output


def test_nose_functions_generators_and_classes_run_against_the_test_database(project):
    run = nose(project, "shop.tests.test_nose_style")
    assert run.returncode == 0, run.output
    assert sorted(run.outcomes.values()) == ["pass"] * 4


def test_unused_alias_is_never_touched(tmp_path):
    project = make_project(tmp_path, {"test_other.py": '''
        from django.db import connections


        def test_other_alias_is_refused():
            try:
                connections["other"].cursor()
            except Exception as exc:
                assert "no test database was created" in str(exc), exc
            else:
                raise AssertionError("reached the real 'other' database")
    '''})
    run = nose(project)
    assert run.returncode == 0, run.output
    assert not (project / "tinyproject" / "tiny_other.sqlite3").exists()


def test_same_outcomes_as_djangos_runner(project):
    django_run = run_django(cwd=project, labels=["shop.tests.test_items"], env={"DB_BACKEND": "sqlite"})
    nose_run = nose(project, "shop.tests.test_items")
    assert django_run.outcomes == nose_run.outcomes
    assert len(nose_run.outcomes) == 3


def test_plugins_are_listed_without_settings(tmp_path):
    listing = subprocess.run([sys.executable, "-m", "nose", "--plugins"], cwd=tmp_path,
                             capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert "Plugin django" in listing.stdout, listing.stdout + listing.stderr


def test_unknown_db_backend_of_the_sample_project():
    run = run_nose(args=["accounts"], env={"DB_BACKEND": "oracle"})
    assert run.returncode == 2
    assert "Unsupported DB_BACKEND 'oracle'" in run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.output


ORDERED = '''
    import os

    from django.test import SimpleTestCase, TestCase, TransactionTestCase


    class Logged:
        def setUp(self):
            with open(os.environ["ORDER_FILE"], "a") as log:
                log.write(self.id() + "\\n")

        def test_a(self):
            pass

        def test_b(self):
            pass

        def test_c(self):
            pass

        def test_d(self):
            pass


    class PlainOne(Logged, SimpleTestCase):
        pass


    class DatabaseOne(Logged, TestCase):
        pass


    class DatabaseTwo(Logged, TestCase):
        pass


    class DatabaseThree(Logged, TestCase):
        pass


    class CommittingOne(Logged, TransactionTestCase):
        pass


    class CommittingTwo(Logged, TransactionTestCase):
        pass
'''


@pytest.mark.parametrize("seed", ["42", "7"])
def test_a_shuffle_seed_gives_the_order_manage_py_test_gives(tmp_path, seed):
    root = make_project(tmp_path / "project", {"test_ordered.py": ORDERED})
    orders = {}
    for side, run in (("django", lambda env: run_django(cwd=root, labels=["--shuffle", seed], env=env)),
                      ("nose", lambda env: run_nose(cwd=root, args=[f"--django-shuffle={seed}"], env=env))):
        order_file = tmp_path / f"{side}.txt"
        done = run({"ORDER_FILE": str(order_file)})
        assert done.returncode == 0, done.output
        orders[side] = order_file.read_text().split()
    assert len(orders["django"]) == 24
    assert orders["nose"] == orders["django"]
    assert orders["django"] != sorted(orders["django"])
    assert f"Using shuffle seed: {seed} (given)" in done.output  # Django's lines, before and after
    assert f"Used shuffle seed: {seed} (given)" in done.output


DOCUMENTED = '''
    from django.test import SimpleTestCase


    class DocumentedTests(SimpleTestCase):
        def test_documented(self):
            """Totals add up.

            More words.
            """

        def test_documented_failure(self):
            """Totals never add up."""
            self.fail("no")

        def test_plain(self):
            pass
'''


def test_a_test_with_a_docstring_is_named_as_manage_py_test_names_it(tmp_path):
    root = make_project(tmp_path / "project", {"test_documented.py": DOCUMENTED})
    django = subprocess.run([sys.executable, "manage.py", "test", "-v", "2", "shop.tests.test_documented"],
                            cwd=root, capture_output=True, text=True)
    nose = run_nose(cwd=root, args=["-v", "shop.tests.test_documented"])
    name = "test_documented (shop.tests.test_documented.DocumentedTests.test_documented)"
    failure = "test_documented_failure (shop.tests.test_documented.DocumentedTests.test_documented_failure)"
    for output in (django.stderr, nose.output):
        assert f"{name}\nTotals add up. ... ok" in output
        assert f"FAIL: {failure}\nTotals never add up." in output
        assert "test_plain (shop.tests.test_documented.DocumentedTests.test_plain) ... ok" in output


EXPECTED = '''
    import unittest

    from django.test import SimpleTestCase


    class MarkedTests(SimpleTestCase):
        @unittest.expectedFailure
        def test_known_bug(self):
            self.assertEqual(1, 2)

        @unittest.expectedFailure
        def test_fixed_bug(self):
            pass

        def test_plain(self):
            pass
'''


@pytest.mark.parametrize("args", [(), ("--processes=2",)], ids=["serial", "parallel"])
def test_expected_failures_and_unexpected_successes_reach_the_plugins(tmp_path, args):
    """nose's xunit report lists every test: an expected failure as a success, an unexpected
    success as a failure (the run fails, as under manage.py test)."""
    import xml.etree.ElementTree as ET

    root = make_project(tmp_path / "project", {"test_marked.py": EXPECTED})
    report = tmp_path / "report.xml"
    run = run_nose(cwd=root, args=["--with-xunit", f"--xunit-file={report}", *args, "shop.tests.test_marked"])
    assert run.returncode == 1, run.output
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "0")
    cases = {case.get("name"): [child.tag for child in case] for case in suite.iter("testcase")}
    assert cases == {"test_known_bug": [], "test_fixed_bug": ["failure"], "test_plain": []}
