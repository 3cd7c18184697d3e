"""``REUSE_DB=1`` against the real servers: kept databases through schema changes, kills and rivals."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.backends import backend_env, drop_kept_databases
from tests.helpers.oracle import ROOT, run_nose
from tests.helpers.projects import make_project

SETTINGS_EXTRA = '''

INSTALLED_APPS += ["notes"]
if os.environ.get("TINY_TEST_FILE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TINY_TEST_FILE"]}
if os.environ.get("TINY_MIRROR"):
    DATABASES["other"]["TEST"] = {"MIRROR": "default"}
'''

NOTES_MODELS = '''
from django.db import models


class Note(models.Model):
    title = models.CharField(max_length=20)
'''

ITEMS = '''
    from django.test import TestCase, TransactionTestCase

    from notes.models import Note
    from shop.models import Item


    class ItemTests(TestCase):
        databases = {"default", "other"}

        def test_fresh(self):
            self.assertEqual((Item.objects.count(), Note.objects.count()), (0, 0))
            self.assertEqual(Item.objects.create(name="a").pk, 1)  # sequences are fresh too

        def test_other(self):
            self.assertEqual(Item.objects.using("other").count(), 0)


    class CommitTests(TransactionTestCase):
        def test_commit(self):
            Item.objects.create(name="b")
            self.assertEqual(Item.objects.count(), 1)
'''

SLOW = '''
    import os
    import time

    from django.test import TransactionTestCase

    from shop.models import Item


    class SlowTests(TransactionTestCase):
        fixtures = ["items.json"]

        def test_wait(self):
            open(os.environ["TINY_STARTED"], "w").write("started")
            deadline = time.time() + 60
            while not os.path.exists(os.environ["TINY_GO"]) and time.time() < deadline:
                time.sleep(0.1)
'''

FIXTURE = '[{"model": "shop.item", "pk": 7, "fields": {"name": "left behind"}}]'

PRICE_MODELS = '''
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
    price = models.IntegerField(default=0)
'''

PRICE_MIGRATION = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.AddField("item", "price", models.IntegerField(default=DEFAULT))]
'''


def project(tmp_path, backend):
    root = make_project(tmp_path / "project", {"test_items.py": ITEMS, "test_slow.py": SLOW},
                        fixtures={"items.json": FIXTURE})
    with open(root / "tinyproject/settings.py", "a") as settings:
        settings.write(SETTINGS_EXTRA)
    (root / "notes").mkdir()
    (root / "notes/__init__.py").write_text("")
    (root / "notes/models.py").write_text(NOTES_MODELS)
    env = {**backend_env(backend, "nffreuse"), "DJANGO_SETTINGS_MODULE": "tinyproject.settings",
           "TINY_STARTED": str(tmp_path / "started"), "TINY_GO": str(tmp_path / "go")}
    return root, env


def nose(root, env, *args, reuse=True):
    return run_nose(root, ["-v", *args], {**env, "REUSE_DB": "1" if reuse else "0"}, timeout=300)


def reuse_lines(run):
    """The decision lines, one per kept database (not "put back ..." or "waiting ...")."""
    return [line for line in run.stderr.splitlines()
            if line.startswith("reuse-db:") and line.split(": ")[2].split()[0] in
            ("created", "reused", "migrated", "rebuilt")]


def passed(run):
    assert run.returncode == 0, run.output
    return run.outcomes


@pytest.fixture
def tiny(tmp_path, backend):
    root, env = project(tmp_path, backend)
    yield root, env
    drop_kept_databases(backend, env, root)


def test_kept_database_follows_schema_changes(tiny, backend):
    root, env = tiny
    label = "shop.tests.test_items"

    cold = nose(root, env, label)
    assert len(passed(cold)) == 3
    assert any("created" in line for line in reuse_lines(cold)), cold.stderr
    assert len(reuse_lines(cold)) == 2  # default and other

    warm = nose(root, env, label)
    assert passed(warm) == cold.outcomes
    assert all("reused" in line and "fingerprint unchanged" in line for line in reuse_lines(warm)), warm.stderr
    assert "Creating test database" not in warm.stderr and "Applying" not in warm.stderr

    (root / "shop/models.py").write_text(PRICE_MODELS)
    (root / "shop/migrations/0002_price.py").write_text(PRICE_MIGRATION.replace("DEFAULT", "0"))
    migrated = nose(root, env, label)
    assert passed(migrated) == cold.outcomes
    assert any("migrated" in line and "1 new migration: shop.0002_price" in line
               for line in reuse_lines(migrated)), migrated.stderr
    assert "Creating test database" not in migrated.stderr

    (root / "shop/migrations/0002_price.py").write_text(PRICE_MIGRATION.replace("DEFAULT", "5"))
    edited = nose(root, env, label)
    assert passed(edited) == cold.outcomes
    assert any("rebuilt" in line and "edited: shop.0002_price" in line for line in reuse_lines(edited))

    (root / "shop/migrations/0002_price.py").unlink()
    (root / "shop/models.py").write_text(PRICE_MODELS.replace("    price = models.IntegerField(default=0)\n", ""))
    removed = nose(root, env, label)
    assert passed(removed) == cold.outcomes
    assert any("rebuilt" in line and "removed: shop.0002_price" in line for line in reuse_lines(removed))

    (root / "notes/models.py").write_text(NOTES_MODELS.replace("max_length=20", "max_length=30"))
    unmigrated = nose(root, env, label)
    assert passed(unmigrated) == cold.outcomes
    assert any("rebuilt" in line and "without migrations changed: notes" in line
               for line in reuse_lines(unmigrated))

    mirrored = nose(root, {**env, "TINY_MIRROR": "1"}, label)
    assert mirrored.outcomes == nose(root, {**env, "TINY_MIRROR": "1"}, label, reuse=False).outcomes
    assert [line.split(":")[1].strip() for line in reuse_lines(mirrored)] == ["default"]

    if backend == "sqlite":  # kept in the project's cache folder, nothing beside NAME
        assert not list((root / "tinyproject").glob("test_*"))
        leftovers = sorted(path.name.split(".")[0] + "." + path.name.split(".", 2)[2]
                           for path in (root / ".nose_fastfixtures").glob("test_*"))
        assert leftovers == [f"test_{env['DB_NAME']}.sqlite3", f"test_{env['DB_NAME']}.sqlite3.lock",
                             f"test_{env['DB_NAME']}_other.sqlite3", f"test_{env['DB_NAME']}_other.sqlite3.lock"]
        assert all(path.stat().st_size > 0 for path in (root / ".nose_fastfixtures").glob("test_*"))


def _file_database(root, env, backend):
    """On SQLite, a file test database: the in-memory one is never written by tests."""
    return {**env, "TINY_TEST_FILE": str(root / "kept_test.sqlite3")} if backend == "sqlite" else env


def _start(root, env, label, output):
    full_env = {**os.environ, **env, "REUSE_DB": "1",
                "PYTHONPATH": os.pathsep.join([str(ROOT), str(root)])}
    return subprocess.Popen([sys.executable, "-m", "nose", "-v", label], cwd=root, env=full_env,
                            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(condition, seconds=120):
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def test_killed_run_is_cleaned_up_and_rivals_wait(tiny, backend, tmp_path):
    root, env = tiny
    env = _file_database(root, env, backend)
    label = "shop.tests.test_items"
    nose(root, env, label)  # cold start

    with open(tmp_path / "killed.log", "w") as output:
        killed = _start(root, env, "shop.tests.test_slow", output)
        _wait_for(lambda: Path(env["TINY_STARTED"]).exists())  # its fixture rows are committed
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()

    after_kill = nose(root, env, label)
    assert any("rebuilt" in line and "did not finish" in line for line in reuse_lines(after_kill)), \
        after_kill.stderr
    fresh = nose(root, env, label, reuse=False)
    assert passed(after_kill) == passed(fresh)

    Path(env["TINY_STARTED"]).unlink()
    with open(tmp_path / "first.log", "w") as first_output, open(tmp_path / "second.log", "w") as second_output:
        first = _start(root, env, "shop.tests.test_slow", first_output)
        _wait_for(lambda: Path(env["TINY_STARTED"]).exists())
        second = _start(root, env, label, second_output)
        _wait_for(lambda: "waiting for it to finish" in (tmp_path / "second.log").read_text())
        Path(env["TINY_GO"]).write_text("go")
        assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
        assert second.wait(timeout=120) == 0, (tmp_path / "second.log").read_text()
    second_log = (tmp_path / "second.log").read_text()
    assert "reuse-db: default: reused" in second_log, second_log  # the first left it fresh


def test_a_test_name_that_is_a_real_database_is_refused(tmp_path):
    root, env = project(tmp_path, "sqlite")
    real = root / "tinyproject" / f"{env['DB_NAME']}.sqlite3"
    refused = nose(root, {**env, "TINY_TEST_FILE": str(real)}, "shop.tests.test_items")
    assert refused.returncode == 2, refused.output
    assert "the test database of alias 'default' would be" in refused.stderr, refused.stderr
    assert "the NAME of alias 'default'" in refused.stderr
    assert not real.exists()
