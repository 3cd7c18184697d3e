"""``--with-class-fixtures`` from the outside: outcomes, database state, bad fixtures."""

import json

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose
from tests.helpers.projects import item_fixture, make_project
from tests.helpers.state_checker import STATE_ENV

ITEMS = item_fixture(range(1, 6))

CLASSES = '''
    import urllib.request

    from django.db import connection
    from django.test import LiveServerTestCase, TransactionTestCase

    from shop.models import Item


    class AFirstFlush(TransactionTestCase):
        """Leaves the databases as Django's flush does, like any first TransactionTestCase."""

        databases = {"default", "other"}

        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class RawSqlWriter(TransactionTestCase):
        fixtures = ["items"]

        def test_insert_through_raw_sql(self):
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO shop_item (name) VALUES (%s)", ["raw"])
            self.assertEqual(Item.objects.count(), 6)
            type(self).raw_key = Item.objects.get(name="raw").pk

        def test_next_key_after_the_raw_insert(self):
            # Django's loaddata resets PostgreSQL's sequence before every test; SQLite's
            # and MariaDB's counters survive the flush and go on after the raw insert.
            expected = 6 if connection.vendor == "postgresql" else self.raw_key + 1
            self.assertEqual(Item.objects.create(name="new").pk, expected)

        def test_sees_only_the_fixture(self):
            self.assertEqual(sorted(Item.objects.values_list("pk", flat=True)), [1, 2, 3, 4, 5])

        def test_update_and_delete(self):
            Item.objects.filter(pk=1).update(name="changed")
            Item.objects.filter(pk=2).delete()
            self.assertEqual(Item.objects.count(), 4)

        def test_fixture_rows_are_back(self):
            self.assertEqual(Item.objects.get(pk=1).name, "item 1")
            self.assertTrue(Item.objects.filter(pk=2).exists())


    class LiveServerWriter(LiveServerTestCase):
        fixtures = ["items"]

        def test_server_thread_writes(self):
            with urllib.request.urlopen(f"{self.live_server_url}/add/from-server/") as response:
                self.assertEqual(response.read(), b"6")

        def test_server_writes_are_gone(self):
            self.assertEqual(Item.objects.count(), 5)
            self.assertFalse(Item.objects.filter(name="from-server").exists())


    class TwoAliases(TransactionTestCase):
        databases = {"default", "other"}
        fixtures = ["items"]

        def test_loaded_into_both(self):
            self.assertEqual(Item.objects.using("other").count(), 5)
            Item.objects.using("other").create(name="extra")

        def test_other_restored(self):
            self.assertEqual(Item.objects.using("other").count(), 5)
'''

BROKEN = '''
    from django.test import TransactionTestCase

    from shop.models import Item


    class AFirstFlush(TransactionTestCase):
        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class MissingFixture(TransactionTestCase):
        fixtures = ["no_such_fixture"]

        def test_never_runs(self):
            pass


    class MalformedFixture(TransactionTestCase):
        fixtures = ["broken"]

        def test_never_runs(self):
            pass


    class NullName(TransactionTestCase):
        fixtures = ["nulls"]

        def test_never_runs(self):
            pass


    class ZGoodAfterBroken(TransactionTestCase):
        fixtures = ["items"]

        def test_items(self):
            self.assertEqual(Item.objects.count(), 5)
'''


def test_outcomes_and_every_class_leaves_the_database_as_it_found_it(tmp_path, backend):
    project = make_project(tmp_path, {"test_writers.py": CLASSES}, fixtures={"items.json": ITEMS})
    env = backend_env(backend)
    state_file = tmp_path / "state.json"
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures"], env={**env, STATE_ENV: str(state_file)})
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert set(nose_run.outcomes.values()) == {"pass"}, nose_run.output
    differences = json.loads(state_file.read_text())
    assert differences.pop("shop.tests.test_writers.AFirstFlush") != []  # Django's flush, on purpose
    assert differences == {
        "shop.tests.test_writers.LiveServerWriter": [],
        "shop.tests.test_writers.RawSqlWriter": [],
        "shop.tests.test_writers.TwoAliases": [],
    }


def test_broken_fixtures_fail_their_class_only_and_leave_no_rows(tmp_path, backend):
    nulls = json.dumps([{"model": "shop.item", "pk": 1, "fields": {"name": "one"}},
                        {"model": "shop.item", "pk": 2, "fields": {"name": None}}])
    project = make_project(tmp_path, {"test_broken.py": BROKEN},
                           fixtures={"items.json": ITEMS, "broken.json": '[{"model": "shop.item", "pk": 1,',
                                     "nulls.json": nulls})
    env = backend_env(backend)
    state_file = tmp_path / "state.json"
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures"], env={**env, STATE_ENV: str(state_file)})
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert nose_run.outcomes["shop.tests.test_broken.ZGoodAfterBroken.test_items"] == "pass"
    assert "broken" in nose_run.output and "no_such_fixture" in nose_run.output
    # loaddata's own words, though the row would have gone in with others in one INSERT
    assert "Could not load shop.Item(pk=2)" in nose_run.output
    assert json.loads(state_file.read_text())["shop.tests.test_broken.ZGoodAfterBroken"] == []


MAILING = '''
    from django.core import mail
    from django.db.models.signals import post_save
    from django.test import TransactionTestCase

    from shop.models import Item


    def announce(sender, instance, **kwargs):
        mail.send_mail("new item", instance.name, "shop@example.com", ["team@example.com"])


    post_save.connect(announce, sender=Item)


    class AFirstFlush(TransactionTestCase):
        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class MailDuringFixtureLoad(TransactionTestCase):
        fixtures = ["items"]

        def test_one(self):
            self.assertEqual(len(mail.outbox), 5)
            Item.objects.create(name="six")
            self.assertEqual(len(mail.outbox), 6)

        def test_two(self):
            self.assertEqual(len(mail.outbox), 5)
'''


def test_mail_sent_by_receivers_during_the_load_is_there_for_every_test(tmp_path):
    project = make_project(tmp_path, {"test_mailing.py": MAILING}, fixtures={"items.json": ITEMS})
    env = backend_env("sqlite")
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures"], env=env)
    django_run = run_django(cwd=project, env=env)
    assert compare(django_run, nose_run) == [], nose_run.output
    assert set(nose_run.outcomes.values()) == {"pass"}


FAST_BASE = '''
    import atexit
    import os

    from django.db import connection
    from django.db.models.signals import post_save
    from django.test import TransactionTestCase

    from nose_fastfixtures import FastFixtureTestCase
    from shop.models import Item

    Base = {base}
    saved_raw = []
    post_save.connect(lambda sender, raw, **kwargs: raw and saved_raw.append(1), sender=Item, weak=False)
    atexit.register(lambda: open(os.environ["RAW_SAVES_FILE"], "w").write(str(len(saved_raw))))


    class AFirstFlush(TransactionTestCase):
        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class Fast(Base):
        fixtures = ["items"]

        @classmethod
        def tearDownClass(cls):
            cls.rows_at_teardown = Item.objects.count()
            super().tearDownClass()
            assert cls.rows_at_teardown == 0, "tearDownClass sees the flushed database under Django"

        def test_create(self):
            self.assertEqual(Item.objects.create(name="new").pk, 6)

        def test_next_key(self):
            expected = 6 if connection.vendor == "postgresql" else 7
            self.assertEqual(Item.objects.create(name="new").pk, expected)

        def test_only_the_fixture(self):
            self.assertEqual(Item.objects.count(), 5)
            Item.objects.filter(pk=1).delete()


    class ZAfter(TransactionTestCase):
        def test_empty(self):
            self.assertEqual(Item.objects.count(), 0)
'''


def test_fast_fixture_test_case_with_or_without_the_plugin(tmp_path, backend):
    """Django's outcomes under either runner, with one load per class instead of one per test."""
    env = backend_env(backend)
    runs = {}
    for base in ("TransactionTestCase", "FastFixtureTestCase"):
        project = make_project(tmp_path / base, {"test_fast.py": FAST_BASE.format(base=base)},
                               fixtures={"items.json": ITEMS})
        for name in ("django", "nose", "nose --with-class-fixtures"):
            saves = tmp_path / f"{base}-{name}.txt"
            run_env = {**env, "RAW_SAVES_FILE": str(saves)}
            if name == "django":
                runs[base, name] = run_django(cwd=project, env=run_env)
            else:
                runs[base, name] = run_nose(cwd=project, args=name.split()[1:], env=run_env)
            runs[base, name].raw_saves = int(saves.read_text())

    reference = runs["TransactionTestCase", "django"]
    assert set(reference.outcomes.values()) == {"pass"}, reference.output
    # Five items before each of three tests under Django. Without the plugin nothing tells
    # FastFixtureTestCase what ran before it: its first test runs Django's way and the
    # others share one load. The plugin knows AFirstFlush flushed: one load.
    expected_saves = {("TransactionTestCase", "django"): 15, ("TransactionTestCase", "nose"): 15,
                      ("FastFixtureTestCase", "django"): 10, ("FastFixtureTestCase", "nose"): 10}
    for key, run in runs.items():
        assert compare(reference, run) == [], run.output
        assert run.raw_saves == expected_saves.get(key, 5), key


HANDOVER = '''
    import unittest

    from django.db import connection
    from django.test import TransactionTestCase, override_settings

    from shop.models import Item


    def rows():
        return Item.objects.count()


    class AFirstFlush(TransactionTestCase):
        def test_nothing_loaded(self):
            self.assertEqual(rows(), 0)


    class BWriter(TransactionTestCase):
        fixtures = ["items"]

        def test_write(self):
            Item.objects.filter(pk=1).update(name="changed")
            Item.objects.filter(pk=2).delete()
            Item.objects.create(name="new")
            self.assertEqual(rows(), 5)


    class CTakesOver(TransactionTestCase):
        """Starts from the rows BWriter leaves: exactly the fixture, as after Django's flush and load."""

        fixtures = ["items"]

        def test_fixture_rows(self):
            self.assertEqual(sorted(Item.objects.values_list("pk", "name")),
                             [(pk, f"item {pk}") for pk in range(1, 6)])

        def test_next_key(self):
            # PostgreSQL's sequence is reset by loaddata; the others' counters go on after BWriter's row.
            self.assertEqual(Item.objects.create(name="next").pk, 6 if connection.vendor == "postgresql" else 7)


    class DOwnSetUpClass(TransactionTestCase):
        fixtures = ["items"]

        @classmethod
        def setUpClass(cls):
            cls.rows_in_set_up_class = rows()  # after CTakesOver's last flush: nothing
            super().setUpClass()

        def test_set_up_class_saw_the_flushed_database(self):
            self.assertEqual((self.rows_in_set_up_class, rows()), (0, 5))


    class EOwnTearDownClass(TransactionTestCase):
        fixtures = ["items"]

        @classmethod
        def tearDownClass(cls):
            left = rows()  # after the last test's flush: nothing
            super().tearDownClass()
            if left:
                raise AssertionError(f"tearDownClass saw {left} rows")

        def test_loaded(self):
            self.assertEqual(rows(), 5)


    class FHandsOver(TransactionTestCase):
        fixtures = ["items"]

        def test_loaded(self):
            Item.objects.all().delete()


    @override_settings(SHOP_MODE="sale")
    class GClassWideSettings(TransactionTestCase):
        fixtures = ["items"]

        def test_loaded(self):
            self.assertEqual(rows(), 5)


    class HLastOne(TransactionTestCase):
        fixtures = ["items"]

        def test_loaded(self):
            self.assertEqual(rows(), 5)


    class ZPlainUnittest(unittest.TestCase):
        """Runs after every TransactionTestCase (Django's order): the last one's rows are gone."""

        def test_sees_the_flushed_database(self):
            self.assertEqual(rows(), 0)
'''


def test_a_class_takes_over_the_fixtures_the_previous_one_left_when_nothing_can_tell(tmp_path, backend):
    """Two classes in a row with the same fixtures share one load, with Django's outcomes;
    code of the project's between them (set-up, teardown, another kind of test) sees the
    flushed database, as under Django."""
    project = make_project(tmp_path, {"test_handover.py": HANDOVER}, fixtures={"items.json": ITEMS})
    env = backend_env(backend)
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures", "-vv"], env=env)
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert set(nose_run.outcomes.values()) == {"pass"}, nose_run.output
    took_over = sorted(line.split()[1].rsplit(".", 1)[1] for line in nose_run.output.splitlines()
                       if " starts from the fixtures " in line)
    # Not DOwnSetUpClass (its own setUpClass), GClassWideSettings (its settings come before its
    # load) nor HHandsOverToNobody (after G's settings are undone); EOwnTearDownClass hands over
    # nothing; ZPlainUnittest finds H's rows removed.
    assert took_over == ["CTakesOver", "EOwnTearDownClass"], nose_run.output


NO_FIXTURES = '''
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test import TransactionTestCase

    from shop.models import Item


    class AFirstFlush(TransactionTestCase):
        databases = {"default", "other"}

        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class BWithoutFixtures(TransactionTestCase):
        """Each test starts from the flushed database: the content types post_migrate made, no item."""

        databases = {"default", "other"}

        def test_a_write(self):
            Item.objects.create(name="one")
            Item.objects.using("other").create(name="other")
            ContentType.objects.filter(model="item").delete()

        def test_b_flushed(self):
            self.assertEqual((Item.objects.count(), Item.objects.using("other").count()), (0, 0))
            self.assertTrue(ContentType.objects.filter(app_label="shop", model="item").exists())

        def test_c_next_key(self):
            # After test_a's row: the counters go on, as after Django's flush.
            self.assertEqual(Item.objects.create(name="two").pk, 2)

        def test_d_unseen_write(self):
            # Through the driver's own cursor, which the write tracker does not see.
            connection.ensure_connection()
            cursor = connection.connection.cursor()
            cursor.execute("INSERT INTO shop_item (id, name) VALUES (100, 'unseen')")
            cursor.close()
            if not connection.get_autocommit():
                connection.connection.commit()

        def test_e_unseen_write_gone(self):
            self.assertEqual(Item.objects.count(), 0)


    class CAfter(TransactionTestCase):
        def test_flushed(self):
            self.assertEqual(Item.objects.count(), 0)
            self.assertTrue(ContentType.objects.filter(app_label="shop", model="item").exists())
'''


def test_a_class_without_fixtures_gets_its_tests_writes_undone_instead_of_a_flush(tmp_path, backend):
    project = make_project(tmp_path, {"test_no_fixtures.py": NO_FIXTURES})
    env = backend_env(backend)
    state_file = tmp_path / "state.json"
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures", "--with-time-report"],
                        env={**env, STATE_ENV: str(state_file)})
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert set(nose_run.outcomes.values()) == {"pass"}, nose_run.output
    differences = json.loads(state_file.read_text())
    assert differences.pop("shop.tests.test_no_fixtures.AFirstFlush") != []  # Django's flush, on purpose
    assert differences == {"shop.tests.test_no_fixtures.BWithoutFixtures": [],
                           "shop.tests.test_no_fixtures.CAfter": []}


SERIALIZED = '''
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.test import TransactionTestCase

    from shop.models import Item


    class AFirstFlush(TransactionTestCase):
        def test_nothing_loaded(self):
            self.assertEqual(Item.objects.count(), 0)


    class BSerializedRollback(TransactionTestCase):
        """Each test: Django's copy of the migrated rows (the content types) and the fixture."""

        serialized_rollback = True
        fixtures = ["items"]

        @classmethod
        def setUpClass(cls):
            # From an empty database, where the copy goes in without clashing with
            # content types the flush before made again under new keys.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            super().setUpClass()

        def test_a_write(self):
            self.assertEqual(Item.objects.count(), 5)
            ContentType.objects.all().delete()
            Item.objects.filter(pk=1).update(name="changed")
            Item.objects.create(name="new")

        def test_b_back(self):
            self.assertTrue(ContentType.objects.filter(app_label="shop", model="item").exists())
            self.assertEqual(sorted(Item.objects.values_list("pk", "name")),
                             [(pk, f"item {pk}") for pk in range(1, 6)])

        def test_c_next_key(self):
            self.assertEqual(Item.objects.create(name="next").pk, 6 if connection_vendor() == "postgresql" else 7)


    def connection_vendor():
        from django.db import connection
        return connection.vendor


    class CAfter(TransactionTestCase):
        def test_empty(self):
            # The serialized_rollback class's last flush skips post_migrate: no content types.
            self.assertEqual((ContentType.objects.count(), Item.objects.count()), (0, 0))
'''


def test_a_serialized_rollback_class_loads_the_migrated_rows_and_its_fixtures_once(tmp_path, backend):
    project = make_project(tmp_path, {"test_serialized.py": SERIALIZED}, fixtures={"items.json": ITEMS})
    env = backend_env(backend)
    nose_run = run_nose(cwd=project, args=["--with-class-fixtures", "-vv"], env=env)
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert set(nose_run.outcomes.values()) == {"pass"}, nose_run.output
    assert "runs Django's way" not in nose_run.output
