"""nose_fastfixtures.database.ledger against loaddata on the sample project: the same rows, fewer statements."""

import json
import textwrap

from tests.helpers.scripts import run_sample_script

# Each case: fixtures already loaded (by the same means), then the fixtures under test.
CASES = [
    ([], ["customers"]),  # a post_save receiver creates a row per customer
    ([], ["catalog"]),  # natural keys, self references, many-to-many
    ([], ["staff", "shipping", "customers", "catalog", "orders", "tickets"]),
    (["customers"], ["shipping", "customers", "catalog", "orders"]),  # overwrites rows loaded before
]

SCRIPT = textwrap.dedent('''
    import json, sys
    import django
    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database import ledger

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def clean():
        tables = ledger.table_names(connection)
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        mail.outbox = []

    def sequences():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
            elif connection.vendor == "mysql":
                cursor.execute("SELECT table_name, auto_increment FROM information_schema.tables "
                               "WHERE table_schema = DATABASE()")
            else:
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
            return sorted(map(list, cursor.fetchall()))

    def state():
        # Rows in the order the database returns them: the inserts' order shows.
        tables = {table: list(map(repr, ledger.read_table(connection, table)[1]))
                  for table in ledger.table_names(connection)}
        return {"tables": tables, "sequences": sequences(), "mail": [m.subject for m in mail.outbox]}

    def by_loaddata(base, fixtures):
        if base:
            call_command("loaddata", *base, verbosity=0)
        statements.clear()
        with connection.execute_wrapper(count):
            call_command("loaddata", *fixtures, verbosity=0)
        return state(), len(statements)

    def by_ledger(base, fixtures):
        if base:
            ledger.load(base, ["default"])
        statements.clear()
        with connection.execute_wrapper(count):
            ledger.load(fixtures, ["default"])
        return state(), len(statements)

    report = []
    try:
        for base, fixtures in json.loads(sys.argv[1]):
            clean()
            expected, loaddata_statements = by_loaddata(base, fixtures)
            clean()
            got, ledger_statements = by_ledger(base, fixtures)
            differing = sorted(key for key in expected["tables"] if expected["tables"][key] != got["tables"].get(key))
            report.append({"fixtures": fixtures, "differing_tables": differing,
                           "sequences_equal": expected["sequences"] == got["sequences"],
                           "mail_equal": expected["mail"] == got["mail"],
                           "rows": sum(map(len, expected["tables"].values())),
                           "loaddata_statements": loaddata_statements, "ledger_statements": ledger_statements})
    finally:
        teardown_databases(names, verbosity=0)
    print(json.dumps(report))
''')


def test_a_load_leaves_exactly_what_loaddata_leaves_in_fewer_statements(backend):
    report = run_sample_script(SCRIPT, json.dumps(CASES), backend=backend)

    for case in report:
        assert case["rows"] > 0, case
        assert case["differing_tables"] == [], case
        assert case["sequences_equal"], case
        assert case["mail_equal"], case
    whole = report[2]
    # One multi-row INSERT per model where loaddata sends an UPDATE and an INSERT per object.
    assert whole["ledger_statements"] * 2 < whole["loaddata_statements"], whole
