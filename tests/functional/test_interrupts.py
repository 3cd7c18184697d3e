"""Ctrl-C (SIGINT) during a run: it stops, cleans up, says what did not run, exits 130,
never says OK and prints no traceback; a kept database is clean for the next run."""


import pytest

from tests.helpers.backends import backend_env, drop_kept_databases
from tests.helpers.oracle import run_nose, run_nose_interrupted
from tests.helpers.projects import item_fixture, make_project

ITEMS = item_fixture(range(1, 4))

TESTS = '''
    import os
    import time

    from django.test import TestCase

    from shop.models import Item


    class BundledTests(TestCase):
        fixtures = ["items"]

        def test_a_counts(self):
            self.assertEqual(Item.objects.count(), 3)

        def test_b_waits_for_ctrl_c(self):
            Item.objects.create(name="not committed")
            if os.environ.get("NFF_READY"):
                open(os.environ["NFF_READY"], "w").close()
                time.sleep(60)

        def test_c_never_runs_when_interrupted(self):
            self.assertEqual(Item.objects.count(), 3)


    class MoreBundledTests(TestCase):
        fixtures = ["items"]

        def test_counts(self):
            self.assertEqual(Item.objects.count(), 3)
'''

# A data migration that waits for Ctrl-C while the test database is being made.
WAITING_MIGRATION = '''
    import os
    import time

    from django.db import migrations


    def wait(apps, schema_editor):
        if os.environ.get("NFF_READY_IN_MIGRATION"):
            open(os.environ["NFF_READY_IN_MIGRATION"], "w").close()
            time.sleep(60)


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [migrations.RunPython(wait, migrations.RunPython.noop)]
'''

PLUGINS = ["--with-fixture-bundling", "--with-class-fixtures"]
PASSED = 4


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "project", {"test_wait.py": TESTS}, fixtures={"items.json": ITEMS})
    (root / "shop" / "migrations" / "0002_wait.py").write_text(
        WAITING_MIGRATION.replace("\n    ", "\n").lstrip())
    return root


def assert_interrupted(run):
    assert run.returncode == 130, run.output
    assert "Traceback" not in run.output and "could not" not in run.output
    assert "\nOK" not in run.output


def interrupted_then_clean(project, args, backend, tmp_path, passed_before, passed_again):
    """A ``REUSE_DB=1`` run sent Ctrl-C where the project's test says (``NFF_READY``), whose
    *passed_before* tests passed; then a run that reuses the kept database clean and passes
    *passed_again* tests. Returns the interrupted run."""
    env = {**backend_env(backend), "REUSE_DB": "1"}
    try:
        ready = tmp_path / "ready"
        run = run_nose_interrupted(ready, cwd=project, args=args, env={**env, "NFF_READY": str(ready)})
        assert_interrupted(run)
        assert run.outcomes == {test: "pass" for test in passed_before}
        again = run_nose(cwd=project, args=args, env=env)
        assert again.returncode == 0, again.output
        assert list(again.outcomes.values()) == ["pass"] * passed_again
        assert "reuse-db: default: reused" in again.stderr  # cleaned up, not merely rebuilt
        return run
    finally:
        drop_kept_databases(backend, env, project)


def test_ctrl_c_in_a_bundled_test_case_leaves_a_clean_kept_database(project, tmp_path, backend):
    run = interrupted_then_clean(project, PLUGINS, backend, tmp_path,
                                 ["shop.tests.test_wait.BundledTests.test_a_counts"], PASSED)
    assert "\nFAILED\ninterrupted (Ctrl-C): 2 of 4 tests did not run\n" in run.stderr


def test_ctrl_c_with_progressive(project, tmp_path):
    ready = tmp_path / "ready"
    run = run_nose_interrupted(ready, cwd=project, args=[*PLUGINS, "--with-progressive"],
                               env={"DB_BACKEND": "sqlite", "NFF_READY": str(ready)})
    assert_interrupted(run)
    lines = run.stderr.splitlines()
    assert "interrupted: 2 of 4 tests did not run" in lines
    assert lines[-1].startswith("1 passed, 0 failed, 0 errors, 0 skipped in ")


def test_ctrl_c_while_the_test_database_is_made(project, tmp_path, backend):
    env = backend_env(backend)
    ready = tmp_path / "ready"
    try:
        run = run_nose_interrupted(ready, cwd=project, args=PLUGINS,
                                   env={**env, "NFF_READY_IN_MIGRATION": str(ready)})
        assert_interrupted(run)
        assert run.stderr.rstrip().splitlines()[-1] == (
            "nose_fastfixtures: interrupted (Ctrl-C) before the tests ran")
        assert not run.outcomes
        if backend != "sqlite":  # the half-made test database was dropped
            assert "Destroying test database for alias 'default'" in run.stderr
    finally:
        drop_kept_databases(backend, env, project)



BUSY_CONNECTION_TESTS = '''
    import os
    import time

    from django.db import connection
    from django.test import TransactionTestCase

    from shop.models import Item


    class PerClassTests(TransactionTestCase):
        fixtures = ["items"]

        def test_a_counts(self):
            self.assertEqual(Item.objects.count(), 3)

        def test_b_leaves_a_statement_half_way(self):
            Item.objects.create(name="committed, to be removed")
            if os.environ.get("NFF_READY"):
                # As a Ctrl-C in the middle of a statement leaves the connection: one sent, its
                # result never read (found by make chaos, in the per-class probe for stray rows).
                connection.connection.pgconn.send_query(b"SELECT pg_sleep(0.2)")
                open(os.environ["NFF_READY"], "w").close()
                time.sleep(60)
            self.assertEqual(Item.objects.count(), 4)
'''


def test_ctrl_c_with_a_statement_half_way_leaves_the_class_clean(tmp_path, backend):
    if backend != "postgresql":
        pytest.skip("a statement sent without its result read: psycopg's pgconn")
    root = make_project(tmp_path / "busy", {"test_busy.py": BUSY_CONNECTION_TESTS}, fixtures={"items.json": ITEMS})
    interrupted_then_clean(root, ["--with-class-fixtures"], backend, tmp_path,
                           ["shop.tests.test_busy.PerClassTests.test_a_counts"], 2)


SWALLOWED = '''
    import os
    import signal
    import time

    from django.test import TransactionTestCase

    from shop.models import Item


    class ASwallowsCtrlC(TransactionTestCase):
        def test_swallows_it(self):
            Item.objects.create(name="committed")
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            except BaseException:
                pass  # as a driver may, turning the interrupted call into its own error


    class BNeverStarts(TransactionTestCase):
        fixtures = ["items"]

        def test_never_runs(self):
            pass
'''


def test_a_swallowed_ctrl_c_still_stops_the_run_before_the_next_class(tmp_path, backend):
    """Found by make chaos on MariaDB: a Ctrl-C in a test's transaction, taken by the driver,
    let the next class set itself up on a broken transaction and print a traceback."""
    root = make_project(tmp_path / "project", {"test_swallowed.py": SWALLOWED}, fixtures={"items.json": ITEMS})
    env = backend_env(backend)
    try:
        run = run_nose(cwd=root, args=[*PLUGINS, "--with-reuse-db"], env=env)
        assert_interrupted(run)
        assert "shop.tests.test_swallowed.BNeverStarts.test_never_runs" not in run.outcomes, run.output
        assert "interrupted (Ctrl-C): 1 of 2 tests did not run" in run.stderr, run.output
    finally:
        drop_kept_databases(backend, env, root)


CONVERTED = '''
    import os
    import signal

    from django.test import TransactionTestCase


    class AConvertsCtrlC(TransactionTestCase):
        def test_converts_it(self):
            try:
                os.kill(os.getpid(), signal.SIGINT)
                import time; time.sleep(1)
            except KeyboardInterrupt:
                # as Django's constraint_checks_disabled() does when its cleanup statement
                # meets the driver's stopped call ("Commands out of sync")
                raise RuntimeError("Commands out of sync; you can't run this command now")


    class BNeverStarts(TransactionTestCase):
        def test_never_runs(self):
            pass
'''


def test_an_error_the_ctrl_c_caused_is_not_reported(tmp_path):
    """Found by make chaos on MariaDB: a Ctrl-C in a class's set-up, turned into the driver's
    error by Django's cleanup, printed a traceback for the class."""
    root = make_project(tmp_path / "project", {"test_converted.py": CONVERTED})
    run = run_nose(cwd=root, args=PLUGINS, env={"DB_BACKEND": "sqlite"})
    assert_interrupted(run)
    assert "Commands out of sync" not in run.output
    assert "interrupted (Ctrl-C): 1 of 2 tests did not run" in run.stderr, run.output
