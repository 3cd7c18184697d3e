"""spare_connections on a real server: Django's next connection opened ahead, still a session of its own."""

import textwrap

import pytest

from tests.helpers.scripts import run_sample_script

SCRIPT = textwrap.dedent('''
    import json, os
    import django
    django.setup()
    from django.db import connection, connections
    from django.db.backends.signals import connection_created
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database.spare_connections import SpareConnections

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    seen = {"created": 0}
    connection_created.connect(lambda **kwargs: seen.__setitem__("created", seen["created"] + 1), weak=False)

    def backend():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_setting('TimeZone')")
            return cursor.fetchone()

    def sessions():
        with connections["other"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                           [connection.settings_dict["NAME"]])
            return cursor.fetchone()[0]

    connections.settings["other"] = {**connections.settings["default"]}
    spares = SpareConnections()
    try:
        first = backend()
        spares.start(connections, ["default"])
        spare = spares.pending["default"]
        spare.thread.join()
        spare_pid = spare.connection.info.backend_pid
        seen["sessions_with_spare"] = sessions()  # this one, the spare, "other"
        # Through the connection it serves, a statement that sees sessions runs once it is gone.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                           [connection.settings_dict["NAME"]])
            seen["sessions_seen_by_default"] = cursor.fetchone()[0]
        seen["spare_closed_first"] = "default" not in spares.pending
        # A psycopg Composed statement (not a str) is looked at too.
        connection.close()
        from psycopg import sql
        with connection.cursor() as cursor:
            spares.pending["default"].thread.join()
            cursor.execute(sql.SQL("SELECT count(*) FROM {} WHERE datname = %s").format(
                sql.Identifier("pg_stat_activity")), [connection.settings_dict["NAME"]])
            seen["composed_sees"] = cursor.fetchone()[0]
        connection.close()
        backend()  # the session after that statement; it opens the next spare
        spares.pending["default"].thread.join()
        spare_pid = spares.pending["default"].connection.info.backend_pid
        connection.close()
        second = backend()
        seen["took_the_spare"] = second[0] == spare_pid
        seen["new_session"] = second[0] != first[0]
        seen["time_zone_as_django_sets_it"] = second[1] == first[1]

        # A spare the server ended meanwhile is left, and Django connects itself.
        spares.pending["default"].thread.join()
        doomed = spares.pending["default"].connection.info.backend_pid
        with connections["other"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [doomed])
        import time; time.sleep(0.2)
        connection.close()
        third = backend()
        seen["terminated_spare_left"] = third[0] != doomed

        # A setting a new session takes at its start: spares made before it are closed.
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                           "SET work_mem = '3MB'")
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem')")
            seen["work_mem"] = cursor.fetchone()[0]

        # A fork closes the spares first; stop leaves no session and the wrapper as it was.
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        seen["spares_after_fork"] = len(spares.pending)
        connection.close()
        backend()
        spares.pending["default"].thread.join()
        last_spare = spares.pending["default"].connection.info.backend_pid
        spares.stop()
        with connections["other"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [last_spare])
            seen["spare_after_stop"] = cursor.fetchone()[0]
        seen["wrapper_restored"] = "Database" not in vars(connection)
        seen["connects"] = seen["created"]
    finally:
        spares.stop()
        connections["other"].close()
        teardown_databases(names, verbosity=0)
    print(json.dumps(seen))
''')


def test_the_next_connection_is_a_new_session_opened_ahead_and_left_when_it_cannot_serve(backend):
    if backend != "postgresql":
        pytest.skip("spares are made on PostgreSQL only")
    seen = run_sample_script(SCRIPT, backend=backend)
    assert seen["sessions_with_spare"] == 3
    assert seen["sessions_seen_by_default"] == 2 and seen["spare_closed_first"]
    assert seen["composed_sees"] == 2
    assert seen["took_the_spare"] and seen["new_session"] and seen["time_zone_as_django_sets_it"]
    assert seen["terminated_spare_left"]
    assert seen["work_mem"] == "3MB"
    assert seen["spares_after_fork"] == 0
    assert seen["spare_after_stop"] == 0
    assert seen["wrapper_restored"]
    # "other", and six new sessions of default: after pg_stat_activity, after the Composed one,
    # second, third, after ALTER, after the fork
    assert seen["connects"] == 7
