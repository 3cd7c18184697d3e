"""Twisted trial test cases in a Django suite: the outcomes ``trial`` gives them, serially and in parallel."""

import os

import pytest

from tests.helpers.backends import backend_env
from tests.helpers.oracle import run_nose, run_trial
from tests.helpers.projects import make_project

TRIAL_TESTS = '''
    from twisted.internet import defer, reactor, task
    from twisted.python import log
    from twisted.trial import unittest


    class AsyncTests(unittest.TestCase):
        def test_pass(self):
            self.assertEqual(1, 1)

        def test_fail(self):
            self.fail("no")

        def test_deferred(self):
            return task.deferLater(reactor, 0.01, lambda: 42).addCallback(self.assertEqual, 42)

        def test_deferred_fails(self):
            return task.deferLater(reactor, 0.01, lambda: 1).addCallback(self.assertEqual, 2)

        def test_deferred_errors(self):
            return defer.fail(ValueError("async boom"))

        def test_skip(self):
            raise unittest.SkipTest("not now")

        def test_skip_attribute(self):
            pass
        test_skip_attribute.skip = "by attribute"

        def test_todo(self):
            self.fail("expected")
        test_todo.todo = "not yet"

        def test_todo_passes(self):
            pass
        test_todo_passes.todo = "surprise"

        def test_logged_error(self):
            log.err(RuntimeError("logged, never flushed"))

        def test_flushed_logged_error(self):
            log.err(RuntimeError("logged and flushed"))
            self.assertEqual(len(self.flushLoggedErrors(RuntimeError)), 1)

        def test_dirty_reactor(self):
            reactor.callLater(100, lambda: None)


    class SyncTests(unittest.SynchronousTestCase):
        def test_sync_pass(self):
            pass

        def test_sync_error(self):
            {}["missing"]


    class MoreAsyncTests(unittest.TestCase):
        """A second class, so that two workers each run a reactor."""

        def test_deferred(self):
            return task.deferLater(reactor, 0.02, lambda: "done").addCallback(self.assertEqual, "done")
'''
DJANGO_TESTS = '''
    from django.test import TestCase

    from shop.models import Item


    class ItemTests(TestCase):
        def test_create(self):
            Item.objects.create(name="x")
            self.assertEqual(Item.objects.count(), 1)
'''
if os.environ.get("CI", "").lower() != "true":  # a venv made before Twisted joined requirements-dev.txt
    pytest.importorskip("twisted", reason="Twisted is not installed here (make .venv/.installed)")
CFG = "[nosetests]\nwith-django = 1\ndjango-settings = tinyproject.settings\n"


def test_trial_cases_get_trials_outcomes_serially_and_in_parallel(tmp_path):
    root = make_project(tmp_path, {"test_trial.py": TRIAL_TESTS, "test_items.py": DJANGO_TESTS}, setup_cfg=CFG)
    trial = run_trial(root, ["shop.tests.test_trial"])
    assert len(trial.outcomes) == 15 and trial.outcomes["shop.tests.test_trial.AsyncTests.test_todo"] == "xfail"
    for args in ([], ["--processes=2"]):
        done = run_nose(root, args, backend_env("sqlite"))
        trial_part = {key: outcome for key, outcome in done.outcomes.items() if ".test_trial." in key}
        assert trial_part == trial.outcomes, (args, done.output[-4000:])
        assert done.outcomes["shop.tests.test_items.ItemTests.test_create"] == "pass"
