"""``--global-fixtures`` and ``--fast-password-hasher``: every way to switch them on, what tests see."""

import pytest

from tests.helpers.backends import backend_env, drop_kept_databases
from tests.helpers.oracle import run_nose
from tests.helpers.projects import make_project

ITEMS = '[{"model": "shop.item", "pk": 1, "fields": {"name": "global one"}},' \
        ' {"model": "shop.item", "pk": 2, "fields": {"name": "global two"}}]'
MORE = '[{"model": "shop.item", "pk": 3, "fields": {"name": "class three"}}]'

TESTS = {"test_globals.py": '''
    from django.contrib.auth.hashers import identify_hasher, make_password
    from django.test import SimpleTestCase, TestCase, TransactionTestCase

    from shop.models import Item


    class ATestCaseSeesThem(TestCase):
        def test_count_and_next_pk(self):
            self.assertEqual(Item.objects.count(), 2)
            self.assertEqual(Item.objects.create(name="new").pk, 3)


    class BundledOnTop(TestCase):
        fixtures = ["more"]

        def test_count(self):
            self.assertEqual(sorted(Item.objects.values_list("pk", flat=True)), [1, 2, 3])


    class ATransactionTestCaseDeletesThem(TransactionTestCase):
        def test_delete(self):
            Item.objects.all().delete()
            self.assertEqual(Item.objects.count(), 0)


    class TheNextOneSeesThemAgain(TransactionTestCase):
        def test_count(self):
            self.assertEqual(Item.objects.count(), 2)


    class PerClassFixturesOnTop(TransactionTestCase):
        fixtures = ["more"]

        def test_one(self):
            Item.objects.filter(pk=1).delete()
            self.assertEqual(Item.objects.count(), 2)

        def test_two(self):
            self.assertEqual(Item.objects.count(), 3)


    class Hashing(SimpleTestCase):
        def test_new_passwords_hash_fast(self):
            self.assertEqual(identify_hasher(make_password("x")).algorithm, "md5")

        def test_old_hashes_still_check(self):
            from django.contrib.auth.hashers import check_password
            self.assertTrue(check_password("secret", "pbkdf2_sha256$1000$salt$"
                                           "qN+JnzxPIE2WfgrWPAkph8EAVeuwF7PZ0ordIY1Peq0="))
'''}
GLOBALS = "shop.tests.test_globals"
SEEING = [f"{GLOBALS}.{name}" for name in (
    "ATestCaseSeesThem.test_count_and_next_pk", "BundledOnTop.test_count",
    "ATransactionTestCaseDeletesThem.test_delete", "TheNextOneSeesThemAgain.test_count",
    "PerClassFixturesOnTop.test_one", "PerClassFixturesOnTop.test_two")]
FAST = f"{GLOBALS}.Hashing.test_new_passwords_hash_fast"
CFG = "[nosetests]\ndjango-settings = tinyproject.settings\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("globals"), TESTS, setup_cfg=CFG,
                        fixtures={"items.json": ITEMS, "more.json": MORE})


def run(root, args=(), env=None, cfg=None):
    (root / "nose.cfg").unlink(missing_ok=True)
    if cfg:
        (root / "nose.cfg").write_text(f"[nosetests]\n{cfg}\n")
    return run_nose(root, [*(["-c", str(root / "nose.cfg")] if cfg else []), "--with-django", *args],
                    {"DJANGO_SETTINGS_MODULE": "tinyproject.settings", "DB_NAME": "globals", **(env or {})})


def outcomes(done, names):
    return {name: done.outcomes.get(name) for name in names}


@pytest.mark.parametrize("args, env, cfg", [
    (("--global-fixtures=items", "--fast-password-hasher"), {}, None),
    ((), {"NOSE_GLOBAL_FIXTURES": "items", "NOSE_FAST_PASSWORD_HASHER": "1"}, None),
    ((), {}, "global-fixtures = items\nfast-password-hasher = 1"),
])
def test_every_way_to_switch_them_on(root, args, env, cfg):
    done = run(root, args, env, cfg)
    assert outcomes(done, [*SEEING, FAST]) == dict.fromkeys([*SEEING, FAST], "pass"), done.output


def test_off_by_default(root):
    done = run(root)
    assert done.outcomes[f"{GLOBALS}.ATestCaseSeesThem.test_count_and_next_pk"] == "fail"
    assert done.outcomes[f"{GLOBALS}.TheNextOneSeesThemAgain.test_count"] == "fail"
    assert done.outcomes[FAST] == "fail"
    assert done.outcomes[f"{GLOBALS}.Hashing.test_old_hashes_still_check"] == "pass"


def test_a_missing_fixture_is_a_usage_error(root):
    done = run(root, ["--global-fixtures=items,nope"])
    assert done.returncode == 2, done.output
    assert "--global-fixtures: No fixture named 'nope' found." in done.stderr
    assert "Traceback" not in done.output


def test_with_every_plugin_and_kept_databases(root, backend):
    env = backend_env(backend, "nffglob")
    plugins = ["--with-class-fixtures", "--with-fixture-bundling", "--global-fixtures=items"]
    try:
        for expected in ("created", "reused"):
            done = run(root, plugins, {**env, "REUSE_DB": "1"})
            assert f"reuse-db: default: {expected}" in done.stderr, done.output
            assert outcomes(done, SEEING) == dict.fromkeys(SEEING, "pass"), done.output
        done = run(root, ["--with-class-fixtures"], {**env, "REUSE_DB": "1"})
        assert "holds global fixtures this run does not load" in done.stderr, done.output
        assert done.outcomes[f"{GLOBALS}.ATestCaseSeesThem.test_count_and_next_pk"] == "fail"
    finally:
        drop_kept_databases(backend, env, root / "tinyproject")
