"""``--with-fixture-bundling`` from the outside: loads saved, outcomes, broken fixtures, clean state."""

import json

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose
from tests.helpers.projects import make_project
from tests.helpers.state_checker import STATE_ENV

ITEMS = json.dumps([{"model": "shop.item", "pk": pk, "fields": {"name": f"item {pk}"}} for pk in range(1, 6)])
MORE = json.dumps([{"model": "shop.item", "pk": pk, "fields": {"name": f"more {pk}"}} for pk in range(6, 9)])

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
    assert list(nose_run.outcomes.values()).count("pass") == 7
    # items, then more on top of it, and items again after the broken layer was left
    # to Django (which reloads everything for that class); Django loads once per class.
    assert "fixture loads: 3 (Django's runner: 4)" in nose_run.output
    assert "load layer more into default" in nose_run.output  # the plan, at -v
    assert "shop.tests.test_bundles.ItemsA" in nose_run.output  # the plan names classes
    differences = json.loads(state_file.read_text())
    assert differences and all(changed == [] for changed in differences.values()), differences
