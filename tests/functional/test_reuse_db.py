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
