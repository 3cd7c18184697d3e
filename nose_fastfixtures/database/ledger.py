"""The fixture-load ledger: load fixtures with Django's machinery, record what it did, undo it.

A load goes through ``loaddata`` (every format, natural keys, routers, ``raw=True``
signals), is committed, and leaves a record per database alias: the tables it wrote
(rows made by signal receivers included), their contents before and right after the
load. From the record the ledger can put any table back to its loaded state (after a
test dirtied it) or to its state before the load (removing exactly what the load
added, and restoring rows it overwrote).
"""

from contextlib import contextmanager

from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializedObject
from django.db import connections, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from nose_fastfixtures.database.write_tracking import tracker
from nose_fastfixtures.errors import FastFixturesError
from nose_fastfixtures.planning.sql_writes import EVERYTHING


class FixtureLoadError(FastFixturesError):
    """A fixture that cannot be loaded: its message names the fixture."""


def table_names(connection):
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def non_empty_tables(connection, tables):
    """The subset of *tables* holding rows, in one statement."""
    if not tables:
        return set()
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT {index} FROM (SELECT 1 AS x) probe_{index} "
        f"WHERE EXISTS (SELECT 1 FROM {quote(table)})"
        for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        return {tables[row[0]] for row in cursor.fetchall()}


def read_table(connection, table):
    """``(columns, rows)`` of a whole table."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)}")
        columns = [column[0] for column in cursor.description]
        return columns, cursor.fetchall()


class _ForeignKeysOff:
    """MySQL checks foreign keys row by row; elsewhere Django's constraints are deferred."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        if self.connection.vendor == "mysql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 0")

    def __exit__(self, *exc):
        if self.connection.vendor == "mysql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


def write_tables(connection, contents):
    """Make each table in *contents* ``{table: (columns, rows)}`` hold exactly those rows.

    DELETE rather than TRUNCATE: it leaves sequences alone, as Django's flush and
    rollback do, and needs no care for foreign keys from other tables.
    """
    quote = connection.ops.quote_name
    # SQLite's counters last: the inserts above them put back a counter row for each table they
    # fill, which would stand beside the restored one (found by make chaos's fuzzer).
    order = sorted(contents, key=lambda table: table == SQLITE_SEQUENCE)
    with transaction.atomic(using=connection.alias), _ForeignKeysOff(connection):
        with connection.cursor() as cursor:
            for table in order:
                if table == SQLITE_SEQUENCE:
                    continue
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table in order:
                columns, rows = contents[table]
                if table == SQLITE_SEQUENCE:
                    cursor.execute(f"DELETE FROM {quote(table)}")
                if rows:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


SQLITE_SEQUENCE = "sqlite_sequence"


class AliasRecord:
    """What one load did to one database."""

    def __init__(self, alias, before, after, models=(), sequences=None):
        self.alias = alias
        self.before = before  # {table: (columns, rows)} for every table non-empty before the load
        self.after = after    # {table: (columns, rows)} for every table written by the load
        self.written = set(after)
        self.models = list(models)  # the models loaddata saved (it resets their sequences)
        self.sequences = sequences  # SQLite's sqlite_sequence before the load, else None

    @property
    def emptied_before(self):
        """Tables the load wrote that were empty before it: removing the load empties them."""
        return self.written - set(self.before)

    def contents(self, tables, state):
        """``{table: (columns, rows)}`` for *tables* in the 'before' or 'after' state."""
        chosen = {}
        for table in tables:
            snapshot = self.after.get(table) if state == "after" else None
            if snapshot is None:
                snapshot = self.before.get(table, ((), []))  # empty: no columns needed
            chosen[table] = snapshot
        return chosen


class LoadRecord:
    """The ledger entry of one committed load, for every alias it touched."""

    def __init__(self, fixtures, records):
        self.fixtures = fixtures
        self.records = records  # {alias: AliasRecord}
        self.rows_loaded = sum(len(rows) for record in records.values()
                               for table, (columns, rows) in record.after.items()
                               if table not in record.before)

    def restore_loaded(self, alias, tables):
        """Put *tables* back to their state right after the load (a test dirtied them)."""
        record = self.records[alias]
        self._write(alias, record.contents(self._expand(alias, tables), "after"))

    def unload(self, alias, dirtied=(), like_rollback=False):
        """Bring the load's tables and *dirtied* back to their state before the load.

        *like_rollback*: also put SQLite's AUTOINCREMENT counters back, as a rolled
        back transaction does (Django's flush, and the other backends' rollback, leave
        counters alone).
        """
        record = self.records[alias]
        tables = record.written | set(self._expand(alias, dirtied))
        contents = record.contents(tables, "before")
        if like_rollback and record.sequences is not None:
            contents[SQLITE_SEQUENCE] = record.sequences
        self._write(alias, contents)

    def reset_sequences(self, alias, tables=EVERYTHING):
        """Reset the loaded models' sequences as loaddata does at the end of a load.

        Django's TestCase reloads its fixtures for every class, so each class starts
        with the sequences loaddata sets; a class sharing a loaded layer gets the same.
        A TransactionTestCase reloads them for every test: after a test, the sequences
        of the loaded models whose *tables* it wrote are reset.
        """
        connection = connections[alias]
        models = [model for model in self.records[alias].models
                  if tables == EVERYTHING or model._meta.db_table in tables]
        statements = connection.ops.sequence_reset_sql(no_style(), models) if models else []
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def _expand(self, alias, tables):
        """Known table names; EVERYTHING becomes every table that holds or held rows."""
        connection = connections[alias]
        known = table_names(connection)
        if tables == EVERYTHING:
            record = self.records[alias]
            return sorted(record.written | set(record.before) | non_empty_tables(connection, known))
        return [table for table in tables if table in set(known)]

    def _write(self, alias, contents):
        if contents:
            with tracker().paused():
                write_tables(connections[alias], contents)


class _FastInserts:
    """Insert fixture objects bound for empty tables in one statement per table, not one each.

    loaddata saves each object with an explicit primary key, so Django first tries an
    UPDATE and inserts when it matched nothing. In a table that was empty before the
    load, an object whose key this load has not saved yet cannot match: the UPDATE is
    skipped. Such an object is also held back and inserted with the others of its
    model in one multi-row INSERT (the statement Django's own ``_do_insert`` would
    issue, for several rows), when nothing could notice the difference: no
    pre_save/post_save receiver for its model, no parent table, no
    ``order_with_respect_to``, no database-computed column, Django's own save and
    insert code. Held-back rows are inserted before any other statement runs on the
    connection (a natural-key lookup, a receiver's query, loaddata's constraint
    checks and sequence resets), so every query sees what it would see under
    loaddata. A second save of the same object takes Django's usual path.
    """

    MAX_ROWS = 500

    def __init__(self, alias, empty_tables, batch=True):
        self.alias = alias
        self.empty_tables = empty_tables
        self.batch = batch
        self.saved = set()
        self.pending = {}  # concrete model -> objects held back, in loaddata's order

    @contextmanager
    def installed(self):
        deserialized_save, save_base = DeserializedObject.save, Model.save_base
        fast = self

        def save_inserting(deserialized, save_m2m=True, using=None, **kwargs):
            obj = deserialized.object
            key = (obj._meta.db_table, obj.pk)
            if (obj.pk is not None and key not in fast.saved and not kwargs and not obj._meta.parents
                    and obj._meta.db_table in fast.empty_tables):
                kwargs["force_insert"] = True
            fast.saved.add(key)
            return deserialized_save(deserialized, save_m2m=save_m2m, using=using, **kwargs)

        def save_base_batched(instance, raw=False, force_insert=False, force_update=False, using=None,
                              update_fields=None):
            # Only loaddata's raw saves, marked force_insert by save_inserting above.
            if raw and force_insert is True and using == fast.alias and fast.batchable(instance):
                fast.pending.setdefault(instance._meta.concrete_model, []).append(instance)
                instance._state.db, instance._state.adding = using, False
                return
            save_base(instance, raw=raw, force_insert=force_insert, force_update=force_update,
                      using=using, update_fields=update_fields)

        DeserializedObject.save = save_inserting
        if self.batch:
            Model.save_base = save_base_batched
        try:
            with connections[self.alias].execute_wrapper(self._before_statement):
                yield self
        finally:
            DeserializedObject.save, Model.save_base = deserialized_save, save_base

    def batchable(self, instance):
        model = type(instance)
        meta = model._meta.concrete_model._meta
        return (
            not meta.parents and meta.order_with_respect_to is None and meta.base_manager_name is None
            and len(meta.pk_fields) == 1 and instance._is_pk_set(meta)
            and not any(field.generated or field.has_db_default() for field in meta.local_concrete_fields)
            and model._save_table is Model._save_table and model._do_insert is Model._do_insert
            and not pre_save.has_listeners(model) and not post_save.has_listeners(model)
        )

    def _before_statement(self, execute, sql, params, many, context):
        if self.pending:
            self.flush()
        return execute(sql, params, many, context)

    def flush(self):
        """Insert every held-back object now, one statement per model (and batch)."""
        pending, self.pending = self.pending, {}
        connection = connections[self.alias]
        for model, objects in pending.items():
            fields = [field for field in model._meta.local_concrete_fields if not field.generated]
            size = max(1, min(self.MAX_ROWS, connection.ops.bulk_batch_size(fields, objects)))
            for start in range(0, len(objects), size):
                model._base_manager._insert(objects[start:start + size], fields=fields, using=self.alias,
                                            raw=True)


def load(fixtures, aliases):
    """Load *fixtures* into each alias, commit, and return the LoadRecord.

    A fixture that fails to load leaves the database as it was (the load is one
    transaction) and raises FixtureLoadError naming it.
    """
    records = {}
    try:
        for alias in aliases:
            records[alias] = _load_into(fixtures, alias)
    except FixtureLoadError:
        for alias in records:  # aliases loaded before the failing one
            LoadRecord(fixtures, records).unload(alias)
        raise
    return LoadRecord(list(fixtures), records)


def _has_sqlite_sequence(connection):
    # Django's introspection leaves SQLite's own tables out.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [SQLITE_SEQUENCE])
        return cursor.fetchone() is not None


def _call_loaddata(fixtures, alias, inserts):
    command = loaddata.Command()
    with transaction.atomic(using=alias), inserts.installed():
        call_command(command, *fixtures, verbosity=0, database=alias)
        inserts.flush()
    return command


def _load_into(fixtures, alias):
    track = tracker()
    connection = connections[alias]
    tables = table_names(connection)
    with track.paused():
        before = {table: read_table(connection, table) for table in non_empty_tables(connection, tables)}
        sequences = None
        if connection.vendor == "sqlite" and _has_sqlite_sequence(connection):
            sequences = read_table(connection, SQLITE_SEQUENCE)
    track.take(alias)
    empty = set(tables) - set(before)
    outbox = getattr(mail, "outbox", None)
    sent_before = len(outbox) if outbox is not None else 0
    try:
        command = _call_loaddata(fixtures, alias, _FastInserts(alias, empty))
    except Exception:
        # Load again the plain way: loaddata's own message naming the object, or, if
        # the batched inserts failed where loaddata does not, loaddata's result.
        track.take(alias)
        if outbox is not None:
            del outbox[sent_before:]  # receivers will send them again
        try:
            command = _call_loaddata(fixtures, alias, _FastInserts(alias, empty, batch=False))
        except Exception as exc:
            track.take(alias)
            raise FixtureLoadError(f"cannot load fixtures {', '.join(fixtures)} into {alias!r}: {exc}") from exc
    written = track.take(alias)
    if written == EVERYTHING:
        written = set(tables)
    with track.paused():
        after = {table: read_table(connection, table) for table in written if table in tables}
    return AliasRecord(alias, before, after, getattr(command, "models", ()), sequences)
