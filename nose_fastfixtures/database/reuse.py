"""Kept test databases: their fingerprint and run marker, the lock between runs, reuse or rebuild.

The Django glue of ``--with-reuse-db``; the decisions are made by the pure
``fingerprint`` module. State lives in a small table inside each kept database
(``reuse_state.TABLE``), so it moves, and disappears, with the database it describes.
"""

import importlib.util
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

from nose_fastfixtures.database.reuse_locks import FileLock, ServerLock
from nose_fastfixtures.database.reuse_state import (
    TABLE,
    copy_fresh_rows,
    drop_relations,
    relations,
    restorable,
    restore_rows,
    restore_sequences,
    table_digests,
    write_entries,
)
from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning import fingerprint
from nose_fastfixtures.planning.timeline import TIMELINE


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


# --- What the schema is made of: read fast, without importing migration modules ---

def _migrations_dir(module_name):
    """The directory of a migrations package, or None when Django would call the app unmigrated."""
    if module_name is None:
        return None
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin in (None, "namespace"):
        return None
    locations = spec.submodule_search_locations
    return locations[0] if isinstance(locations, list) and locations else None


def hash_migration_dir(directory):
    """``{migration_name: digest}`` of the files Django would load from *directory*."""
    found = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if name.endswith(".py") and name[0] not in "_~" and entry.is_file():
                with open(entry.path, "rb") as source:
                    found[name[:-3]] = fingerprint.digest(source.read())
    return found


def migration_files():
    """``({app_label: {name: digest}}, [labels of apps without migrations])``."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    migrated, unmigrated = {}, []
    for app_config in apps.get_app_configs():
        directory = _migrations_dir(MigrationLoader.migrations_module(app_config.label)[0])
        if directory is None:
            unmigrated.append(app_config.label)
        else:
            migrated[app_config.label] = hash_migration_dir(directory)
    return migrated, unmigrated


def _describe_model(model):
    meta = model._meta
    return {
        "label": meta.label, "table": meta.db_table, "managed": meta.managed, "proxy": meta.proxy,
        "fields": [field.deconstruct() for field in meta.local_fields + meta.local_many_to_many],
        "unique_together": meta.unique_together,
        "indexes": [index.deconstruct() for index in meta.indexes],
        "constraints": [constraint.deconstruct() for constraint in meta.constraints],
    }


def describe_models(labels):
    """``{app_label: text}`` describing the tables *labels*' models make without migrations."""
    from django.apps import apps

    return {
        label: fingerprint.canonical([
            _describe_model(model)
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ])
        for label in labels
    }


class SchemaInputs:
    """What every alias's fingerprint is computed from, read once per run (global fixtures too)."""

    def __init__(self, global_fixtures=None, project_setup=None):
        import django
        from django.apps import apps
        from django.conf import settings

        self.django_version = django.get_version()
        self.routers = [router if isinstance(router, str) else repr(router)
                        for router in settings.DATABASE_ROUTERS]
        self.migrations, unmigrated = migration_files()
        self.unmigrated = describe_models(unmigrated)
        self._all_labels = [app.label for app in apps.get_app_configs()]
        self.global_fixtures = global_fixtures  # a GlobalFixtures, or None
        self.project_setup = project_setup  # the digest of the TEST_RUNNER's own setup_databases, or None

    def fingerprint(self, settings_dict):
        if settings_dict.get("TEST", {}).get("MIGRATE") is False:
            # Django then makes every app's tables from its models.
            migrations, unmigrated = {}, describe_models(self._all_labels)
        else:
            migrations, unmigrated = self.migrations, self.unmigrated
        return fingerprint.compute(self.django_version, settings_dict, self.routers, migrations, unmigrated,
                                   self.global_fixtures.identity if self.global_fixtures else None,
                                   project_setup=self.project_setup)


def _uses_database_cache():
    """Whether a cache in CACHES keeps its entries in a database table (createcachetable's work)."""
    from django.conf import settings
    from django.core.cache.backends.db import BaseDatabaseCache
    from django.utils.module_loading import import_string

    for cache in settings.CACHES.values():
        try:
            backend = import_string(cache["BACKEND"])
        except ImportError:
            return True  # let the command say what is wrong
        if isinstance(backend, type) and issubclass(backend, BaseDatabaseCache):
            return True
    return False


def _sqlite_read_only(path):
    import sqlite3  # not at the top: a run on PostgreSQL or MySQL needs none (1-2 ms)

    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def _copy_prefix(path):
    """Temporary copies of *path* are named after it, so that each run only clears its own."""
    return f".{os.path.basename(path)}.reuse-"


def _save_sqlite(source, path):
    """Copy the sqlite3 connection *source* into the file *path*, atomically (never a partial file)."""
    directory = os.path.dirname(os.path.abspath(path))
    import sqlite3

    fd, temporary = tempfile.mkstemp(prefix=_copy_prefix(path), suffix=".sqlite3", dir=directory)
    os.close(fd)
    try:
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)
        finally:
            target.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as sqlite3 would create it, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def remove_stale_copies(path):
    """Remove the half-written copies of *path* a killed run left (call it holding the file's lock)."""
    directory = os.path.dirname(os.path.abspath(path))
    prefix = _copy_prefix(path)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(prefix):  # the copy and its -journal
            try:
                os.unlink(os.path.join(directory, name))
            except FileNotFoundError:
                pass


def keep_file_for(settings_dict, project_dir):
    """Where an in-memory SQLite test database is kept between runs; None if NAME is in memory too.

    In the project's cache folder (``.nose_fastfixtures/``, never committed), not next to
    NAME: that is often the project folder, and shared settings may name a folder that
    does not exist here (Django's in-memory test database never needs it). The file is
    named after NAME, with a digest of its full path, so two aliases never share one.
    """
    from nose_fastfixtures.harness.cache_dir import cache_dir

    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    path = Path(name)
    tag = fingerprint.digest(os.path.abspath(name))[:8]
    return str(cache_dir(project_dir) / f"test_{path.stem}.{tag}{path.suffix or '.sqlite3'}")


def _same_database(connection, name, other):
    if connection.vendor != other.vendor:
        return False
    if connection.vendor == "sqlite":
        return os.path.abspath(str(name)) == os.path.abspath(str(other.settings_dict.get("NAME") or ""))
    mine, theirs = connection.settings_dict, other.settings_dict
    return (str(name) == str(theirs.get("NAME")) and mine.get("HOST") == theirs.get("HOST")
            and str(mine.get("PORT")) == str(theirs.get("PORT")))


def check_is_test_name(connection, target):
    """Refuse *target* if it is the (real) NAME of any alias: reuse writes only into test databases."""
    from django.db import connections

    for alias in connections:
        if _same_database(connection, target, connections[alias]):
            raise ConfigError(
                f"reuse-db refuses to keep {target!r} for alias {connection.alias!r}: it is the NAME of "
                f"alias {alias!r}, not a test database; give DATABASES[{connection.alias!r}]['TEST']['NAME'] "
                f"a name of its own, or run without REUSE_DB"
            )


class KeptDatabase:
    """The kept test database of one alias: lock, decide, create/reuse/migrate/rebuild, finish."""

    def __init__(self, connection, verbosity):
        self.connection = connection
        self.alias = connection.alias
        self.verbosity = verbosity
        self.original_name = connection.settings_dict["NAME"]
        self.test_name = connection.creation._get_test_db_name()
        self.vendor = connection.vendor
        self.in_memory = self.vendor == "sqlite" and connection.creation.is_in_memory_db(self.test_name)
        self.keep_path = keep_file_for(connection.settings_dict, os.getcwd()) if self.in_memory else None
        self.target = self.keep_path or self.test_name
        self.decision = None
        self.fingerprint = None  # today's schema fingerprint, once prepared
        self.fresh = None
        self.copies = {}
        self.state_table_known = False  # read or written by this run: no CREATE TABLE IF NOT EXISTS
        self.lock = None
        self.relations_before = None  # {name: kind} when ours was done, if the TEST_RUNNER adds to it
        self.fresh_relations = None  # {name: kind} of the fresh state, as recorded (None: not recorded)
        self.created_by_project = []  # the tables and views the TEST_RUNNER's setup_databases made
        self.changed_by_project = []  # what the TEST_RUNNER's setup_databases changed after ours

    @property
    def keepable(self):
        return not self.in_memory or self.keep_path is not None

    def check_safe(self):
        check_is_test_name(self.connection, self.target)

    # -- locking
    def acquire(self):
        if self.vendor == "sqlite" and not os.path.isdir(os.path.dirname(os.path.abspath(self.target))):
            raise ConfigError(
                f"reuse-db cannot keep {self.target!r} for alias {self.alias!r}: its folder does not exist; "
                f"make it, or fix DATABASES[{self.alias!r}]['TEST']['NAME']")
        self.lock = FileLock(self.target) if self.vendor == "sqlite" else ServerLock(self.connection, self.target)
        if not self.lock.acquire(wait=False):
            log(f"reuse-db: {self.alias}: another run is using {self.target}; waiting for it to finish...")
            self.lock.acquire(wait=True)

    def release(self):
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # -- reading the kept state
    def read_state(self, name=None):
        """The stored entries (``{}`` if the database exists without them), or None if there is no database.

        *name*: another database of the same server or folder (a worker's clone).
        """
        from django.db import DatabaseError

        if self.vendor == "sqlite":
            import sqlite3

            path = name or self.target
            if not os.path.exists(path) or os.path.getsize(path) == 0:
                return None
            try:
                reader = _sqlite_read_only(path)
                try:
                    rows = reader.execute(f"SELECT entry, content FROM {TABLE}").fetchall()
                finally:
                    reader.close()
            except sqlite3.Error:
                return {}
            return {entry: json.loads(content) for entry, content in rows}
        if name is None and self.connection.settings_dict["NAME"] == self.test_name:
            reader = self.connection  # pointed at it already: no connection of its own
        else:
            settings_dict = self.connection.settings_dict
            reader = type(self.connection)({**settings_dict, "NAME": name or self.test_name,
                                            "OPTIONS": dict(settings_dict.get("OPTIONS", {}))},
                                           alias=self.alias)
        try:
            try:
                reader.ensure_connection()
            except DatabaseError:
                return None
            try:
                with reader.cursor() as cursor:
                    cursor.execute(f"SELECT entry, content FROM {TABLE}")
                    rows = cursor.fetchall()
            except DatabaseError:
                return {}
        finally:
            if reader is not self.connection:
                reader.close()
        return {entry: json.loads(content) for entry, content in rows}

    # -- acting
    def _point_at(self, name):
        from django.conf import settings

        self.connection.close()
        settings.DATABASES[self.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name

    def _forget_memory(self):
        """Really close an in-memory database (Django's close() keeps it alive), so it starts empty."""
        from django.db.backends.base.base import BaseDatabaseWrapper

        if self.in_memory:
            BaseDatabaseWrapper.close(self.connection)

    def _load_memory(self):
        self.connection.ensure_connection()
        source = _sqlite_read_only(self.keep_path)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()

    def _create(self, existing):
        from django.db import DatabaseError

        self._point_at(self.original_name)  # Django derives the test name from the real NAME
        self.state_table_known = False  # a new database
        if existing and self.vendor != "sqlite":
            self.check_safe()
            try:  # dropped first: Django would say "Got an error creating the test database"
                self.connection.creation._destroy_test_db(self.test_name, self.verbosity)
            except DatabaseError:
                pass  # create_test_db drops it itself
        self.connection.creation.create_test_db(
            verbosity=self.verbosity, autoclobber=True, serialize=False, keepdb=False)

    def _drop_half_made(self):
        """Drop the test database this run began to make and never recorded as fresh
        (a refused write during its migration, Ctrl-C): no half-made database is kept."""
        from django.db import DatabaseError

        if self.in_memory:
            self._forget_memory()  # the keep file is written only once the database is fresh
            return
        if self.connection.settings_dict["NAME"] != self.test_name:
            return  # creation stopped before Django pointed the alias at it: nothing was made
        self._point_at(self.original_name)
        self.check_safe()  # as prepare() checked it: never a real database
        try:
            self.connection.creation._destroy_test_db(self.test_name, self.verbosity)
        except DatabaseError:
            pass  # its marker stays: the next run rebuilds it

    def _migrate(self):
        from django.core.management import call_command

        self._point_at(self.test_name)
        if self.in_memory:
            self._load_memory()
        else:
            self._write({"marker": self._running_marker()})  # a kill mid-migrate means: rebuild
        call_command("migrate", verbosity=max(self.verbosity - 1, 0), interactive=False,
                     database=self.alias, run_syncdb=True)

    def _reuse(self):
        from django.core.management import call_command

        if self.in_memory or self.connection.settings_dict["NAME"] != self.test_name:
            self._point_at(self.test_name)
        if self.in_memory:
            self._load_memory()
        if _uses_database_cache():  # else the command would do nothing (it costs a warm start's time)
            call_command("createcachetable", database=self.alias)
        self.connection.ensure_connection()

    def _write(self, entries):
        assert self.connection.settings_dict["NAME"] == self.test_name, "reuse-db writes only test databases"
        with self.connection.cursor() as cursor:
            write_entries(cursor, self.vendor, entries, create=not self.state_table_known)
        self.state_table_known = not self.in_memory  # an in-memory one starts empty again

    def _running_marker(self):
        return {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%d %H:%M:%S")}

    def _record_fresh(self, new_fingerprint, global_fixtures=None):
        if global_fixtures:
            global_fixtures.load(self.alias)  # the fresh state holds them: warm runs load nothing
        if self.in_memory:
            self._write({"fingerprint": new_fingerprint})
            _save_sqlite(self.connection.connection, self.keep_path)
            return
        self.fresh = table_digests(self.connection)
        self.copies = copy_fresh_rows(self.connection)
        self.fresh_relations = relations(self.connection)
        self._write({"fingerprint": new_fingerprint, "fresh": self.fresh, "copies": self.copies,
                     "relations": self.fresh_relations, "marker": self._running_marker()})

    def prepare(self, inputs):
        """Bring the kept database to the freshly migrated state of today's schema; print one line."""
        from nose_fastfixtures.planning.fingerprint import CREATE, MIGRATE, REBUILD, REUSE, Decision

        self.check_safe()
        if self.in_memory:
            remove_stale_copies(self.keep_path)  # a run killed while saving it
        new = self.fingerprint = inputs.fingerprint(self.connection.settings_dict)
        if not self.in_memory and self.vendor != "sqlite":
            self._point_at(self.test_name)  # read through the connection a reuse goes on with
        stored = self.read_state()
        self.state_table_known = bool(stored) and not self.in_memory
        decision = fingerprint.classify(None if stored is None else stored.get("fingerprint"), new)
        if stored is not None and "fingerprint" not in stored:
            decision = Decision(REBUILD, "it exists but holds no reuse-db fingerprint")
        decision = fingerprint.after_interrupted(decision, (stored or {}).get("marker"))
        globals_ = inputs.global_fixtures
        if decision.action == MIGRATE:
            try:
                self._migrate()
                self._record_fresh(new, globals_)
            except Exception as exc:  # e.g. a new migration that must run before applied ones
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                decision = Decision(REBUILD, f"applying {fingerprint.names(decision.new_migrations)} "
                                             f"failed: {first}")
                self._forget_memory()
        if decision.action == REUSE:
            self._reuse()
            if globals_:
                globals_.note_present(self.alias)  # part of its fresh state
            if not self.in_memory:
                self.fresh = stored.get("fresh") or {}
                self.copies = stored.get("copies") or {}
                self.fresh_relations = stored.get("relations")  # what the last run's end verified
                self._write({"marker": self._running_marker()})
        elif decision.action in (CREATE, REBUILD):
            try:
                self._create(existing=stored is not None)
                self._record_fresh(new, globals_)
            except BaseException:
                self._drop_half_made()
                raise
        self.decision = decision
        if self.verbosity >= 1:
            log(fingerprint.summary(self.alias, self.target, decision))

    def finish(self, untouched=False):
        """Put back what the run changed (rows, sequences); mark the database clean only if that worked.

        *untouched*: no test ran on it (a parallel run's tests ran on the workers' clones).
        """
        from django.db import DatabaseError

        try:
            if self.in_memory or self.fresh is None:
                return
            if self.connection.settings_dict["NAME"] != self.test_name or self.connection.in_atomic_block:
                return  # the marker stays: the next run rebuilds
            untouched = untouched and not self.changed_by_project
            try:
                with TIMELINE.span("freshness", self.alias):
                    changed = [] if untouched else self._restore()
                self._write({"marker": {"changed": changed} if changed else None})
            except DatabaseError as exc:
                if self.verbosity >= 2:
                    log(f"reuse-db: {self.alias}: could not restore {self.test_name} ({exc}); "
                        f"the next run rebuilds it")
        finally:
            self._point_at(self.original_name)
            self.release()

    def _restore(self):
        if self.created_by_project:
            drop_relations(self.connection, self.created_by_project)
        expected = [name for name in self.changed_by_project if name in self.fresh]  # not the dropped ones
        return restore_fresh(self.connection, self.fresh, self.copies, self.verbosity, expected)


def restore_fresh(connection, fresh, copies, verbosity, expected=()):
    """Restore *connection*'s rows and sequences and verify them against the fresh digests;
    returns what still differs.

    *expected*: tables known to differ already (what the TEST_RUNNER's setup_databases
    changed): their rows are put back first, so that the sequences are set, and every
    table read, once (on MySQL each ``ALTER TABLE ... AUTO_INCREMENT`` costs milliseconds).
    """
    # The sequences just set are not read again: setval sets exactly, and MySQL's
    # AUTO_INCREMENT takes the value when the rows are as fresh (else they are restored,
    # and everything is read again below). On MySQL that read is the slow part.
    first = restorable(expected, fresh) or []
    if first:
        restore_rows(connection, first, copies)
    sequences = restore_sequences(connection, fresh)
    changed = fingerprint.changed_tables(fresh, table_digests(connection, sequences))
    tables = restorable(changed, fresh)
    if changed and tables is not None:
        restore_rows(connection, tables, copies)
        restore_sequences(connection, fresh)
        changed = fingerprint.changed_tables(fresh, table_digests(connection))
        first = sorted(set(first) | set(tables))
    if first and not changed and verbosity >= 2:
        log(f"reuse-db: {connection.alias}: put back the freshly migrated rows of {fingerprint.names(first)}")
    return changed


def say_if_kept_databases_go(aliases, verbosity):
    """Say so when a run without REUSE_DB is about to replace a kept test database.

    Its test database has the kept one's name: Django drops the kept one to make its
    own, and drops that at the end (as django-nose and pytest-django do without their
    reuse switch; Django's runner asks first, or says "Destroying old test database").
    An in-memory SQLite test database never touches the kept file.
    """
    from django.db import connections
    from django.test.utils import get_unique_databases_and_mirrors

    if verbosity < 1:
        return
    test_databases, _ = get_unique_databases_and_mirrors(aliases)
    for _, aliases_ in test_databases.values():
        database = KeptDatabase(connections[aliases_[0]], verbosity)
        if database.in_memory:
            continue
        state = database.read_state()
        if state and "fingerprint" in state:
            log(f"reuse-db: {database.alias}: {database.target} was kept by REUSE_DB=1; this run without "
                f"it replaces it and drops it at the end, and the next REUSE_DB=1 run makes it again")


def setup_databases(aliases, serialized_aliases, verbosity, global_fixtures=None, project_setup=None):
    """Django's ``setup_databases`` with kept databases; returns what ``teardown_databases`` needs.

    *project_setup*: the digest of the TEST_RUNNER's own ``setup_databases``, which runs
    on top of this (a changed one rebuilds the kept databases).
    """
    from django.db import connections
    from django.test.utils import get_unique_databases_and_mirrors

    test_databases, mirrored_aliases = get_unique_databases_and_mirrors(aliases)
    firsts = [connections[aliases_[0]] for _, aliases_ in test_databases.values()]
    kept = [KeptDatabase(connection, verbosity) for connection in firsts]
    for database in kept:
        database.check_safe()  # all refusals before anything is written
    inputs = SchemaInputs(global_fixtures, project_setup)
    done = []
    try:
        for database in kept:
            done.append(database)
            if not database.keepable:
                if verbosity >= 2:
                    log(f"reuse-db: {database.alias}: its SQLite NAME is in memory: nothing to keep it next to")
                database.connection.creation.create_test_db(verbosity=verbosity, autoclobber=True,
                                                            serialize=False)
                if global_fixtures:
                    global_fixtures.load(database.alias)
            else:
                database.acquire()
                database.prepare(inputs)
                if database.in_memory:
                    database.release()  # tests never write the file: other runs may load it now
    except BaseException:
        teardown_databases(done)
        raise
    for _, aliases_ in test_databases.values():
        for alias in aliases_[1:]:
            connections[alias].creation.set_as_test_mirror(connections[aliases_[0]].settings_dict)
    for alias, mirror_alias in mirrored_aliases.items():
        connections[alias].creation.set_as_test_mirror(connections[mirror_alias].settings_dict)
    for database in kept:
        if serialized_aliases is None or database.alias in serialized_aliases:
            database.connection._test_serialized_contents = database.connection.creation.serialize_db_to_string()
    return kept


def note_fresh_relations(kept):
    """Before the TEST_RUNNER's ``setup_databases`` adds to the kept databases: their tables and views.

    A reused database has those of its fresh state, as recorded: the last run ended with
    the digests of every table, and of every table's and view's columns, equal to the
    fresh ones (else it is rebuilt), so none was added or dropped since.
    """
    for database in kept:
        if database.keepable and not database.in_memory and database.fresh is not None:
            database.relations_before = (database.fresh_relations if database.fresh_relations is not None
                                         else relations(database.connection))


def note_project_setup(kept, verbosity):
    """After the TEST_RUNNER's ``setup_databases`` ran on top of ours: what it added goes at the end.

    The kept database stays the freshly migrated one. The tables and views the runner
    made are dropped at the end of the run, and the rows it added (and the sequences
    they moved) put back like the tests' rows, so that every run's runner makes them
    again on the same fresh state, as on Django's new test database (a plain
    ``CREATE VIEW`` included). Anything else it changes in the schema (an index, a
    trigger) cannot be put back: the next run rebuilds. Kept clones are made again for
    each parallel run when the runner changed anything: its additions are in the kept
    database only.
    """
    for database in kept:
        if database.relations_before is None:
            continue
        now = relations(database.connection)
        database.created_by_project = sorted((name, kind) for name, kind in now.items()
                                             if name not in database.relations_before)
        changed = fingerprint.changed_tables(database.fresh, table_digests(database.connection, now=now))
        database.changed_by_project = sorted(set(changed) | {name for name, _ in database.created_by_project})
        if database.changed_by_project and verbosity >= 2:
            log(f"reuse-db: {database.alias}: the TEST_RUNNER's setup_databases changed "
                f"{fingerprint.names(database.changed_by_project)}; put back at the end of the run")


def reused_any(kept):
    """Whether any kept database of *kept* was reused or migrated (not made fresh) by this run."""
    from nose_fastfixtures.planning.fingerprint import MIGRATE, REUSE

    return any(database.keepable and not database.in_memory and database.decision is not None
               and database.decision.action in (REUSE, MIGRATE) for database in kept)


def abandon(kept, reason):
    """Leave the kept databases marked for a rebuild (the TEST_RUNNER's set-up failed on them)."""
    from django.db import DatabaseError

    for database in reversed(kept):
        if not database.keepable:
            database.connection.creation.destroy_test_db(database.original_name, database.verbosity)
            continue
        try:
            if not database.in_memory and database.connection.settings_dict["NAME"] == database.test_name:
                database.connection.close()  # a failed statement may have left its transaction unusable
                database._write({"marker": {"changed": [reason]}})
        except DatabaseError:
            pass  # the running marker stays: rebuilt all the same
        finally:
            database._forget_memory()
            database._point_at(database.original_name)
            database.release()


def teardown_databases(kept, untouched=False):
    """Leave every kept database (marked clean or not) and point the connections back at the real names."""
    for database in reversed(kept):
        if database.keepable:
            database.finish(untouched)
        else:
            database.connection.creation.destroy_test_db(database.original_name, database.verbosity)
