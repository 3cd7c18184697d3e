"""The run's fixture cache: found once, parsed once, forgotten when files change; createcachetable skipped."""

import json
import os
import subprocess
import sys
import textwrap

from tests.helpers.oracle import ROOT

SAMPLE_APP = ROOT / "sample_app"

SCRIPT = textwrap.dedent('''
    import json, os
    import django
    django.setup()
    from django.core import serializers
    from django.core.management.base import CommandError
    from django.core.management.commands import loaddata
    from nose_fastfixtures.database import fixture_cache

    cache = fixture_cache.install().cache

    def find(label):
        command = loaddata.Command()
        command.using, command.app_label, command.verbosity, command.format = "default", None, 0, None
        command.serialization_formats = serializers.get_public_serializer_formats()
        try:
            return sorted(os.path.basename(path) for path, _, _ in command.find_fixtures(label))
        except CommandError as exc:
            return str(exc)

    def write(names):
        with open("mine.json", "w") as out:
            json.dump([{"model": "catalog.tag", "pk": i, "fields": {"name": n}} for i, n in enumerate(names, 1)], out)

    def parse():
        with open("mine.json", "rb") as stream:
            return [d.object.name for d in serializers.deserialize("json", stream)]

    write(["a", "b"])
    seen = {"first": find("mine"), "again": find("mine"), "lookups": cache.lookups}
    open("mine.json.gz", "wb").close()  # a second candidate in the same folder: loaddata refuses
    seen["crowded"] = find("mine")
    os.unlink("mine.json.gz")
    seen["alone"] = find("mine")
    seen["parsed"] = [parse(), parse(), cache.parses]
    write(["a", "b", "c"])
    seen["edited"] = [parse(), cache.parses]
    print(json.dumps(seen))
''')


def test_found_and_parsed_once_until_the_files_change(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DB_BACKEND": "sqlite",
           "PYTHONPATH": f"{SAMPLE_APP}{os.pathsep}{ROOT}"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["first"] == seen["again"] == seen["alone"] == ["mine.json"]
    assert seen["lookups"] == 1
    assert "Multiple fixtures named 'mine'" in seen["crowded"]
    assert seen["parsed"] == [["a", "b"], ["a", "b"], 1]
    assert seen["edited"] == [["a", "b", "c"], 2]


def test_a_warm_start_runs_createcachetable_only_for_a_database_cache():
    script = textwrap.dedent('''
        from django.conf import settings
        settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                   "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                          "LOCATION": "t"}})
        import django
        django.setup()
        from nose_fastfixtures.database.reuse import _uses_database_cache
        with_db = _uses_database_cache()
        settings.CACHES.pop("db")
        print(with_db, _uses_database_cache())
    ''')
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True)
    assert done.stdout.split() == ["True", "False"], done.stderr
