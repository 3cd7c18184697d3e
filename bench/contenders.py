"""What the benchmark runs: the suites, the backends' settings and every contender's command."""

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PYTHON = Path(sys.executable)
BACKENDS = ("sqlite", "postgresql", "mysql")
DB_PREFIX = "nffbench"
# Our plugins, in the order the table lists them; the bench uses those `nosetests --plugins` shows.
OUR_PLUGINS = ("class-fixtures", "fixture-bundling", "reuse-db", "progressive")
WAGTAIL_ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgresql": "django.db.backends.postgresql",
                   "mysql": "django.db.backends.mysql"}
WAGTAIL_SERVERS = {"postgresql": ("127.0.0.1", "5432", "postgres"), "mysql": ("127.0.0.1", "3306", "root")}


@dataclass(frozen=True)
class Suite:
    """A test suite: where it runs, which labels, how a backend is chosen."""

    name: str
    kind: str  # "sample" or "wagtail"
    labels: tuple = ()

    def env(self, backend, slug):
        db_name = f"{DB_PREFIX}_{re.sub(r'[^a-z0-9]+', '_', slug).strip('_')}"
        if self.kind == "sample":
            return {"DB_BACKEND": backend, "DB_NAME": db_name}
        env = {"DJANGO_SETTINGS_MODULE": "wagtail.test.settings", "DATABASE_ENGINE": WAGTAIL_ENGINES[backend]}
        if backend != "sqlite":
            host, port, user = WAGTAIL_SERVERS[backend]
            # Wagtail's settings use DATABASE_NAME as the test database's name too.
            env.update(DATABASE_NAME=f"test_{db_name}", DATABASE_HOST=host, DATABASE_PORT=port,
                       DATABASE_USER=user, DATABASE_PASSWORD="")
        return env


# The default sample subset, small enough for 5 rounds of every contender on 3 backends in
# 30 minutes: TestCase and TransactionTestCase classes, shared fixture sets, both aliases.
SAMPLE_SUBSET = ("accounts.tests.test_customers", "orders.tests.test_checkout", "orders.tests.test_transactions",
                 "support.tests.test_archive")
# A Wagtail subset of one to three minutes under Django's runner on SQLite here.
WAGTAIL_SUBSET = ("wagtail.contrib.redirects", "wagtail.contrib.forms", "wagtail.sites", "wagtail.locales",
                  "wagtail.contrib.settings", "wagtail.contrib.search_promotions")
SUITES = {
    "sample": Suite("sample", "sample", SAMPLE_SUBSET),
    "sample-full": Suite("sample-full", "sample"),
    "wagtail": Suite("wagtail", "wagtail", WAGTAIL_SUBSET),
    "wagtail-full": Suite("wagtail-full", "wagtail", ("wagtail",)),
}


@dataclass(frozen=True)
class Contender:
    """One way of running a suite."""

    slug: str
    family: str  # "django" (the baseline's family), "pytest", "django-nose" or "ours"
    venv: str | None  # None: the project's .venv
    args: tuple  # after the runner's own command
    env: dict = field(default_factory=dict)
    warm: bool = False  # a priming run before the timed ones, so they find the kept database
    processes: int = 1
    kinds: tuple = ("sample", "wagtail")

    @property
    def ours(self):
        return self.family == "ours"


def command(contender, suite, python):
    """The argv that runs *suite* under *contender* with *python*."""
    if contender.family in ("django", "django-nose"):
        runner = ["manage.py"] if suite.kind == "sample" else ["-m", "django"]
        return [str(python), *runner, "test", "--noinput", *contender.args, *suite.labels]
    if contender.family == "pytest":
        return [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *contender.args,
                *pytest_paths(suite.labels)]
    return [str(python), "-m", "nose", "--with-django", *contender.args, *suite.labels]


def pytest_paths(labels):
    """Django's dotted labels as pytest paths: packages as folders, modules as files."""
    return [label.replace(".", "/") + ("" if _is_package_label(label) else ".py") for label in labels]


def _is_package_label(label):
    return label.count(".") < 2 and not label.split(".")[-1].startswith("test_")


def our_plugins(python=PROJECT_PYTHON):
    """Our plugins that this install has, from ``nosetests --plugins``."""
    listing = subprocess.run([str(python), "-m", "nose", "--plugins"], capture_output=True, text=True).stdout
    found = set(re.findall(r"^Plugin (\S+)$", listing, re.MULTILINE))
    return [name for name in OUR_PLUGINS if name in found]


def all_contenders(plugins):
    """Every contender, ours built from the *plugins* this install has."""
    contenders = [
        Contender("django", "django", None, ()),
        Contender("django --keepdb (warm)", "django", None, ("--keepdb",), warm=True, kinds=("sample",)),
        Contender("django --parallel 2", "django", None, ("--parallel", "2"), processes=2, kinds=("sample",)),
        Contender("pytest-django", "pytest", "pytest", (), kinds=("sample",)),
        Contender("pytest --reuse-db (warm)", "pytest", "pytest", ("--reuse-db",), warm=True, kinds=("sample",)),
        Contender("pytest -n 2 --dist loadscope", "pytest", "pytest", ("-n", "2", "--dist", "loadscope"),
                  processes=2, kinds=("sample",)),
        Contender("django-nose --with-fixture-bundling", "django-nose", "django-nose",
                  ("--testrunner=django_nose.NoseTestSuiteRunner", "--with-fixture-bundling"), kinds=("sample",)),
        Contender("django-nose REUSE_DB=1 (warm)", "django-nose", "django-nose",
                  ("--testrunner=django_nose.NoseTestSuiteRunner", "--with-fixture-bundling"),
                  env={"REUSE_DB": "1"}, warm=True, kinds=("sample",)),
        Contender("nosetests --with-django", "ours", None, ()),
    ]
    alone = [plugin for plugin in plugins if plugin != "reuse-db"]
    # On Wagtail (minutes a run) only Django's runner, plain nosetests and all plugins.
    for plugin in plugins:
        contenders.append(Contender(f"nosetests --with-{plugin}", "ours", None, (f"--with-{plugin}",),
                                    warm=plugin == "reuse-db", kinds=("sample",)))
    if len(plugins) > 1:
        flags = tuple(f"--with-{plugin}" for plugin in alone)
        contenders.append(Contender("nosetests all plugins", "ours", None, flags))
    if "reuse-db" in plugins and alone:
        flags = tuple(f"--with-{plugin}" for plugin in plugins)
        contenders.append(Contender("nosetests all + REUSE_DB=1 (warm)", "ours", None, flags,
                                    env={"REUSE_DB": "1"}, warm=True))
    return contenders


def select(contenders, wanted):
    """The contenders whose slug starts with one of the comma-separated *wanted* names (all if empty).

    Django's runner is always kept: every ratio and every fidelity check is against it.
    """
    if not wanted:
        return contenders
    prefixes = [name.strip() for name in wanted.split(",") if name.strip()]
    return [c for c in contenders if c.slug == "django" or any(c.slug.startswith(p) for p in prefixes)]
