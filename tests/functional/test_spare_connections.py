"""Spare connections and kept sessions seen from a project's tests: what Django's statements see is
Django's, what a driver cursor sees is one session more, and --no-spare-connections removes it;
what a class leaves in its session does not reach the next class."""

import pytest

from tests.helpers.backends import backend_env
from tests.helpers.oracle import run_nose
from tests.helpers.projects import make_project

TESTS = '''
    import os
    import time

    from django.db import connection
    from django.test import TestCase, TransactionTestCase


    def sessions_through_django():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]


    def sessions_through_the_driver():
        # The spare after this connection is being opened while the test starts: give it a second.
        connection.ensure_connection()
        deadline = time.monotonic() + 1
        with connection.connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                count = cursor.fetchone()[0]
                if count > 1 or time.monotonic() > deadline:
                    return count
                time.sleep(0.02)


    class FirstClass(TestCase):
        def test_django_sees_only_its_own_session(self):
            self.assertEqual(sessions_through_django(), 1)


    class SecondClass(TransactionTestCase):
        def test_a_driver_cursor_sees_what_the_option_says(self):
            self.assertEqual(sessions_through_the_driver(), int(os.environ["EXPECTED"]))

        def test_django_still_sees_its_own_session_only(self):
            self.assertEqual(sessions_through_django(), 1)
'''


@pytest.mark.parametrize("args, expected", [((), 2), (("--no-spare-connections",), 1)])
def test_spares_are_hidden_from_django_and_the_option_removes_them(tmp_path, backend, args, expected):
    if backend != "postgresql":
        pytest.skip("spares are made on PostgreSQL only")
    root = make_project(tmp_path / "project", {"test_sessions.py": TESTS})
    run = run_nose(cwd=root, args=["--with-class-fixtures", *args],
                   env={**backend_env(backend), "EXPECTED": str(expected)})
    assert run.returncode == 0, run.output
    assert list(run.outcomes.values()) == ["pass"] * 3


SESSION_STATE = '''
    import os

    from django.db import connection
    from django.test import TransactionTestCase

    PIDS = []


    def value(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]


    class AFirstLeavesState(TransactionTestCase):
        def test_1_custom_setting(self):
            value("SELECT set_config('app.tenant', '7', false)")
            self.assertEqual(value("SELECT current_setting('app.tenant')"), "7")

        def test_2_settings_and_temporary_tables(self):
            self.assertIsNone(value("SELECT current_setting('app.tenant', true)"))
            with connection.cursor() as cursor:
                cursor.execute("CREATE TEMPORARY TABLE scratch (x int)")
                cursor.execute("SET search_path TO pg_catalog, public")
                cursor.execute("SET statement_timeout = '1234ms'")
                cursor.execute("SET work_mem = '5MB'")
            PIDS.append(value("SELECT pg_backend_pid()"))


    class BThenSeesANewSession(TransactionTestCase):
        def test_sees_nothing_of_it(self):
            self.assertEqual(value("SELECT current_setting('statement_timeout')"), "0")
            self.assertEqual(value("SELECT current_setting('work_mem')"), "4MB")
            self.assertEqual(value("SELECT count(*) FROM pg_class WHERE relname = 'scratch'"), 0)
            self.assertEqual(value("SHOW search_path"), '"$user", public')
            # the same server session, reset (or a new one with --no-spare-connections)
            self.assertEqual(value("SELECT pg_backend_pid()") == PIDS[0], os.environ["KEPT"] == "1")
'''


@pytest.mark.parametrize("args, kept", [((), "1"), (("--no-spare-connections",), "0")])
def test_what_a_class_leaves_in_its_session_does_not_reach_the_next(tmp_path, backend, args, kept):
    if backend != "postgresql":
        pytest.skip("sessions are kept on PostgreSQL only")
    root = make_project(tmp_path / "project", {"test_session_state.py": SESSION_STATE})
    run = run_nose(cwd=root, args=["--with-class-fixtures", *args], env={**backend_env(backend), "KEPT": kept})
    assert run.returncode == 0, run.output
    assert list(run.outcomes.values()) == ["pass"] * 3
