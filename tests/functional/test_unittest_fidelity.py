"""Corners of unittest's protocol that nose alone gets wrong, compared with Django's runner."""

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose
from tests.helpers.projects import make_project

CORNERS = '''
    import unittest

    from django.db import connections
    from django.test import SimpleTestCase, TestCase, TransactionTestCase, skipUnlessDBFeature

    from shop.models import Item


    class ExpectedOutcomes(TestCase):
        @unittest.expectedFailure
        def test_known_bug(self):
            self.assertEqual(Item.objects.count(), 1)

        @unittest.expectedFailure
        def test_fixed_bug(self):
            self.assertEqual(Item.objects.count(), 0)

        def test_subtests(self):
            for number in (1, 2, 3):
                with self.subTest(number=number):
                    self.assertNotEqual(number, 2)

        def test_subtest_skip(self):
            with self.subTest(case="skipped"):
                self.skipTest("not today")

        def test_plain_failure(self):
            self.assertEqual(1, 2)


    @unittest.skip("whole class skipped")
    class SkippedClass(TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("setUpClass must not run for a skipped class")

        def test_never_runs(self):
            pass


    @skipUnlessDBFeature("has_select_for_update")
    class NeedsSelectForUpdate(TestCase):
        def test_lock(self):
            list(Item.objects.select_for_update())


    class OnlyLogic(SimpleTestCase):
        def test_no_queries_allowed(self):
            with self.assertRaises(Exception):
                Item.objects.count()


    class UsesOtherAlias(TestCase):
        databases = {"default", "other"}

        def test_both_aliases(self):
            Item.objects.using("other").create(name="x")
            self.assertEqual(Item.objects.using("other").count(), 1)
            self.assertEqual(Item.objects.count(), 0)


    class HelperNamedLikeATest(TestCase):
        def create_test_item(self):
            raise AssertionError("a helper that nose alone would collect as a test")

        def test_real_one(self):
            self.assertEqual(Item.objects.count(), 0)


    class BrokenSetUp(TestCase):
        @classmethod
        def setUpTestData(cls):
            raise ValueError("broken test data")

        def test_not_run(self):
            pass


    class BrokenTearDown(TransactionTestCase):
        @classmethod
        def tearDownClass(cls):
            super().tearDownClass()
            raise ValueError("broken teardown")

        def test_runs(self):
            Item.objects.create(name="y")
            self.assertEqual(Item.objects.count(), 1)
'''


MODELS_NAMED_LIKE_TESTS = '''
    from django.test import TestCase

    from shop.models import Item


    class TestingItem(Item):
        class Meta:
            proxy = True
            app_label = "shop"


    class ProxyTests(TestCase):
        def test_proxy(self):
            TestingItem.objects.create(name="x")
            self.assertEqual(Item.objects.count(), 1)
'''

IMPORTS_THE_MODEL = '''
    from django.test import SimpleTestCase

    from shop.tests.test_proxies import TestingItem


    class ImportedModelTests(SimpleTestCase):
        def test_name(self):
            self.assertEqual(TestingItem._meta.proxy, True)
'''


def test_unittest_corners_match_djangos_runner(tmp_path, backend):
    project = make_project(tmp_path, {"test_corners.py": CORNERS, "test_proxies.py": MODELS_NAMED_LIKE_TESTS,
                                      "test_uses_proxy.py": IMPORTS_THE_MODEL})
    env = backend_env(backend)
    django_run = run_django(cwd=project, env=env)
    nose_run = run_nose(cwd=project, env=env)

    assert len(django_run.outcomes) >= 10, django_run.output
    assert compare(django_run, nose_run) == [], nose_run.output
    assert nose_run.returncode == django_run.returncode != 0
