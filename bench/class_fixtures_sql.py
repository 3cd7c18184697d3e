"""SQL statements spent on TransactionTestCase fixture setup and teardown: Django's runner vs ours.

Runs the sample suite's TransactionTestCase classes that have fixtures under
``manage.py test`` and under ``nosetests --with-class-fixtures``, counting the
statements executed inside fixture setup/teardown (Django's _fixture_setup and
_fixture_teardown; our ClassFixtures hooks) through an execute wrapper on every
connection. Counts are deterministic, so one run per backend is enough.

    python bench/class_fixtures_sql.py [--backends sqlite,postgresql,mysql]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_APP = ROOT / "sample_app"
HOOK = '''
import atexit, os, threading
counts = {"fixture_sql": 0, "all_sql": 0, "loaddata": 0}
state = threading.local()

def install():
    from django.core.management.commands import loaddata
    from django.db.backends.signals import connection_created
    from django.test import TransactionTestCase

    def wrapper(execute, sql, params, many, context):
        counts["all_sql"] += 1
        if getattr(state, "depth", 0):
            counts["fixture_sql"] += 1
        return execute(sql, params, many, context)

    def on_created(sender, connection, **kwargs):
        if wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(wrapper)

    connection_created.connect(on_created, weak=False)

    def counted(function):
        def run(*args, **kwargs):
            state.depth = getattr(state, "depth", 0) + 1
            try:
                return function(*args, **kwargs)
            finally:
                state.depth -= 1
        return run

    setup = TransactionTestCase.__dict__["_fixture_setup"].__func__
    TransactionTestCase._fixture_setup = classmethod(counted(setup))
    TransactionTestCase._fixture_teardown = counted(TransactionTestCase._fixture_teardown)
    try:
        from nose_fastfixtures.database import class_fixtures
    except ImportError:
        pass
    else:
        for name in ("fixture_setup", "fixture_teardown", "finish"):
            setattr(class_fixtures.ClassFixtures, name, counted(getattr(class_fixtures.ClassFixtures, name)))
        class_fixtures._djangos_fixture_setup = counted(class_fixtures._djangos_fixture_setup)
        class_fixtures._djangos_fixture_teardown = counted(class_fixtures._djangos_fixture_teardown)
    handle = loaddata.Command.handle
    def counted_handle(self, *args, **kwargs):
        counts["loaddata"] += 1
        return handle(self, *args, **kwargs)
    loaddata.Command.handle = counted_handle

import django
_setup = django.setup
def setup(*args, **kwargs):
    _setup(*args, **kwargs)
    install()
django.setup = setup
atexit.register(lambda: open(os.environ["NFF_SQL_COUNTS"], "w").write(__import__("json").dumps(counts)))
'''


def ttc_labels():
    """Labels of the sample suite's TransactionTestCase classes that have fixtures."""
    script = (
        "import django, inspect, pkgutil, importlib; django.setup()\n"
        "from django.test import TestCase, TransactionTestCase\n"
        "labels = []\n"
        "for app in ('accounts', 'catalog', 'orders', 'support'):\n"
        "    package = importlib.import_module(app + '.tests')\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        module = importlib.import_module(f'{app}.tests.{info.name}')\n"
        "        for name, cls in inspect.getmembers(module, inspect.isclass):\n"
        "            if cls.__module__ == module.__name__ and issubclass(cls, TransactionTestCase) \\\n"
        "                    and not issubclass(cls, TestCase) and cls.fixtures:\n"
        "                labels.append(f'{module.__name__}.{name}')\n"
        "print(' '.join(labels))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run([sys.executable, "-c", script], cwd=SAMPLE_APP, env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def measure(command, backend, hook_dir):
    with tempfile.NamedTemporaryFile(suffix=".json") as counts_file:
        env = {**os.environ, "DB_BACKEND": backend, "DB_NAME": f"nffbench_{uuid.uuid4().hex[:8]}",
               "PYTHONPATH": os.pathsep.join([str(hook_dir), str(ROOT)]), "NFF_SQL_COUNTS": counts_file.name}
        done = subprocess.run(command, cwd=SAMPLE_APP, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed on {backend}:\n{done.stderr[-3000:]}")
        return json.loads(Path(counts_file.name).read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    args = parser.parse_args()
    labels = ttc_labels()
    nosetests = str(Path(sys.executable).parent / "nosetests")
    with tempfile.TemporaryDirectory() as hook_dir:
        Path(hook_dir, "sitecustomize.py").write_text(HOOK)
        print(f"{len(labels)} TransactionTestCase classes with fixtures\n")
        print(f"{'backend':<11} {'runner':<34} {'fixture SQL':>12} {'all SQL':>9} {'loaddata':>9}")
        for backend in args.backends.split(","):
            django = measure([sys.executable, "manage.py", "test", "--noinput", *labels], backend, hook_dir)
            ours = measure([nosetests, "--with-class-fixtures", *labels], backend, hook_dir)
            for name, counts in (("manage.py test", django), ("nosetests --with-class-fixtures", ours)):
                print(f"{backend:<11} {name:<34} {counts['fixture_sql']:>12,} {counts['all_sql']:>9,} "
                      f"{counts['loaddata']:>9}")
            print(f"{backend:<11} {'ratio (Django / ours)':<34} {django['fixture_sql'] / ours['fixture_sql']:>11.1f}x "
                  f"{django['all_sql'] / ours['all_sql']:>8.1f}x\n")


if __name__ == "__main__":
    main()
