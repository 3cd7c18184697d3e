"""``--with-fixture-bundling`` from the outside: loads saved, outcomes, broken fixtures, clean state."""

import json

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose
from tests.helpers.projects import item_fixture, make_project
from tests.helpers.state_checker import STATE_ENV

ITEMS = item_fixture(range(1, 6))
MORE = item_fixture(range(6, 9), name="more")

CLASSES = '''
    from django.test import TestCase

    from shop.models import Item


    class ItemsA(TestCase):
        fixtures = ["items"]

        def test_five(self):
            self.assertEqual(Item.objects.count(), 5)

        def test_new_row_gets_the_next_key(self):
            # loaddata sets the sequence after the fixture's keys, for every class
            self.assertEqual(Item.objects.create(name="new").pk, 6)


    class ItemsAndMore(TestCase):
        fixtures = ["items", "more"]

        def test_eight(self):
            self.assertEqual(Item.objects.count(), 8)

        def test_new_row_gets_the_next_key(self):
            self.assertEqual(Item.objects.create(name="new").pk, 9)


    class ItemsB(TestCase):
        fixtures = ["items"]

        @classmethod
        def setUpTestData(cls):
            cls.extra = Item.objects.create(name="test data")

        def test_fixture_and_test_data(self):
            self.assertEqual(Item.objects.count(), 6)


    class ZChoosesOwnFixtures(TestCase):
        """Its setUpClass picks other fixtures (as mixins choosing by a setting do)."""

        fixtures = ["items"]

        @classmethod
        def setUpClass(cls):
            cls.fixtures = ["more"]
            super().setUpClass()

        def test_only_its_own(self):
            self.assertEqual(sorted(Item.objects.values_list("pk", flat=True)), [6, 7, 8])


    class BrokenToo(TestCase):
        fixtures = ["items", "broken"]

        def test_never_runs(self):
            pass


    class Exempt(TestCase):
        fixtures = ["items"]
        exempt_from_fixture_bundling = True

        def test_five(self):
            self.assertEqual(Item.objects.count(), 5)


    class NoFixtures(TestCase):
        def test_empty(self):
            self.assertEqual(Item.objects.count(), 0)
'''


def test_bundled_outcomes_loads_and_clean_database(tmp_path, backend):
    project = make_project(tmp_path, {"test_bundles.py": CLASSES},
                           fixtures={"items.json": ITEMS, "more.json": MORE, "broken.json": "[{"})
    env = backend_env(backend)
    state_file = tmp_path / "state.json"
    nose_run = run_nose(cwd=project, args=["--with-fixture-bundling", "-v"],
                        env={**env, STATE_ENV: str(state_file)})
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert nose_run.outcomes["shop.tests.test_bundles.BrokenToo [setup]"] == "error"
    assert list(nose_run.outcomes.values()).count("pass") == 8
    # items, then more on top of it, and items again after the broken layer was left
    # to Django (which reloads everything for that class); Django loads once per class.
    # rows: 5 items, 3 more into the table already holding them, 5 items again
    assert "fixture loads: 3 (Django's runner: 5), rows loaded: 13" in nose_run.output
    assert "ZChoosesOwnFixtures chose its own fixtures in setUpClass" in nose_run.output
    assert "load layer more into default" in nose_run.output  # the plan, at -v
    assert "shop.tests.test_bundles.ItemsA" in nose_run.output  # the plan names classes
    differences = json.loads(state_file.read_text())
    assert differences and all(changed == [] for changed in differences.values()), differences


SHARED = '''
    from django.test import TestCase

    from shop.models import Item


    class FirstItems(TestCase):
        fixtures = ["items"]

        def test_five(self):
            self.assertEqual(Item.objects.count(), 5)


    class NoFixtures(TestCase):
        def test_empty(self):
            self.assertEqual(Item.objects.count(), 0)


    class SecondItems(TestCase):
        fixtures = ["items"]

        def test_five(self):
            self.assertEqual(Item.objects.count(), 5)
'''


def test_bundles_inside_a_package_that_defines_setup(tmp_path):
    """Wagtail's ``wagtail/__init__.py`` defines ``setup()``, which nose takes for a package
    fixture: the whole run sits inside it, and its classes are still bundled."""
    project = make_project(tmp_path, {"test_shared.py": SHARED}, fixtures={"items.json": ITEMS})
    (project / "shop" / "__init__.py").write_text("CALLS = []\n\n\ndef setup():\n    CALLS.append('setup')\n")
    env = backend_env("sqlite")
    nose_run = run_nose(cwd=project, args=["--with-fixture-bundling", "-v"], env=env)
    django_run = run_django(cwd=project, env=env)

    assert compare(django_run, nose_run) == [], nose_run.output
    assert "fixture loads: 1 (Django's runner: 2)" in nose_run.output


FUNCTIONS_AFTER = '''
    from shop.models import Item

    SEEN = []


    def setup_module():
        SEEN.append(Item.objects.count())


    def test_module_fixture_saw_no_layer():
        assert SEEN == [0], SEEN


    def test_function_sees_no_layer():
        assert Item.objects.count() == 0, Item.objects.count()
'''


def test_nose_tests_after_the_layers_see_none_of_their_rows(tmp_path):
    """Nose functions and module fixtures run after the TestCase classes, with the layers gone."""
    project = make_project(tmp_path, {"test_bundles.py": CLASSES, "test_zfunctions.py": FUNCTIONS_AFTER},
                           fixtures={"items.json": ITEMS, "more.json": MORE, "broken.json": "[{"})
    nose_run = run_nose(cwd=project, args=["--with-fixture-bundling"], env=backend_env("sqlite"))

    functions = {name: outcome for name, outcome in nose_run.outcomes.items() if "test_zfunctions" in name}
    assert functions and set(functions.values()) == {"pass"}, nose_run.output


KEYS = '''
    import json
    import os

    from django.test import TestCase, TransactionTestCase

    from shop.models import Item


    class Keys:
        creates = 1

        def test_creates_rows(self):
            keys = [Item.objects.create(name="new").pk for _ in range(self.creates)]
            with open(os.environ["KEYS_FILE"], "a") as log:
                log.write(json.dumps([self.id(), keys]) + "\\n")


    class AItems(Keys, TestCase):
        fixtures = ["items"]
        creates = 2


    class BPlain(Keys, TestCase):
        pass


    class CMore(Keys, TestCase):
        fixtures = ["items", "more"]


    class DItems(Keys, TestCase):
        fixtures = ["items"]


    class EPlain(Keys, TestCase):
        creates = 2


    class FCommitting(Keys, TransactionTestCase):
        pass
'''


def test_new_rows_get_the_keys_they_get_in_djangos_order(tmp_path, backend):
    """Bundling runs AItems and DItems together, then CMore, then the classes without fixtures:
    each class starts from the key counters Django's order gives it (PostgreSQL's sequences and
    MariaDB's AUTO_INCREMENT keep the values rolled-back inserts took; SQLite rolls its counter
    back), or, when it cannot know them, the run names it."""
    project = make_project(tmp_path, {"test_keys.py": KEYS}, fixtures={"items.json": ITEMS, "more.json": MORE})
    env = backend_env(backend)
    keys = {}
    for side, run in (("django", lambda extra: run_django(cwd=project, env=extra)),
                      ("nose", lambda extra: run_nose(cwd=project, args=["--with-fixture-bundling", "-v"],
                                                      env=extra))):
        keys_file = tmp_path / f"{side}.keys"
        done = run({**env, "KEYS_FILE": str(keys_file)})
        assert done.returncode == 0, done.output
        keys[side] = dict(json.loads(line) for line in keys_file.read_text().splitlines())
    named = {line.split(":")[0].strip() for line in done.output.splitlines()
             if line.startswith("  shop.tests.test_keys.")}
    differing = {test.rsplit(".", 1)[0] for test in keys["django"] if keys["nose"].get(test) != keys["django"][test]}
    assert differing <= named, done.output
    if backend != "sqlite":
        # after AItems, under Django: the counters moved on, and no fixture load of BPlain's resets them
        assert keys["django"]["shop.tests.test_keys.BPlain.test_creates_rows"] == [8]
    # On PostgreSQL DItems' load resets the sequence as under Django: every key is Django's.
    # MariaDB's loads only raise counters: DItems, run before BPlain and CMore, cannot know
    # what they take, and is named.
    expected_named = {"mysql": {"shop.tests.test_keys.DItems"}}.get(backend, set())
    assert named == expected_named, done.output
