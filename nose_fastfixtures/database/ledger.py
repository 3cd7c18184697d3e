"""The fixture-load ledger: load fixtures with Django's machinery, record what it did, undo it.

A load goes through ``loaddata`` (every format, natural keys, routers, ``raw=True``
signals), is committed, and leaves a record per database alias: the tables it wrote
(rows made by signal receivers included), their contents before and right after the
load. From the record the ledger can put any table back to its loaded state (after a
test dirtied it) or to its state before the load (removing exactly what the load
added, and restoring rows it overwrote).
"""

from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.commands import loaddata
from django.db import connections, transaction

from nose_fastfixtures.database.fast_load import FastLoad
from nose_fastfixtures.database.tables import has_hidden_readers, non_empty_tables, read_table, table_names
from nose_fastfixtures.database.write_tracking import tracker
from nose_fastfixtures.errors import FastFixturesError
from nose_fastfixtures.planning.sql_writes import EVERYTHING


class FixtureLoadError(FastFixturesError):
    """A fixture that cannot be loaded: its message names the fixture."""


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

    def __init__(self, alias, before, after, models, sequences, tables):
        self.alias = alias
        self.before = before  # {table: (columns, rows)} for every table non-empty before the load
        self.after = after    # {table: (columns, rows)} for every table written by the load
        self.written = set(after)
        self.models = list(models)  # the models loaddata saved (it resets their sequences)
        self.sequences = sequences  # SQLite's sqlite_sequence before the load, else None
        self.tables = tables        # the database's tables when it loaded

    @property
    def emptied_before(self):
        """Tables the load wrote that were empty before it: removing the load empties them."""
        return self.written - set(self.before)

    def rows_written(self):
        """Rows the load added or changed, in tables empty before it or not."""
        count = 0
        for table, (columns, rows) in self.after.items():
            before = self.before.get(table)
            if before is None:
                count += len(rows)
            else:  # repr: a row may hold unhashable values (a decoded JSON column)
                count += len(set(map(repr, rows)) - set(map(repr, before[1])))
        return count

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
        self.rows_loaded = sum(record.rows_written() for record in records.values())

    def restore_loaded(self, alias, tables):
        """Put *tables* back to their state right after the load (a test dirtied them)."""
        record = self.records[alias]
        self._write(alias, record.contents(self._expand(alias, tables), "after"))

    def stray_tables(self, alias):
        """Tables holding rows that neither the state before the load nor the load left there.

        Written where the write tracker cannot see (a raw driver cursor, another process):
        Django's flush would have emptied them, so the caller puts them back too.
        """
        record = self.records[alias]
        connection = connections[alias]
        expected = set(record.before) | {table for table, (_, rows) in record.after.items() if rows}
        candidates = [table for table in record.tables if table not in expected]
        with tracker().paused():
            return non_empty_tables(connection, candidates)

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


def load(fixtures, aliases, prelude=None):
    """Load *fixtures* into each alias, commit, and return the LoadRecord.

    *prelude(alias)*, if given, writes first, in the same transaction, and is part of
    the load (serialized_rollback's copy of the migrated rows).
    A fixture that fails to load leaves the database as it was (the load is one
    transaction) and raises FixtureLoadError naming it.
    """
    records = {}
    try:
        for alias in aliases:
            records[alias] = _load_into(fixtures, alias, prelude)
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


def _load_into(fixtures, alias, prelude=None):
    track = tracker()
    connection = connections[alias]
    tables = table_names(connection)
    with track.paused():
        before = {table: read_table(connection, table) for table in non_empty_tables(connection, tables)}
        sequences = None
        if connection.vendor == "sqlite" and _has_sqlite_sequence(connection):
            sequences = read_table(connection, SQLITE_SEQUENCE)
    track.take(alias)
    if prelude is None:
        command, written = _loaddata_into(fixtures, alias, tables, set(before)), track.take(alias)
    else:
        with transaction.atomic(using=alias):  # a failing fixture takes the prelude's rows back too
            prelude(alias)
            prelude_written = track.take(alias)
            with track.paused():
                non_empty = non_empty_tables(connection, tables)
            command, written = _loaddata_into(fixtures, alias, tables, non_empty), track.take(alias)
        written = EVERYTHING if EVERYTHING in (prelude_written, written) else prelude_written | written
    if written == EVERYTHING:
        written = set(tables)
    with track.paused():
        after = {table: read_table(connection, table) for table in written if table in tables}
    return AliasRecord(alias, before, after, getattr(command, "models", ()), sequences, tables)


def _loaddata_into(fixtures, alias, tables, non_empty):
    """loaddata's command after loading *fixtures* (None for none), batched where it may be."""
    if not fixtures:
        # A class without fixtures: the record keeps the state it starts from, which each
        # test's dirtied tables go back to.
        return None
    track = tracker()
    connection = connections[alias]
    empty = set(tables) - set(non_empty)
    strict = has_hidden_readers(connection)
    outbox = getattr(mail, "outbox", None)
    sent_before = len(outbox) if outbox is not None else 0
    try:
        return _call_loaddata(fixtures, alias, FastLoad(alias, empty, strict=strict))
    except Exception:
        # Load again the plain way: loaddata's own message naming the object, or, if
        # the batched inserts failed where loaddata does not, loaddata's result.
        track.take(alias)
        if outbox is not None:
            del outbox[sent_before:]  # receivers will send them again
        try:
            return _call_loaddata(fixtures, alias, FastLoad(alias, empty, batch=False))
        except Exception as exc:
            track.take(alias)
            raise FixtureLoadError(f"cannot load fixtures {', '.join(fixtures)} into {alias!r}: {exc}") from exc
