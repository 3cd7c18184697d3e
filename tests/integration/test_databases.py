"""nose_fastfixtures.database.databases against the real servers: create, guard, destroy."""

import json
import os
import subprocess
import sys
import textwrap

from tests.helpers.backends import backend_env
from tests.helpers.oracle import ROOT
from tests.helpers.projects import make_project

SCRIPT = textwrap.dedent('''
    import json, sys
    import django
    django.setup()
    from django.db import connections
    from nose_fastfixtures.database.databases import TestDatabases, databases_for
    from django.test import TestCase

    class UsesDefault(TestCase):
        def test_nothing(self):
            pass

    report = {}
    databases = TestDatabases(verbosity=0)
    wanted = databases_for([UsesDefault("test_nothing")])
    report["wanted"] = sorted(wanted)
    import gc
    collector = (gc.get_threshold(), gc.get_freeze_count())
    databases.setup(wanted)
    report["collector_restored"] = (gc.get_threshold(), gc.get_freeze_count()) == collector
    try:
        report["test_name"] = connections["default"].settings_dict["NAME"]
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM shop_item")
            report["items"] = cursor.fetchone()[0]
        try:
            connections["other"].cursor()
            report["other"] = "reached"
        except Exception as exc:
            report["other"] = str(exc)
    finally:
        databases.teardown()
    report["restored_name"] = connections["default"].settings_dict["NAME"]
    print(json.dumps(report))
''')


def database_exists(backend, name):
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as connection:
            return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    import MySQLdb

    connection = MySQLdb.connect(host="127.0.0.1", user="root", password="")
    try:
        cursor = connection.cursor()
        cursor.execute("SHOW DATABASES LIKE %s", [name])
        return cursor.fetchone() is not None
    finally:
        connection.close()


def test_setup_creates_migrated_test_database_guards_others_and_teardown_destroys(tmp_path, backend):
    project = make_project(tmp_path, {})
    env = {**os.environ, **backend_env(backend), "DJANGO_SETTINGS_MODULE": "tinyproject.settings",
           "PYTHONPATH": f"{project}{os.pathsep}{ROOT}"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["wanted"] == ["default"]
    assert report["collector_restored"]  # thresholds and frozen objects as before the migrations
    assert report["items"] == 0  # migrated: the app's table exists
    assert "no test database was created" in report["other"]
    assert report["restored_name"] == env["DB_NAME"] or report["restored_name"].endswith(".sqlite3")
    if backend != "sqlite":
        assert report["test_name"] == f"test_{env['DB_NAME']}"
        assert not database_exists(backend, report["test_name"])
        assert not database_exists(backend, env["DB_NAME"])  # the real one was never created
