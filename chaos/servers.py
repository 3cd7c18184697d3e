"""The campaign's own access to the database servers: list and drop its databases, dump their contents.

Through the drivers themselves, not through Django or nose_fastfixtures: what is checked
here must not depend on the code under test.
"""

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

OURS = ("nose_fastfixtures_reuse",)  # the state table; nff_fresh_* are its row copies
CANARY = "chaos_canary"


def is_ours(table):
    return table in OURS or table.startswith("nff_fresh_")


@contextmanager
def server(backend, database=None):
    """An autocommit DB-API connection to the server (its maintenance database unless *database*)."""
    if backend == "postgresql":
        import psycopg

        connection = psycopg.connect(host="127.0.0.1", user="postgres", dbname=database or "postgres",
                                     autocommit=True, connect_timeout=5)
    else:
        import MySQLdb

        connection = MySQLdb.connect(host="127.0.0.1", user="root", password="", connect_timeout=5,
                                     **({"database": database} if database else {}))
        connection.autocommit(True)
    try:
        yield connection
    finally:
        connection.close()


def rows(connection, sql, params=None):
    cursor = connection.cursor()
    cursor.execute(sql, params)  # None: no %-formatting (a host '%' stays as it is)
    result = cursor.fetchall() if cursor.description else []
    cursor.close()
    return result


def databases(backend, prefix):
    """The databases on the server whose name contains *prefix* (this campaign's token)."""
    sql = "SELECT datname FROM pg_database" if backend == "postgresql" else "SHOW DATABASES"
    with server(backend) as connection:
        return sorted(name for (name,) in rows(connection, sql) if prefix in name)


def drop(backend, names):
    with server(backend) as connection:
        for name in names:
            if backend == "postgresql":
                rows(connection, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                rows(connection, f"DROP DATABASE IF EXISTS `{name}`")


def create_empty(backend, name):
    with server(backend) as connection:
        if backend == "postgresql":
            rows(connection, f'CREATE DATABASE "{name}"')
        else:
            rows(connection, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


# --- reading a whole database, independently of the code under test -------------------

def _sqlite_dump(path):
    connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        schema = sorted(map(repr, connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'nff_fresh_%' "
            f"AND name NOT LIKE '%nose_fastfixtures_reuse%' AND name != '{CANARY}'").fetchall()))
        return {"schema": schema, **{table: _table_rows(connection, table, '"') for table in tables}}
    finally:
        connection.close()


def _table_rows(connection, table, quote):
    cursor = connection.cursor()
    cursor.execute(f"SELECT * FROM {quote}{table}{quote}")
    columns = [column[0] for column in cursor.description]
    found = cursor.fetchall()
    cursor.close()
    if table == "django_migrations":  # when it was applied differs, what was applied must not
        keep = [index for index, column in enumerate(columns) if column != "applied"]
        found = [tuple(row[index] for index in keep) for row in found]
    return sorted(repr(row) for row in found)


def _server_dump(backend, name):
    with server(backend, name) as connection:
        if backend == "postgresql":
            tables = [table for (table,) in rows(connection, "SELECT tablename FROM pg_tables "
                                                             "WHERE schemaname = 'public'")]
            sequences = rows(connection, "SELECT sequencename, last_value FROM pg_sequences "
                                         "WHERE schemaname = 'public'")
            schema = rows(connection, "SELECT table_name, column_name, data_type, is_nullable "
                                      "FROM information_schema.columns WHERE table_schema = 'public'")
            quote = '"'
        else:
            tables = [table for (table,) in rows(connection, "SHOW TABLES")]
            sequences = rows(connection, "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES "
                                         "WHERE TABLE_SCHEMA = DATABASE()")
            schema = rows(connection, "SELECT table_name, column_name, data_type, is_nullable "
                                      "FROM information_schema.columns WHERE table_schema = DATABASE()")
            quote = "`"
        dump = {table: _table_rows(connection, table, quote) for table in tables}
    dump["schema"] = sorted(map(repr, schema))
    dump["sequences"] = sorted(repr(row) for row in sequences)
    return dump


def dump(backend, name):
    """``{table: sorted rows, "schema": ..., "sequences": ...}`` of a whole database."""
    found = _sqlite_dump(name) if backend.startswith("sqlite") else _server_dump(backend, name)
    return {key: value for key, value in found.items() if not is_ours(key) and key != CANARY}


def _without_ours(values):
    return [value for value in values if not any(f"'{table}'" in value for table in OURS)
            and "'nff_fresh_" not in value and f"'{CANARY}'" not in value]


def differences(expected, actual):
    """Tables (and "schema", "sequences") whose contents differ between two dumps."""
    changed = []
    for key in sorted(set(expected) | set(actual)):
        left, right = expected.get(key), actual.get(key)
        if key in ("schema", "sequences"):
            left, right = _without_ours(left or []), _without_ours(right or [])
        if left != right:
            changed.append(key)
    return changed


def digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def file_digest(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()
