"""``--processes=N`` and ``--shard=K/N`` from the outside: outcomes as Django's serial runner gives them,
kept clones, a worker killed, Ctrl-C, reporters fed by workers.

One small generated project holds the patterns that matter for workers: fixture
bundles, TransactionTestCase classes, a failing class fixture, a module fixture,
failures, errors, skips, expected failures, subtests, an exception that cannot be
pickled, captured output. Django's runner runs it once per backend (the oracle).
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter

import pytest

from tests.helpers.backends import backend_env, drop_kept_databases
from tests.helpers.oracle import ROOT, compare, run_django, run_nose
from tests.helpers.projects import item_fixture, make_project

ITEMS = item_fixture(range(1, 6))
MORE = item_fixture(range(6, 9), name="more")

BUNDLES = '''
    import unittest

    from django.test import TestCase

    from shop.models import Item


    class Odd(Exception):
        """An exception that does not pickle (it holds a lambda)."""

        def __init__(self, first, second):
            super().__init__(f"{first} and {second}")
            self.callback = lambda: None


    class ItemsA(TestCase):
        fixtures = ["items"]

        def test_five(self):
            self.assertEqual(Item.objects.count(), 5)

        def test_new_row_gets_the_next_key(self):
            self.assertEqual(Item.objects.create(name="new").pk, 6)

        def test_fails(self):
            print("printed by a failing test")
            self.assertEqual(Item.objects.count(), 4)


    class ItemsB(TestCase):
        fixtures = ["items"]

        def test_errors(self):
            raise KeyError("boom")

        def test_odd_error(self):
            raise Odd("this", "that")

        @unittest.skip("not today")
        def test_skipped(self):
            pass

        @unittest.expectedFailure
        def test_expected_failure(self):
            self.assertEqual(1, 2)

        def test_subtests(self):
            for number in range(3):
                with self.subTest(number=number):
                    self.assertLess(number, 2)


    class ItemsAndMore(TestCase):
        fixtures = ["items", "more"]

        def test_eight(self):
            self.assertEqual(Item.objects.count(), 8)

        def test_new_row_gets_the_next_key(self):
            self.assertEqual(Item.objects.create(name="new").pk, 9)


    class NoFixtures(TestCase):
        def test_empty(self):
            self.assertEqual(Item.objects.count(), 0)


    class BrokenSetUpClass(TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("setUpClass fails")

        def test_never_runs(self):
            pass
'''

TRANSACTIONS = '''
    from django.test import TransactionTestCase

    from shop.models import Item


    class Committed(TransactionTestCase):
        fixtures = ["items"]

        def test_write(self):
            Item.objects.create(name="committed")
            self.assertEqual(Item.objects.count(), 6)

        def test_sees_only_the_fixture(self):
            self.assertEqual(Item.objects.count(), 5)


    class Empty(TransactionTestCase):
        def test_nothing_left_behind(self):
            self.assertEqual(Item.objects.count(), 0)
'''

MODULE_FIXTURE = '''
    from django.test import TestCase

    from shop.models import Item

    STATE = []


    def setUpModule():
        STATE.append("set up")


    class InsideModuleFixture(TestCase):
        def test_module_was_set_up(self):
            self.assertEqual(STATE, ["set up"])

        def test_database(self):
            Item.objects.create(name="x")
            self.assertEqual(Item.objects.count(), 1)
'''

TESTS = {"test_bundles.py": BUNDLES, "test_transactions.py": TRANSACTIONS, "test_module_fixture.py": MODULE_FIXTURE}
FIXTURES = {"items.json": ITEMS, "more.json": MORE}
ALL_PLUGINS = ["--with-class-fixtures", "--with-fixture-bundling", "--with-progressive"]
CFG = "[nosetests]\nwith-django = 1\ndjango-settings = tinyproject.settings\n"
CLONE_SUFFIXES = ("", "_1", "_2", "_3")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("parallel"), TESTS, setup_cfg=CFG, fixtures=FIXTURES)


_django_runs = {}


@pytest.fixture(scope="module")
def serial_run(project):
    """A serial run of the same project with xunit, for what a parallel run must report alike."""
    return run_nose(project, ["--with-xunit", f"--xunit-file={project / 'serial.xml'}"], backend_env("sqlite"))


def xunit_cases(path):
    root = ElementTree.parse(path).getroot()
    cases = sorted((case.get("classname"), case.get("name"), tuple(child.tag for child in case),
                    tuple(child.get("type") for child in case)) for case in root)
    return {key: root.get(key) for key in ("tests", "errors", "failures", "skip")}, cases


def djangos_run(project, backend):
    if backend not in _django_runs:
        _django_runs[backend] = run_django(project, env=backend_env(backend, "tinydjango"))
    return _django_runs[backend]


def test_parallel_outcomes_match_djangos_runner_cold_and_warm(project, backend, serial_run):
    """--processes=2 with every plugin, REUSE_DB cold then warm: Django's outcomes, clones kept."""
    django_run = djangos_run(project, backend)
    assert Counter(django_run.outcomes.values())["pass"] >= 10, django_run.output[-3000:]
    env = {**backend_env(backend), "REUSE_DB": "1"}
    try:
        cold = run_nose(project, ["--processes=2", *ALL_PLUGINS, "--with-xunit",
                                  f"--xunit-file={project / 'cold.xml'}"], env)
        assert compare(django_run, cold) == [], cold.output[-5000:]
        assert cold.returncode == django_run.returncode == 1
        warm = run_nose(project, ["--processes=2", *ALL_PLUGINS], env)
        assert compare(django_run, warm) == [], warm.output[-5000:]
    finally:
        drop_kept_databases(backend, env, project, suffixes=CLONE_SUFFIXES)
    assert "Creating test database" not in warm.output and "cloned" not in warm.output, warm.output[-3000:]
    if backend != "sqlite":  # SQLite's in-memory database forks with the workers: no clone to keep
        assert "reused clones" in warm.stderr, warm.stderr[-3000:]
    # Reporters in the parent saw every test the workers ran.
    assert "11 passed, 2 failed, 3 errors, 1 skipped" in cold.stdout + cold.stderr, cold.output[-3000:]
    assert xunit_cases(project / "cold.xml") == xunit_cases(project / "serial.xml")
    assert "Odd: this and that" in cold.output  # the unpicklable exception, as a stand-in
    assert "printed by a failing test" in cold.output  # capture works in workers


def test_parallel_verbose_lines_and_bundling_summary_over_workers(project):
    done = run_nose(project, ["--processes=2", "-v", "--with-fixture-bundling"], backend_env("sqlite"))
    assert "test_five (shop.tests.test_bundles.ItemsA" in done.stderr and " ... ok" in done.stderr, done.stderr
    # The layers (items, more on top) are loaded by whichever workers ran their classes (the
    # bundle may be split between them); the summary adds up the workers' loads.
    loads = [line for line in done.stderr.splitlines() if line.startswith("fixture loads:")]
    assert loads and loads[0][len("fixture loads: "):].split()[0] in ("2", "3"), done.stderr[-2000:]
    assert "(Django's runner: 3)" in loads[0]


def test_shards_together_run_every_test_once(project, serial_run):
    serial = serial_run
    seen = Counter()
    for index in (1, 2, 3):
        shard = run_nose(project, [f"--shard={index}/3", "--processes=2"], backend_env("sqlite"))
        assert f"shard {index}/3:" in shard.stderr
        seen.update(shard.outcomes.keys())
        assert all(serial.outcomes[key] == outcome for key, outcome in shard.outcomes.items())
    assert set(seen) == set(serial.outcomes) and set(seen.values()) == {1}


KILLER = '''
    import os
    import signal

    from django.test import TestCase


    class Dies(TestCase):
        def test_a_first(self):
            pass

        def test_b_kills_its_worker(self):
            os.kill(os.getpid(), signal.SIGKILL)

        def test_c_after(self):
            pass


    class Others(TestCase):
        def test_other(self):
            pass
'''


def test_a_killed_worker_fails_its_test_and_its_other_tests_run_elsewhere(tmp_path):
    root = make_project(tmp_path, {"test_killer.py": KILLER}, setup_cfg=CFG)
    done = run_nose(root, ["--processes=2"], backend_env("sqlite"))
    assert done.returncode == 1, done.output
    key = "shop.tests.test_killer.Dies.test_b_kills_its_worker"
    assert done.outcomes == {key: "error", "shop.tests.test_killer.Dies.test_a_first": "pass",
                             "shop.tests.test_killer.Dies.test_c_after": "pass",
                             "shop.tests.test_killer.Others.test_other": "pass"}, done.output
    assert "died while running this test (killed by SIGKILL)" in done.output


SLOW = '''
    import time

    from django.test import TestCase


    class Slow(TestCase):
        def test_slow(self):
            time.sleep(60)


    class SlowToo(TestCase):
        def test_slow(self):
            time.sleep(60)
'''


def test_interrupted_parallel_run_leaves_no_database(tmp_path, backend):
    """Ctrl-C (the whole process group) on SQLite, SIGTERM (the parent alone) on PostgreSQL."""
    if backend == "mysql":
        pytest.skip("SQLite and PostgreSQL show it; MariaDB's clones are dropped by the same code")
    how = signal.SIGINT if backend == "sqlite" else signal.SIGTERM
    root = make_project(tmp_path, {"test_slow.py": SLOW}, setup_cfg=CFG)
    env = {**os.environ, **backend_env(backend), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "nose", "--processes=2"], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(0.5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_children(process.pid)) < 2:
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(process.pid, how) if how == signal.SIGINT else process.send_signal(how)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode != 0, stderr
    assert "Traceback" not in stderr, stderr
    assert _leftover_databases(backend, env["DB_NAME"], root) == [], stderr


WAITING = '''
    import os
    import time

    from django.test import TestCase


    def wait():
        open(os.path.join(os.environ["NFF_MARKS"], str(os.getpid())), "w").close()
        time.sleep(120)


    class Waits(TestCase):
        def test_waits(self):
            wait()


    class WaitsToo(TestCase):
        def test_waits(self):
            wait()
'''


def test_workers_end_with_their_killed_parent(tmp_path):
    # SIGKILL of nosetests while its workers ran long tests: they ran on for minutes, each
    # holding its own copy of the parent's end of its pipe (make chaos, every backend).
    root = make_project(tmp_path / "project", {"test_waiting.py": WAITING}, setup_cfg=CFG)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, **backend_env("sqlite"), "PYTHONPATH": str(ROOT), "NFF_MARKS": str(marks)}
    process = subprocess.Popen([sys.executable, "-m", "nose", "--processes=2"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [int(mark.name) for mark in marks.iterdir()]
        assert len(workers) == 2, "the workers never started their tests"
        process.kill()
        process.wait()
        deadline = time.monotonic() + 30  # make chaos's bound; it takes milliseconds
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_running, workers))
    finally:
        process.kill()
        for pid in filter(_running, workers):
            os.kill(pid, signal.SIGKILL)


def _running(pid):
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _children(pid):
    try:
        return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except FileNotFoundError:
        return ["?", "?"]


def _leftover_databases(backend, name, root):
    if backend == "sqlite":
        return sorted(path.name for path in root.glob(f"*{name}*") if path.suffix == ".sqlite3"
                      and path.name.startswith("test_"))
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as connection:
        rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                  [f"test_{name}%"]).fetchall()
    return [row[0] for row in rows]


PACKAGE_FIXTURE = '''
    import os

    LOG = os.path.join(os.path.dirname(__file__), "package.log")


    def setup():  # nose takes a package's setup() for its fixture (as in Wagtail)
        with open(LOG, "a") as log:
            log.write(f"setup {os.getpid()}\\n")


    def teardown():
        with open(LOG, "a") as log:
            log.write(f"teardown {os.getpid()}\\n")
'''
IN_PACKAGE = '''
    import os
    import time

    from django.test import TestCase

    from shop.tests import LOG


    class First(TestCase):
        def test_package_is_set_up_here(self):
            time.sleep(0.5)  # long enough for the other worker to start and take a unit
            with open(LOG) as log:
                self.assertIn(f"setup {os.getpid()}", log.read())


    class Second(TestCase):
        def test_package_is_set_up_here(self):
            time.sleep(0.5)
            with open(LOG) as log:
                self.assertIn(f"setup {os.getpid()}", log.read())
'''


def test_a_package_with_fixtures_is_shared_out_and_set_up_once_per_worker(tmp_path):
    root = make_project(tmp_path, {"__init__.py": PACKAGE_FIXTURE, "test_a.py": IN_PACKAGE, "test_b.py": IN_PACKAGE},
                        setup_cfg=CFG)
    done = run_nose(root, ["--processes=2"], backend_env("sqlite"))
    assert done.returncode == 0 and len(done.outcomes) == 4, done.output
    events = [line.split() for line in (root / "shop" / "tests" / "package.log").read_text().splitlines()]
    setups = Counter(pid for what, pid in events if what == "setup")
    teardowns = Counter(pid for what, pid in events if what == "teardown")
    assert len(setups) == 2 and setups == teardowns and set(setups.values()) == {1}, events


NEW_MIGRATION = '''
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = [migrations.AddField("item", "price", models.IntegerField(default=0))]
'''
COUNTS = '''
    from django.test import TestCase

    from shop.models import Item


    class CountTests(TestCase):
        def test_count(self):
            self.assertEqual(Item.objects.count(), 0)


    class NameTests(TestCase):
        def test_name(self):
            self.assertEqual(Item.objects.create(name="x").name, "x")
'''
WITH_PRICE = '''
    from django.test import TestCase

    from shop.models import Item


    class PriceTests(TestCase):
        def test_price(self):
            self.assertEqual(Item.objects.create(name="x", price=3).price, 3)
'''


def test_kept_clones_are_cloned_again_after_a_new_migration(tmp_path, backend):
    """On SQLite with the test database in a file (an in-memory one forks with each worker)."""
    root = make_project(tmp_path, {"test_count.py": COUNTS}, setup_cfg=CFG)
    env = {**backend_env(backend), "REUSE_DB": "1", **({"DB_TEST_FILE": "1"} if backend == "sqlite" else {})}
    try:
        first = run_nose(root, ["--processes=2"], env)
        assert first.returncode == 0, first.output
        again = run_nose(root, ["--processes=2"], env)
        assert "reused clones" in again.stderr and "Creating test database" not in again.output, again.stderr
        (root / "shop" / "migrations" / "0002_price.py").write_text(textwrap.dedent(NEW_MIGRATION))
        models = root / "shop" / "models.py"
        models.write_text(models.read_text() + "    price = models.IntegerField(default=0)\n")
        (root / "shop" / "tests" / "test_price.py").write_text(textwrap.dedent(WITH_PRICE))
        migrated = run_nose(root, ["--processes=2"], env)
    finally:
        names = ["", "_1", "_2"]
        drop_kept_databases(backend, env, root, suffixes=tuple(names))
        for path in root.glob("testfile_*"):
            path.unlink()
    assert migrated.returncode == 0, migrated.output
    assert "(the schema changed)" in migrated.stderr, migrated.stderr
    assert set(migrated.outcomes.values()) == {"pass"} and len(migrated.outcomes) == 3, migrated.outcomes
