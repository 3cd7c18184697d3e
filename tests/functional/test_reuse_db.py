"""``nosetests`` with reuse switched on and off every way: REUSE_DB, options, nose.cfg, bad values."""

import pytest

from tests.helpers.oracle import run_nose
from tests.helpers.projects import make_project

TESTS = {"test_one.py": '''
    from django.test import TestCase


    class OneTests(TestCase):
        def test_one(self):
            pass
'''}

CFG = "[nosetests]\ndjango-settings = tinyproject.settings\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("reuse_switches"), TESTS, setup_cfg=CFG)


def run(root, args=(), env=None, cfg=None):
    (root / "nose.cfg").unlink(missing_ok=True)
    if cfg:
        (root / "nose.cfg").write_text(f"[nosetests]\n{cfg}\n")
    return run_nose(root, ["-c", str(root / "nose.cfg"), *args] if cfg else list(args),
                    {"DJANGO_SETTINGS_MODULE": "tinyproject.settings", "DB_NAME": "switches", **(env or {})})


@pytest.mark.parametrize("args, env, cfg", [
    ((), {"REUSE_DB": "1"}, None),
    ((), {"REUSE_DB": "true"}, None),
    (("--with-reuse-db",), {}, None),
    ((), {"NOSE_WITH_REUSE_DB": "1"}, None),
    ((), {}, "reuse-db = 1"),
    (("--reuse-db=1",), {}, None),
])
def test_every_switch_turns_reuse_on_and_brings_django_along(root, args, env, cfg):
    done = run(root, args, env, cfg)
    assert done.returncode == 0, done.output
    assert "reuse-db: default:" in done.stderr
    assert done.outcomes == {"shop.tests.test_one.OneTests.test_one": "pass"}


@pytest.mark.parametrize("env", [{"REUSE_DB": "0"}, {"REUSE_DB": "false"}, {}])
def test_off_values(root, env):
    done = run(root, ["--with-django"], env)
    assert done.returncode == 0, done.output
    assert "reuse-db:" not in done.stderr


@pytest.mark.parametrize("args, env, cfg, message", [
    ((), {"REUSE_DB": "yes"}, None, "environment variable REUSE_DB: 'yes' is not a valid value"),
    (("--reuse-db=2",), {}, None, "option --reuse-db: '2' is not a valid value"),
    ((), {}, "reuse-db = maybe", "Error reading config file 'nose.cfg': option 'reuse-db': 'maybe' is not a valid"),
])
def test_bad_values_are_usage_errors(root, args, env, cfg, message):
    done = run(root, args, env, cfg)
    assert done.returncode == 2, done.output
    assert f"nose_fastfixtures: error: {message}" in done.stderr


def test_sqlite_kept_in_the_cache_folder_even_when_name_is_in_a_missing_folder(tmp_path):
    root = make_project(tmp_path, TESTS, setup_cfg=CFG)
    missing = tmp_path / "written on another machine" / "db.sqlite3"
    with open(root / "tinyproject" / "settings.py", "a") as settings:
        settings.write(f"\nDATABASES['default']['NAME'] = {str(missing)!r}\n")
    env = {"DJANGO_SETTINGS_MODULE": "tinyproject.settings", "REUSE_DB": "1"}
    cold, warm = run_nose(root, [], env), run_nose(root, [], env)
    assert cold.returncode == 0 and warm.returncode == 0, cold.output + warm.output
    assert "reuse-db: default: reused" in warm.stderr
    assert (root / ".nose_fastfixtures" / ".gitignore").exists()
    kept = sorted(path.name for path in (root / ".nose_fastfixtures").glob("test_*"))
    assert [name.split(".")[0] for name in kept] == ["test_db", "test_db"] and kept[1].endswith(".sqlite3.lock")
    assert not missing.parent.exists() and not list((root / "tinyproject").glob("test_*"))


def test_sqlite_test_name_in_a_missing_folder_is_one_line(tmp_path):
    root = make_project(tmp_path, TESTS, setup_cfg=CFG)
    with open(root / "tinyproject" / "settings.py", "a") as settings:
        settings.write("\nDATABASES['default']['TEST'] = {'NAME': '/nowhere-nff/test.sqlite3'}\n")
    run = run_nose(root, [], {"DJANGO_SETTINGS_MODULE": "tinyproject.settings", "REUSE_DB": "1"})
    assert run.returncode == 2, run.output
    assert run.stderr.splitlines()[-1] == (
        "nose_fastfixtures: error: reuse-db cannot keep '/nowhere-nff/test.sqlite3' for alias 'default': "
        "its folder does not exist; make it, or fix DATABASES['default']['TEST']['NAME']")


def test_a_run_without_reuse_says_it_replaces_a_kept_database(tmp_path, backend):
    from tests.helpers.backends import backend_env, drop_kept_databases

    root = make_project(tmp_path, TESTS, setup_cfg=CFG)
    env = {**backend_env(backend), "DJANGO_SETTINGS_MODULE": "tinyproject.settings"}
    try:
        assert run_nose(root, [], {**env, "REUSE_DB": "1"}).returncode == 0
        plain = run_nose(root, ["--with-django"], {**env, "REUSE_DB": "0"})
        assert plain.returncode == 0, plain.output
        again = run_nose(root, [], {**env, "REUSE_DB": "1"})
        if backend == "sqlite":  # its test database is in memory: the kept file is left alone
            assert "was kept by REUSE_DB=1" not in plain.stderr
            assert "reuse-db: default: reused" in again.stderr
        else:
            assert (f"reuse-db: default: test_{env['DB_NAME']} was kept by REUSE_DB=1; this run without it "
                    "replaces it and drops it at the end, and the next REUSE_DB=1 run makes it again") in plain.stderr
            assert "reuse-db: default: created" in again.stderr
    finally:
        drop_kept_databases(backend, env, root)
