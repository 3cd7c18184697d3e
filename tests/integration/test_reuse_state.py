"""nose_fastfixtures.database.reuse_state on real databases: sequences put back, several tables at once."""

import textwrap

from tests.helpers.scripts import run_sample_script

SCRIPT = textwrap.dedent('''
    import json
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database import reuse_state

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        fresh = reuse_state.table_digests(connection)
        with transaction.atomic():  # rolled back: the rows go, the sequences stay moved
            call_command("loaddata", "catalog", verbosity=0)
            transaction.set_rollback(True)
        moved = reuse_state.table_digests(connection)
        statements = []
        def count(execute, sql, *rest):
            statements.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            now = reuse_state.restore_sequences(connection, fresh)
        refused_first = None
        if connection.vendor == "mysql":  # the others start only once the guard let the first through
            def refuse(execute, sql, *rest):
                raise RuntimeError("refused")

            with connection.execute_wrapper(refuse):
                try:
                    with reuse_state.alongside(connection, ["ALTER TABLE catalog_tag AUTO_INCREMENT = 77"]):
                        connection.cursor().execute("ALTER TABLE catalog_product AUTO_INCREMENT = 78")
                except RuntimeError:
                    pass
            refused_first = reuse_state.table_digests(connection)["sequence:catalog_tag"]
        seen = {
            "refused_first": refused_first,
            "moved": sorted(key for key in fresh if key.startswith("sequence:") and moved[key] != fresh[key]),
            "returned_fresh": all(now[key] == fresh[key] for key in fresh if key.startswith("sequence:")),
            "read_fresh": reuse_state.table_digests(connection) == fresh,
            "on_the_connection": len([sql for sql in statements if "ALTER" in sql or "setval" in sql]),
        }
    finally:
        teardown_databases(names, verbosity=0)
    print(json.dumps(seen))
''')


def test_moved_sequences_are_put_back(backend):
    seen = run_sample_script(SCRIPT, backend=backend)

    if backend == "sqlite":  # its sequences are rows: rolled back with them
        assert seen["moved"] == [] and seen["read_fresh"], seen
        return
    assert len(seen["moved"]) >= 3, seen
    assert seen["returned_fresh"] and seen["read_fresh"], seen
    # PostgreSQL: one setval statement; MySQL: one ALTER TABLE on the alias's connection (its
    # write guard lets it through first), the others at the same time on connections of their own.
    assert seen["on_the_connection"] == 1, seen
    if backend == "mysql":
        assert seen["refused_first"] == 1, seen  # nothing ran
