"""Every --with-django run measures its phases, classes and tests, and keeps the durations."""

import json

from tests.helpers.oracle import run_nose
from tests.helpers.projects import item_fixture, make_project

ITEMS = item_fixture((1, 2))

TESTS = '''
    import time
    import unittest

    from django.test import TestCase

    from shop.models import Item


    class Loaded(TestCase):
        fixtures = ["items"]

        def test_sleeps(self):
            time.sleep(0.3)

        def test_fails(self):
            self.assertEqual(Item.objects.count(), 3)

        @unittest.skip("not today")
        def test_skipped(self):
            pass


    class Other(TestCase):
        def test_passes(self):
            pass
'''


def test_the_timeline_and_the_kept_durations(tmp_path):
    project = make_project(tmp_path, {"test_items.py": TESTS}, fixtures={"items.json": ITEMS})
    timeline_file = tmp_path / "timeline.json"
    run = run_nose(cwd=project, args=["--with-fixture-bundling"],
                   env={"NFF_TIMELINE_FILE": str(timeline_file)})
    assert run.returncode == 1, run.output

    timeline = json.loads(timeline_file.read_text())
    tests = {span["name"]: span for span in timeline["spans"] if span["kind"] == "test"}
    prefix = "shop.tests.test_items."
    assert {name: span["outcome"] for name, span in tests.items()} == {
        prefix + "Loaded.test_sleeps": "pass", prefix + "Loaded.test_fails": "fail",
        prefix + "Loaded.test_skipped": "skip", prefix + "Other.test_passes": "pass"}
    slept = tests[prefix + "Loaded.test_sleeps"]
    assert 0.3 <= slept["end"] - slept["start"] < 2
    kinds = {span["kind"] for span in timeline["spans"]}
    assert {"startup", "settings", "collect", "db-setup", "checks", "layer-load", "layer-unload",
            "class", "db-teardown"} <= kinds
    assert timeline["totals"]["class"] >= 0.3 and "test" not in timeline["totals"]

    kept = json.loads((project / ".nose_fastfixtures" / "durations.json").read_text())
    assert set(kept["tests"]) == set(tests)
    assert set(kept["classes"]) == {prefix + "Loaded", prefix + "Other"}
    assert list(kept["layers"]) == ["default:items"]
    assert (project / ".nose_fastfixtures" / ".gitignore").exists()

    # A later run of one class keeps the other measurements.
    run_nose(cwd=project, args=["shop.tests.test_items:Other"])
    kept_again = json.loads((project / ".nose_fastfixtures" / "durations.json").read_text())
    assert set(kept_again["tests"]) == set(tests)
