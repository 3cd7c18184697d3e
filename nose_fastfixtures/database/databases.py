"""The test databases of a run: which aliases, creating them, guarding the others, destroying them.

This is the module that talks to Django's database layer.
"""

import gc
import unittest
import warnings
from contextlib import contextmanager

from django.db import DatabaseError, connections
from django.test import SimpleTestCase, TestCase
from django.test.runner import DiscoverRunner
from django.test.testcases import _DatabaseFailure

from nose_fastfixtures.database import safety
from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning.timeline import TIMELINE


def test_kind(case):
    """The Django runner's ordering group of a test case (see ordering.KINDS)."""
    if isinstance(case, TestCase):
        return "testcase"
    if isinstance(case, SimpleTestCase):
        return "simple"
    return "other"


def databases_for(cases, runner=None):
    """``{alias: serialized}`` for the tests about to run, decided as the runner's ``get_databases`` does.

    Tests that are not Django test cases (nose test functions and classes, plain
    unittest cases) get the ``default`` test database, as django-nose gave them,
    so they never reach a real database.
    """
    runner = runner or DiscoverRunner(verbosity=0, interactive=False)
    cases = list(cases)
    databases = runner.get_databases(unittest.TestSuite(
        case for case in cases if isinstance(case, SimpleTestCase)
    ))
    if any(not isinstance(case, SimpleTestCase) for case in cases):
        databases.setdefault("default", False)
    return databases


# connection.display_name needs a live connection on MySQL, so name vendors here.
_VENDOR_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "sqlite": "SQLite",
                 "oracle": "Oracle"}


def describe(alias):
    """'PostgreSQL at 127.0.0.1:5432' for an alias, for error messages."""
    connection = connections[alias]
    settings = connection.settings_dict
    where = settings.get("HOST") or "localhost"
    if settings.get("PORT"):
        where = f"{where}:{settings['PORT']}"
    if connection.vendor == "sqlite":
        where = settings.get("NAME") or "memory"
    return f"{_VENDOR_NAMES.get(connection.vendor, connection.vendor)} database of alias {alias!r} ({where})"


def _connect_bare(connection):
    """Connect to *connection*'s server, no database named, with the driver alone, and close.

    On MySQL Django's connect() adds two statements (its server version query, the
    isolation level) that a reachability check does not need.
    """
    nodb = type(connection)({**connection.settings_dict, "NAME": None}, alias=connection.alias)
    with nodb.wrap_database_errors:
        nodb.get_new_connection(nodb.get_connection_params()).close()


def check_reachable(aliases):
    """Connect to each server once, so an unreachable one is one clear error before any setup."""
    for alias in aliases:
        connection = connections[alias]
        if connection.vendor == "sqlite":
            continue
        try:
            if connection.vendor == "mysql":
                _connect_bare(connection)
                continue
            with warnings.catch_warnings():  # PostgreSQL's "unable to connect to 'postgres'"
                warnings.simplefilter("ignore", RuntimeWarning)
                with connection._nodb_cursor():
                    pass
        except DatabaseError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(
                f"cannot reach the {describe(alias)}: {first_line}; "
                f"start the server or fix DATABASES[{alias!r}] in the settings"
            ) from exc


# Full collections allowed while the test databases are made: one per this many
# collections of the middle generation (Python's default is 10).
_MIGRATION_GEN2_THRESHOLD = 100


@contextmanager
def fewer_full_collections():
    """Cheaper and fewer full garbage collections while migrations run; as before afterwards.

    Migrating renders thousands of model classes, cyclic garbage that keeps
    triggering full collections, and each one scans every object the imports and
    ``django.setup()`` made (Wagtail's 280 migrations: about a third of the run's CPU
    time went to the collector). Those objects are frozen out of the collector's way
    and full collections are made rarer; at the end the thresholds are restored and
    the objects unfrozen, so the tests run with the collector as Django's runner
    leaves it. Only when and how much memory is reclaimed changes, never what a
    migration or a test does.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], _MIGRATION_GEN2_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class TestDatabases:
    """The test databases of one run: created by ``setup``, destroyed by ``teardown``."""

    def __init__(self, verbosity=1, reuse=False, global_fixtures=None, runner=None, spare_connections=False):
        # The project's TEST_RUNNER (harness.project_runner), or Django's own.
        self.runner = runner or DiscoverRunner(verbosity=verbosity, interactive=False)
        self.project_config = None  # what the runner's setup_databases returned
        self.reuse = reuse  # keep the databases between runs (nose_fastfixtures.database.reuse)
        self.global_fixtures = global_fixtures  # a GlobalFixtures, or None
        self.old_config = None
        self.guarded = []
        self.undo_reloads = None
        self.write_guard = None
        self.aliases = ()
        self.clones = 0        # workers with a clone of every test database (parallel runs)
        self.worker_clones = []  # in a worker: its kept clones, finished at its end
        self.spare_connections = spare_connections  # open Django's next connections ahead
        self.spares = None       # database.spare_connections, while tests run

    def setup(self, databases):
        """Create the test database of every alias in *databases* and run the system checks."""
        from django.core.management.base import SystemCheckError

        from nose_fastfixtures.database import runner_hooks

        check_reachable(databases)
        safety.check_settings(connections, databases)
        self.write_guard = safety.WriteGuard(connections)
        self.write_guard.install()
        self.aliases = tuple(databases)
        serialized = {alias for alias, serialize in databases.items() if serialize}
        try:
            with TIMELINE.span("db-setup"), fewer_full_collections():
                try:
                    self.project_config, ours_ran = runner_hooks.setup_databases(
                        self.runner, self._setup_ours, databases, serialized)
                except Exception as exc:
                    if not self._rebuild_after(exc):
                        raise
                    self.project_config, ours_ran = runner_hooks.setup_databases(
                        self.runner, self._setup_ours, databases, serialized)
                if ours_ran and self.reuse and runner_hooks.overrides(self.runner, "setup_databases"):
                    from nose_fastfixtures.database import reuse

                    reuse.note_project_setup(self.old_config, self.runner.verbosity)
        except DatabaseError as exc:
            if self.old_config is not None:  # made: what failed is the runner's own work after super()
                raise ConfigError(f"the TEST_RUNNER's setup_databases failed after the test databases were made"
                                  f"{runner_hooks.where(exc, type(self.runner))}: {exc}") from exc
            raise ConfigError(f"could not create the test databases: {exc}") from exc
        if self.global_fixtures:
            self.undo_reloads = self.global_fixtures.reload_after_flushes()
        self.guard_unused(set(self.aliases))  # the runner may have added aliases to get_databases' choice
        try:
            with TIMELINE.span("checks"):
                self.runner.run_checks(databases)
        except SystemCheckError as exc:
            raise ConfigError(f"Django's system checks failed:\n{exc}") from exc

    def _setup_ours(self, databases, serialized, **django_kwargs):
        """In place of Django's database creation, inside the runner's ``setup_databases``.

        *databases*: what the runner passed on (``get_databases``' choice, unless the
        runner changed it); *django_kwargs*: what DiscoverRunner gives Django's function.
        """
        from nose_fastfixtures.database import reuse, runner_hooks

        if databases is None:  # Django's meaning: every alias
            databases = {alias: False for alias in connections}
        new = [alias for alias in databases if alias not in self.aliases]
        if new:
            check_reachable(new)
            safety.check_settings(connections, databases)
            self.aliases += tuple(new)
        if self.reuse:
            self.old_config = reuse.setup_databases(databases, serialized, self.runner.verbosity,
                                                    self.global_fixtures, project_setup=self._project_setup())
            if runner_hooks.overrides(self.runner, "setup_databases"):
                reuse.note_fresh_relations(self.old_config)
        else:
            reuse.say_if_kept_databases_go(databases, self.runner.verbosity)
            self.old_config = self._setup_django_databases(databases, serialized, django_kwargs)
            self._load_global_fixtures(databases)
        return self.old_config

    def _rebuild_after(self, exc):
        """The runner's ``setup_databases`` failed on reused kept databases: mark them, True to
        set up again on rebuilt ones (what it made there on an earlier run, an index or a
        trigger that cannot be dropped with the rest, may be in its way; on Django's new
        test database it never is). False: the failure is the run's."""
        from nose_fastfixtures.database import reuse

        if not (self.reuse and self.old_config and reuse.reused_any(self.old_config)):
            return False
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        reason = f"the TEST_RUNNER's setup_databases failed on it ({type(exc).__name__}: {first})"
        old_config, self.old_config = self.old_config, None
        reuse.abandon(old_config, reason)
        if self.runner.verbosity >= 1:
            reuse.log(f"reuse-db: {reason}; rebuilding")
        return True

    def _project_setup(self):
        """What identifies the runner's own ``setup_databases`` (its source), for the kept schema's fingerprint."""
        from nose_fastfixtures.database import runner_hooks

        if not runner_hooks.overrides(self.runner, "setup_databases"):
            return None
        return runner_hooks.source_digest(type(self.runner))

    def _setup_django_databases(self, databases, serialized, django_kwargs=None):
        """Django's ``setup_databases``; stopped half-way (Ctrl-C, a write the guard refused
        during a migration, a failing migration), it destroys what it had made.

        Django points an alias at its test database as soon as it exists, so an alias
        whose NAME changed has one, made by this run, to drop. (Django's runner leaves
        it, and its next run asks whether to destroy it.)
        """
        from django.test.utils import setup_databases

        names = {alias: connections[alias].settings_dict["NAME"] for alias in connections}
        kwargs = {key: value for key, value in (django_kwargs or {}).items() if key in ("time_keeper", "debug_sql")}
        try:
            # Never Django's keepdb (REUSE_DB is ours) nor its clones (made after the
            # runner's whole set-up, in clone_for_workers).
            return setup_databases(self.runner.verbosity, False, keepdb=False, parallel=0, aliases=databases,
                                   serialized_aliases=serialized, **kwargs)
        except BaseException:
            dropped = set()
            for alias, name in names.items():
                connection = connections[alias]
                test_name = connection.settings_dict["NAME"]
                if test_name == name or test_name in dropped or connection.settings_dict["TEST"].get("MIRROR"):
                    continue  # none made, or another alias's (a mirror, the same database)
                dropped.add(test_name)
                try:
                    connection.creation.destroy_test_db(name, self.runner.verbosity)
                except DatabaseError:
                    pass
            raise

    def _load_global_fixtures(self, databases):
        """Into each test database once (mirrors see their primary's)."""
        from django.test.utils import get_unique_databases_and_mirrors

        if self.global_fixtures:
            for _, aliases in get_unique_databases_and_mirrors(databases)[0].values():
                self.global_fixtures.load(aliases[0])

    def guard_unused(self, used):
        """Refuse queries to aliases whose test database was not created.

        Their connections still point at the real databases; a test that reaches
        one gets an error, as a SimpleTestCase would, instead of touching real data.
        """
        for alias in connections:
            if alias in used:
                continue
            connection = connections[alias]
            for name, operation in SimpleTestCase._disallowed_connection_methods:
                message = (
                    f"Database {operation} to {alias!r} are not allowed: no test in this run "
                    f"lists {alias!r} in its databases, so no test database was created for it."
                )
                original = getattr(connection, name)
                setattr(connection, name, _DatabaseFailure(original, message))
                self.guarded.append((connection, name, original))

    def start_spares(self):
        """From now until teardown, a closed connection's successor is opened ahead (spare_connections).

        Called where tests are about to run on these databases: in a serial run after
        ``setup``, in a worker after ``use_worker_clone`` (never while clones are made:
        PostgreSQL copies no database that has sessions)."""
        from nose_fastfixtures.database.spare_connections import SpareConnections

        if self.spare_connections and self.spares is None:
            self.spares = SpareConnections()
            self.spares.start(connections, self.aliases)

    def stop_spares(self):
        if self.spares is not None:
            spares, self.spares = self.spares, None
            spares.stop()

    def clone_for_workers(self, count):
        """One clone of every test database for each of *count* workers, with Django's cloning.

        Called in the parent after ``setup`` (the project's own set-up included), before
        the workers start. Under reuse the clones are kept, and reused while they match
        the kept database. Server connections are closed: forked workers must not share one.
        """
        if self.old_config is None:
            raise ConfigError(f"the TEST_RUNNER's setup_databases did not call DiscoverRunner.setup_databases: "
                              f"its databases cannot be cloned for {count} workers; pass --processes=1")
        verbosity = self.runner.verbosity
        self.clones = count  # teardown drops whatever was made, also after a failure here
        try:
            with TIMELINE.span("db-clone"):
                if self.reuse:
                    from nose_fastfixtures.database import reuse_clones

                    reuse_clones.clone_for_workers(self.old_config, count, verbosity)
                else:
                    for connection, _old_name, first in self.old_config:
                        for number in range(1, count + 1):
                            if first:
                                connection.creation.clone_test_db(suffix=str(number), verbosity=verbosity)
        except (DatabaseError, OSError) as exc:  # OSError: MySQL's cloning runs mysqldump
            raise ConfigError(f"could not clone the test databases for {count} workers: {exc}; "
                              f"pass --processes=1 to run without clones") from exc
        connections.close_all()  # an in-memory SQLite database stays open, and forks with the worker

    def use_worker_clone(self, number):
        """In worker *number*: every alias the tests use on that worker's clone (Django's ``_init_worker``)."""
        for alias in self.aliases:
            connections[alias].creation.setup_worker_connection(number)
        if self.reuse:
            from nose_fastfixtures.database import reuse_clones

            self.worker_clones = reuse_clones.start_worker(self.old_config, number, self.runner.verbosity)

    def finish_worker_clone(self):
        """In a worker, at its end: its kept clones left as fresh as the kept database."""
        self.stop_spares()
        if self.worker_clones:
            from nose_fastfixtures.database import reuse_clones

            clones, self.worker_clones = self.worker_clones, []
            with TIMELINE.span("freshness", "clones"):
                reuse_clones.finish_worker(clones)

    def _teardown_ours(self):
        """In place of Django's database destruction, inside the runner's ``teardown_databases``."""
        from django.test.utils import teardown_databases

        if self.old_config is None:
            return
        old_config, self.old_config = self.old_config, None
        parallel = self._drop_clones(old_config)
        if self.reuse:
            from nose_fastfixtures.database import reuse

            # The tests ran on the clones: the kept database has nothing to put back
            # (unless the runner's setup_databases added to it).
            reuse.teardown_databases(old_config, untouched=parallel)
        else:
            teardown_databases(old_config, verbosity=self.runner.verbosity, parallel=0, keepdb=False)

    def _drop_clones(self, old_config):
        """Drop the workers' clones, unless reuse keeps them; True if there were clones."""
        count, self.clones = self.clones, 0
        if self.reuse:
            return bool(count)
        for connection, _old_name, first in old_config:
            for number in range(1, count + 1):
                if first:
                    try:
                        connection.creation.destroy_test_db(suffix=str(number), verbosity=self.runner.verbosity)
                    except DatabaseError:
                        pass  # never made: cloning stopped before it
        return bool(count)

    def teardown(self):
        self.stop_spares()
        if self.undo_reloads is not None:
            self.undo_reloads()
            self.undo_reloads = None
        for connection, name, original in reversed(self.guarded):
            setattr(connection, name, original)
        self.guarded = []
        if self.old_config is not None or self.project_config is not None:
            from nose_fastfixtures.database import runner_hooks

            project_config, self.project_config = self.project_config, None
            with TIMELINE.span("db-teardown"):
                if self.old_config is None:  # the runner made its databases without Django's set-up
                    self.runner.teardown_databases(project_config)
                else:
                    try:
                        runner_hooks.teardown_databases(self.runner, self._teardown_ours, project_config)
                    finally:
                        self._teardown_ours()  # a runner that never called super(): ours go all the same
        if self.write_guard is not None:
            self.write_guard.uninstall()
            self.write_guard = None
