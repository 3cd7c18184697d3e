"""Tests collected as Django collects them: each test once under its own id; settings that
detect the test run from ``sys.argv``. Django's runner is the oracle (one run for the module)."""

import re

import pytest

from tests.helpers.oracle import run_django, run_nose
from tests.helpers.projects import SETTINGS, item_fixture, make_project

ITEMS = item_fixture(range(1, 4))

BASE = '''
    from django.test import TestCase

    from shop.models import Item


    class SharedTests(TestCase):
        fixtures = ["items"]

        def test_three_items(self):
            self.assertEqual(Item.objects.count(), 3)

        def test_runs_as_its_own_class(self):
            self.assertEqual(type(self).__module__, "shop.tests.test_base")
'''

# Not a test module (unittest's pattern and nose's testMatch skip it): its class runs
# only where it is imported, under its own id, once.
MIXINS = '''
    from django.test import TestCase


    class HelperModuleTests(TestCase):
        fixtures = ["items"]

        def test_from_a_helper_module(self):
            pass
'''

MIXIN_IMPORT = "from shop.tests.mixins import HelperModuleTests\n"
ONE = '''
    from shop.tests.mixins import HelperModuleTests
    from shop.tests.test_base import SharedTests


    class OneTests(SharedTests):
        def test_runs_as_its_own_class(self):
            self.assertEqual(type(self).__module__, "shop.tests.test_one")
'''

TWO = '''
    from shop.tests.mixins import HelperModuleTests
    from shop.tests.test_base import SharedTests
'''

ARGV = '''
    import sys

    from django.conf import settings
    from django.test import SimpleTestCase


    class TestRunDetectedTests(SimpleTestCase):
        def test_settings_took_their_test_path(self):
            self.assertEqual(settings.GREETING, "test run")

        def test_argv_says_test_during_the_run(self):
            self.assertEqual(sys.argv[1], "test")
'''

TESTING = '''
import sys

TESTING = len(sys.argv) > 1 and sys.argv[1] == "test"
GREETING = "test run" if TESTING else "live"
'''

ENV = {"DB_BACKEND": "sqlite"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("collection"),
                        {"test_base.py": BASE, "mixins.py": MIXINS, "test_one.py": ONE, "test_two.py": TWO,
                         "test_argv.py": ARGV}, fixtures={"items.json": ITEMS})
    (root / "tinyproject" / "settings.py").write_text(SETTINGS.lstrip() + TESTING)
    return root


@pytest.fixture(scope="module")
def djangos(project):
    return run_django(cwd=project, env=ENV)


def test_imported_test_classes_run_once_as_under_djangos_runner(project, djangos):
    run = run_nose(cwd=project, args=["--with-fixture-bundling", "--with-progressive"], env=ENV)
    assert run.outcomes == djangos.outcomes, run.output
    assert sorted(djangos.outcomes) == [
        "shop.tests.mixins.HelperModuleTests.test_from_a_helper_module",
        "shop.tests.test_argv.TestRunDetectedTests.test_argv_says_test_during_the_run",
        "shop.tests.test_argv.TestRunDetectedTests.test_settings_took_their_test_path",
        "shop.tests.test_base.SharedTests.test_runs_as_its_own_class",
        "shop.tests.test_base.SharedTests.test_three_items",
        "shop.tests.test_one.OneTests.test_runs_as_its_own_class",
        "shop.tests.test_one.OneTests.test_three_items",
    ]
    assert set(djangos.outcomes.values()) == {"pass"}
    assert "fixture loads: 1 (Django's runner: 3)" in run.stderr
    assert run.stderr.rstrip().splitlines()[-1].startswith("7 passed, 0 failed, 0 errors, 0 skipped")


def test_a_label_through_an_importing_module_names_the_class_itself(project):
    run = run_nose(cwd=project, args=["shop.tests.test_two.SharedTests", "shop.tests.test_base"], env=ENV)
    assert run.returncode == 0, run.output
    assert sorted(run.outcomes) == ["shop.tests.test_base.SharedTests.test_runs_as_its_own_class",
                                    "shop.tests.test_base.SharedTests.test_three_items"]
    assert "Ran 2 tests" in run.stderr


NOSE_STYLE = '''
    from shop.models import Item


    def test_function():
        pass


    def test_generator():
        # Its body runs while collecting: a query must meet no database at all.
        for item in Item.objects.all():
            yield check, item


    def check(item):
        pass
'''


def test_collect_only_lists_the_run_order_and_touches_no_database(tmp_path, backend):
    from tests.helpers.backends import backend_env

    project = make_project(tmp_path, {"test_base.py": BASE, "test_one.py": ONE.replace(MIXIN_IMPORT, ""),
                                      "test_nose_style.py": NOSE_STYLE}, fixtures={"items.json": ITEMS})
    plugins = ["--with-fixture-bundling", "--with-class-fixtures"]
    env = backend_env(backend)
    # No server on port 1: a connection attempt would fail the run.
    collected = run_nose(cwd=project, args=[*plugins, "--collect-only", "-v"], env={**env, "DB_PORT": "1"})
    assert collected.returncode == 0, collected.output
    assert "Creating test database" not in collected.output
    listed = collected.stdout.splitlines()
    generator = "shop.tests.test_nose_style.test_generator"
    assert generator in listed
    assert "fixture bundling: 1 layer loads for 2 classes with fixtures" in collected.stderr
    assert f"Ran {len(listed) - 1} tests" in collected.stderr  # the generator is listed, not run
    if backend == "sqlite":
        real = run_nose(cwd=project, args=[*plugins, "-v"], env=env)
        assert real.returncode == 0, real.output
        ran = [a or b for a, b in re.findall(r"^(?:\S+ \((\S+)\)|(\S+)) \.\.\. ok$", real.stderr, re.MULTILINE)]
        assert [name for name in listed if name != generator] == ran and len(ran) == 5
