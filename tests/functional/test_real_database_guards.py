"""Settings that would make a run write to a real database are refused (found by ``make chaos``)."""

import sqlite3

import pytest

from tests.helpers.oracle import run_nose
from tests.helpers.projects import make_project

TESTS = {"test_one.py": '''
    from django.test import TestCase

    from shop.models import Item


    class OneTests(TestCase):
        def test_one(self):
            self.assertEqual(Item.objects.count(), 0)
'''}

TRICKS = '''

TRICK = os.environ.get("TINY_TRICK")
if TRICK == "test-name-is-another-alias-name":
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["other"]["NAME"]}
elif TRICK == "mirror-of-a-mirror":  # replica2 comes first: Django would point it at replica's real NAME
    DATABASES["replica2"] = {**DATABASES["other"], "TEST": {"MIRROR": "replica"}}
    DATABASES["replica"] = {**DATABASES["other"], "TEST": {"MIRROR": "default"}}
elif TRICK == "router-sends-writes-elsewhere":
    INSTALLED_APPS += ["trick"]
    DATABASE_ROUTERS = ["trick.ToOther"]
'''

TRICK_APP = '''
from django.db.models.signals import post_migrate


class ToOther:
    def db_for_write(self, model, **hints):
        return "other"


def write_without_naming_a_database(sender, **kwargs):
    if sender.label == "shop":
        from shop.models import Item

        Item.objects.create(name="from a receiver")


post_migrate.connect(write_without_naming_a_database)
'''


def project(directory):
    """The tiny project with the tricks, one chosen by the environment variable TINY_TRICK."""
    root = make_project(directory, TESTS)
    with open(root / "tinyproject/settings.py", "a") as settings:
        settings.write(TRICKS)
    (root / "trick").mkdir()
    (root / "trick/__init__.py").write_text(TRICK_APP)
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return project(tmp_path_factory.mktemp("guards"))


@pytest.mark.parametrize("trick, reuse, message", [
    ("test-name-is-another-alias-name", "0", "the test database of alias 'default' would be"),
    ("mirror-of-a-mirror", "1", "['TEST']['MIRROR'] names 'replica', itself a mirror of 'default'"),
    ("router-sends-writes-elsewhere", "0", "refused a write to the real database"),
])
def test_a_trick_is_refused_and_the_real_database_untouched(root, trick, reuse, message):
    real = root / "tinyproject" / "guards_other.sqlite3"
    real.unlink(missing_ok=True)
    with sqlite3.connect(real) as connection:
        connection.execute("CREATE TABLE shop_item (id integer primary key, name varchar(50))")
        connection.execute("INSERT INTO shop_item VALUES (1, 'real')")
    before = real.read_bytes()

    done = run_nose(root, ["--with-fixture-bundling", "--with-class-fixtures"],
                    {"DB_NAME": "guards", "TINY_TRICK": trick, "REUSE_DB": reuse})

    assert done.returncode == 2, done.output
    errors = [line for line in done.stderr.splitlines() if line.startswith("nose_fastfixtures: error:")]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert "Traceback" not in done.output
    assert real.read_bytes() == before
