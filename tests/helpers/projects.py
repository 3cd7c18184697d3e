"""Small Django projects written into a temporary directory for functional tests."""

import json
import textwrap
from pathlib import Path

SETTINGS = '''
import os

BACKEND = os.environ.get("DB_BACKEND", "sqlite")
NAME = os.environ.get("DB_NAME", "tiny")
ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgresql": "django.db.backends.postgresql",
           "mysql": "django.db.backends.mysql"}
PORTS = {"postgresql": "5432", "mysql": "3306"}
USERS = {"postgresql": "postgres", "mysql": "root"}


def database(name):
    if BACKEND == "sqlite":
        here = os.path.dirname(__file__)
        settings = {"ENGINE": ENGINES["sqlite"], "NAME": os.path.join(here, name + ".sqlite3")}
        if os.environ.get("DB_TEST_FILE"):  # a test database in a file rather than in memory
            settings["TEST"] = {"NAME": os.path.join(here, "testfile_" + name + ".sqlite3")}
        return settings
    return {"ENGINE": ENGINES[BACKEND], "NAME": name, "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DB_PORT", PORTS[BACKEND]), "USER": os.environ.get("DB_USER", USERS[BACKEND]),
            "PASSWORD": os.environ.get("DB_PASSWORD", "")}


SECRET_KEY = "tiny"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
DATABASES = {"default": database(NAME), "other": database(NAME + "_other")}
ROOT_URLCONF = "tinyproject.urls"
ALLOWED_HOSTS = ["*"]
MIDDLEWARE = []
STATIC_URL = "/static/"
'''

URLS = '''
from django.http import HttpResponse
from django.urls import path

from shop.models import Item


def add_item(request, name):
    Item.objects.create(name=name)
    return HttpResponse(str(Item.objects.count()))


urlpatterns = [path("add/<str:name>/", add_item)]
'''

MODELS = '''
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
'''

MIGRATION = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False)),
                    ("name", models.CharField(max_length=50))],
        ),
    ]
'''

MANAGE = '''
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinyproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''


def item_fixture(pks, name="item"):
    """The JSON fixture text of ``shop.Item`` rows with keys *pks*, named ``f"{name} {pk}"``."""
    return json.dumps([{"model": "shop.item", "pk": pk, "fields": {"name": f"{name} {pk}"}} for pk in pks])


def make_project(root, tests, setup_cfg="[nosetests]\nwith-django = 1\ndjango-settings = tinyproject.settings\n",
                 fixtures=None):
    """Write a project with one app ``shop`` (model Item) and *tests*: ``{"test_x.py": source}``.

    Test modules go into ``shop/tests/``; *fixtures* (``{"items.json": text}``) into
    ``shop/fixtures/``. Returns the project directory.
    """
    root = Path(root)
    files = {
        "manage.py": MANAGE,
        "setup.cfg": setup_cfg,
        "tinyproject/__init__.py": "",
        "tinyproject/settings.py": SETTINGS,
        "tinyproject/urls.py": URLS,
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": MIGRATION,
        "shop/tests/__init__.py": "",
    }
    files.update({f"shop/tests/{name}": source for name, source in tests.items()})
    files.update({f"shop/fixtures/{name}": text for name, text in (fixtures or {}).items()})
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root
