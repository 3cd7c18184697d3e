"""fast_load and tables on real databases: primary keys read at once (MySQL), views and triggers found."""

import textwrap

import pytest

from tests.helpers.scripts import run_sample_script

SCRIPT = textwrap.dedent('''
    import json, os, tempfile
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database import fast_load

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    seen = {}
    try:
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            key_of = connection.introspection.get_primary_key_column
            django_keys = {table: key_of(cursor, table) for table in tables}
        seen["same_keys"] = fast_load.mysql_primary_keys(connection, tables) == {
            table: column for table, column in django_keys.items() if column is not None}
        seen["tables"] = len(tables)

        folder = tempfile.mkdtemp()
        dangling = os.path.join(folder, "dangling.json")
        with open(dangling, "w") as out:
            fields = {"name": "x", "slug": "x", "parent": 999}
            json.dump([{"model": "catalog.category", "pk": 1, "fields": fields}], out)

        def load(label, fast):
            statements = []
            try:
                with transaction.atomic():
                    with connection.execute_wrapper(lambda execute, sql, *rest: statements.append(sql)
                                                    or execute(sql, *rest)):
                        if fast:
                            with fast_load.FastLoad("default", tables, strict=True).installed():
                                call_command("loaddata", label, verbosity=0)
                        else:
                            call_command("loaddata", label, verbosity=0)
                    transaction.set_rollback(True)
                return "loaded", len(statements)
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}", len(statements)

        seen["dangling"] = [load(dangling, fast=False)[0], load(dangling, fast=True)[0]]
        seen["catalog"] = [load("catalog", fast=False), load("catalog", fast=True)]
    finally:
        teardown_databases(names, verbosity=0)
    print(json.dumps(seen))
''')


def test_the_constraint_check_reads_the_primary_keys_at_once_and_finds_what_django_finds(backend):
    if backend != "mysql":
        pytest.skip("MySQL/MariaDB only: the other backends check foreign keys in one statement")
    seen = run_sample_script(SCRIPT, backend=backend)

    assert seen["same_keys"] and seen["tables"] > 10, seen
    plain, fast = seen["dangling"]
    assert "has an invalid foreign key: catalog_category.parent_id contains a value '999'" in plain, plain
    assert fast == plain
    (plain_result, plain_statements), (fast_result, fast_statements) = seen["catalog"]
    assert plain_result == fast_result == "loaded"
    assert fast_statements < plain_statements, seen["catalog"]


READERS_SCRIPT = textwrap.dedent('''
    import json
    import django
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database.tables import has_hidden_readers

    TRIGGER = {
        "sqlite": "CREATE TRIGGER nff_t AFTER INSERT ON catalog_tag BEGIN SELECT 1; END",
        "mysql": "CREATE TRIGGER nff_t BEFORE INSERT ON catalog_tag FOR EACH ROW SET NEW.name = NEW.name",
        "postgresql": ("CREATE TRIGGER nff_t BEFORE INSERT ON catalog_tag FOR EACH ROW "
                       "EXECUTE FUNCTION nff_f()"),
    }
    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    seen = []
    try:
        with connection.cursor() as cursor:
            seen.append(has_hidden_readers(connection))
            cursor.execute("CREATE VIEW nff_v AS SELECT id FROM catalog_tag")
            seen.append(has_hidden_readers(connection))
            cursor.execute("DROP VIEW nff_v")
            if connection.vendor == "postgresql":
                cursor.execute("CREATE FUNCTION nff_f() RETURNS trigger LANGUAGE plpgsql "
                               "AS 'BEGIN RETURN NEW; END'")
            cursor.execute(TRIGGER[connection.vendor])
            seen.append(has_hidden_readers(connection))
    finally:
        teardown_databases(names, verbosity=0)
    print(json.dumps(seen))
''')


def test_views_and_triggers_are_found(backend):
    assert run_sample_script(READERS_SCRIPT, backend=backend) == [False, True, True]
