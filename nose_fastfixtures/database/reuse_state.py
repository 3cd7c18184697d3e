"""What a kept test database holds: its state table, digests of its rows, and putting rows back.

A run records the freshly migrated rows (copies in ``nff_fresh_<n>`` tables) and a
digest of every table; the next run compares digests and gives the changed tables
their fresh rows back, or rebuilds when something other than rows changed.
"""

import json
import threading
from contextlib import contextmanager

from nose_fastfixtures.planning import fingerprint

TABLE = "nose_fastfixtures_reuse"  # the state table inside each kept database


def _state_table_sql(vendor):
    text = "longtext" if vendor == "mysql" else "text"
    return f"CREATE TABLE IF NOT EXISTS {TABLE} (entry varchar(32) PRIMARY KEY, content {text})"


def write_entries(cursor, vendor, entries, create=True):
    """Store ``{entry: json-able value or None}`` in the state table (None deletes), in two statements.

    *create*: make the table first if it does not exist (False: the caller has just read it).
    """
    if create:
        cursor.execute(_state_table_sql(vendor))
    if not entries:
        return
    cursor.execute(f"DELETE FROM {TABLE} WHERE entry IN ({', '.join(['%s'] * len(entries))})", list(entries))
    rows = [(entry, json.dumps(value)) for entry, value in entries.items() if value is not None]
    if rows:
        cursor.execute(f"INSERT INTO {TABLE} (entry, content) VALUES {', '.join(['(%s, %s)'] * len(rows))}",
                       [part for row in rows for part in row])


COPY_PREFIX = "nff_fresh_"  # freshly migrated rows of a table, kept to restore it after a run


def _ours(name):
    return name == TABLE or name.startswith(COPY_PREFIX)


def _row_tables(connection, cursor, now=None):
    """*now*: ``relations()`` just read, so the table list is not read again."""
    if now is None:
        names = [name for name in connection.introspection.table_names(cursor) if not _ours(name)]
    else:  # Django's table_names(): the plain tables ("t"), sorted
        names = sorted(name for name, kind in now.items() if kind == "t")
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        names += [row[0] for row in cursor.fetchall()]  # SQLite's sequences are rows
    return names


def _sequences(connection, cursor):
    if connection.vendor == "postgresql":
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
    elif connection.vendor == "mysql":
        cursor.execute("SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL")
    else:
        return {}
    return {f"sequence:{name}": value for name, value in cursor.fetchall() if not _ours(name)}


# PostgreSQL's catalogs, not information_schema.columns (whose views cost a warm run
# 3-6 ms at each of its three reads); the type with its modifier, e.g. varchar(80).
_POSTGRESQL_COLUMNS = (
    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_get_expr(d.adbin, d.adrelid), a.attidentity FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
)


def _schema_digest(connection, cursor):
    if connection.vendor == "sqlite":
        cursor.execute("SELECT tbl_name, type, name, sql FROM sqlite_master ORDER BY type, name")
    elif connection.vendor == "postgresql":
        cursor.execute(_POSTGRESQL_COLUMNS)
    else:
        cursor.execute("SELECT table_name, column_name, data_type, is_nullable, column_default "
                       "FROM information_schema.columns WHERE table_schema = DATABASE() "
                       "ORDER BY table_name, ordinal_position")
    rows = [row for row in cursor.fetchall() if not _ours(row[0])]
    return fingerprint.digest(fingerprint.canonical([list(map(str, row)) for row in rows]))


def table_digests(connection, sequences=None, now=None):
    """The database's state: ``{table: rows digest, "sequence:<name>": value, "schema": digest}``.

    *sequences*: the sequences' values when the caller has just read (and set) them;
    *now*: the ``relations()`` the caller has just read.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _row_tables(connection, cursor, now)
        state = {"schema": _schema_digest(connection, cursor)}
        state.update(_sequences(connection, cursor) if sequences is None else sequences)
        if connection.vendor == "postgresql" and tables:
            cursor.execute(" UNION ALL ".join(
                f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(name)} t"
                for name in tables), tables)
            state.update(cursor.fetchall())
        elif connection.vendor == "mysql" and tables:
            cursor.execute("CHECKSUM TABLE " + ", ".join(quote(name) for name in tables))
            state.update((name.split(".", 1)[-1], checksum) for name, checksum in cursor.fetchall())
        else:
            for name in tables:
                cursor.execute(f"SELECT * FROM {quote(name)}")
                state[name] = fingerprint.digest(fingerprint.canonical(sorted(map(repr, cursor.fetchall()))))
    return state


def copy_fresh_rows(connection):
    """Copy every non-empty table into ``nff_fresh_<n>``; returns ``{table: copy}``."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _row_tables(connection, cursor)
        for name in connection.introspection.table_names(cursor):
            if name.startswith(COPY_PREFIX):
                cursor.execute(f"DROP TABLE {quote(name)}")
        if not tables:
            return {}
        cursor.execute(" UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(name)}" for name in tables), tables)
        filled = [name for name, count in cursor.fetchall() if count]
        copies = {name: f"{COPY_PREFIX}{index}" for index, name in enumerate(filled)}
        for name, copy in copies.items():
            cursor.execute(f"CREATE TABLE {quote(copy)} AS SELECT * FROM {quote(name)}")
    return copies


def restore_rows(connection, tables, copies):
    """Give *tables* back their freshly migrated rows, in one transaction (foreign keys checked at commit)."""
    from django.db import transaction

    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for name in tables:
                cursor.execute(f"DELETE FROM {quote(name)}")
                if name in copies:
                    cursor.execute(f"INSERT INTO {quote(name)} SELECT * FROM {quote(copies[name])}")
        finally:
            if connection.vendor == "mysql":
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


def restore_sequences(connection, fresh):
    """Set sequences back to their freshly migrated values (rolled-back inserts advance them);
    returns every sequence's value now, as ``table_digests`` reads them."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        current = _sequences(connection, cursor)
        changed = {key[len("sequence:"):]: value for key, value in fresh.items()
                   if key.startswith("sequence:") and key in current and current[key] != value}
        now = {**current, **{f"sequence:{name}": value for name, value in changed.items()}}
        if not changed:
            return now
        if connection.vendor == "postgresql":
            parts, params = [], []
            for name, value in changed.items():
                if value is None:  # never used: back to its start, not yet called
                    parts.append("setval(%s::regclass, (SELECT start_value FROM pg_sequences "
                                 "WHERE schemaname = current_schema() AND sequencename = %s), false)")
                    params += [quote(name), name]
                else:
                    parts.append("setval(%s::regclass, %s, true)")
                    params += [quote(name), value]
            cursor.execute("SELECT " + ", ".join(parts), params)
        elif connection.vendor == "mysql":
            statements = [f"ALTER TABLE {quote(name)} AUTO_INCREMENT = {int(value)}"
                          for name, value in changed.items()]
            with alongside(connection, statements[1:]):
                cursor.execute(statements[0])
    return now


@contextmanager
def alongside(connection, statements):
    """While the block runs one statement on *connection*: *statements* at the same time, each on a
    driver connection of its own to the same database.

    They start once *connection*'s execute wrappers (the write guard among them) have let
    the block's statement through, so the guard vets the database before any of them runs.
    MariaDB writes each ALTER TABLE ... AUTO_INCREMENT to disk: one after the other they
    wait for each other's syncs (five of them: 12 ms on a quiet server, 30-130 ms on a
    busy one); at the same time they share them. Their errors are raised as Django's.
    """
    errors, threads = [], []

    def run(sql):
        try:
            driver = connection.get_new_connection(connection.get_connection_params())
            try:
                cursor = driver.cursor()
                cursor.execute(sql)
                cursor.close()
            finally:
                driver.close()
        except Exception as exc:  # raised in the caller's thread below
            errors.append(exc)

    def start(execute, sql, params, many, context):
        if not threads:
            threads.extend(threading.Thread(target=run, args=(statement,), name="nff-restore")
                           for statement in statements)
            for thread in threads:
                thread.start()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(start):
            yield
    finally:
        for thread in threads:
            thread.join()
    if errors:
        with connection.wrap_database_errors:
            raise errors[0]


def relations(connection):
    """``{name: kind}`` of the database's tables (``"t"``, ``"p"``) and views (``"v"``), ours left out."""
    with connection.cursor() as cursor:
        return {info.name: info.type for info in connection.introspection.get_table_list(cursor)
                if not _ours(info.name)}


def drop_relations(connection, created):
    """Drop the tables and views *created* (``[(name, kind)]``) after the fresh state, views first."""
    quote = connection.ops.quote_name
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for name, kind in sorted(created, key=lambda item: item[1] != "v"):
                statement = "DROP VIEW" if kind == "v" else "DROP TABLE"
                cursor.execute(f"{statement} IF EXISTS {quote(name)}{cascade}")
        finally:
            if connection.vendor == "mysql":
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


def restorable(changed, fresh):
    """The changed tables whose rows can be put back, or None if something else changed (the schema)."""
    tables = [name for name in changed if not name.startswith("sequence:")]
    if "schema" in tables or any(name not in fresh for name in tables):
        return None
    return tables
