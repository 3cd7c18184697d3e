"""Reading a test database's tables: which exist, which hold rows, their rows, what reads them unnamed."""


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


_HIDDEN_READERS_SQL = {
    "postgresql": (
        "SELECT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = ANY (current_schemas(false))) "
        "OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY (current_schemas(false)))"
    ),
    "sqlite": "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type IN ('view', 'trigger'))",
}

# MariaDB answers information_schema.TRIGGERS and VIEWS by opening every table's
# definition (1.5-3 ms); SHOW TRIGGERS and the TABLES view's table types are cheaper.
_MYSQL_HIDDEN_READERS = (
    "SHOW TRIGGERS",
    "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'VIEW' LIMIT 1",
)


def has_hidden_readers(connection):
    """Whether the database has views or triggers: statements that read tables they do not name."""
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            for sql in _MYSQL_HIDDEN_READERS:
                cursor.execute(sql)
                if cursor.fetchall():
                    return True
        return False
    sql = _HIDDEN_READERS_SQL.get(connection.vendor)
    if sql is None:
        return True  # unknown backend: assume the worst
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return bool(cursor.fetchone()[0])
