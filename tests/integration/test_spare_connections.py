"""spare_connections on a real server: Django's next connection opened ahead, still a session of its own,
or the session Django closed, reset as a new one starts."""

import textwrap

import pytest

from tests.helpers.scripts import run_sample_script

# Both scripts: the sample's test database made, and connects counted.
PREAMBLE = textwrap.dedent('''
    import json, os
    import django
    django.setup()
    from django.db import connection, connections, transaction
    from django.db.backends.signals import connection_created
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from nose_fastfixtures.database.spare_connections import SpareConnections

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    seen = {"created": 0}
    connection_created.connect(lambda **kwargs: seen.__setitem__("created", seen["created"] + 1), weak=False)
''')

SCRIPT = PREAMBLE + textwrap.dedent('''

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
    spares = SpareConnections(keep_sessions=False)
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


KEPT = PREAMBLE + textwrap.dedent('''
    connections.settings["other"] = {**connections.settings["default"]}

    def one(sql, params=(), alias="default"):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def sessions():
        return one("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                   [connection.settings_dict["NAME"]], alias="other")

    spares = SpareConnections()
    try:
        connection.close()  # made before the start: Django closes it itself
        spares.start(connections, ["default"])
        first_pid = one("SELECT pg_backend_pid()")
        fresh_zone = one("SELECT current_setting('TimeZone')")
        first_object = connection.connection
        # What a class leaves in its session: none of it reaches the next one.
        for sql in ("CREATE SEQUENCE seq_of_a_class", "CREATE TEMPORARY TABLE leftover (x int)",
                    "SET work_mem = '7MB'", "SET search_path TO pg_catalog", "SET TIME ZONE 'Asia/Tokyo'",
                    "PREPARE leftover_plan AS SELECT 1", "LISTEN leftover_channel"):
            with connection.cursor() as cursor:
                cursor.execute(sql)
        one("SELECT pg_advisory_lock(4242)")
        one("SELECT nextval('public.seq_of_a_class')")
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")  # left open, as a broken test may leave it
        connection.close()
        seen["kept_while_closed"] = "default" in spares.kept
        second_pid = one("SELECT pg_backend_pid()")
        seen["same_session"] = second_pid == first_pid
        seen["new_driver_object"] = connection.connection is not first_object
        seen["old_object_retired"] = not hasattr(first_object, "pgconn")
        seen["temp_table_gone"] = one("SELECT count(*) FROM pg_class WHERE relname = 'leftover'") == 0
        seen["work_mem"] = one("SELECT current_setting('work_mem')")
        seen["search_path"] = one("SELECT current_setting('search_path')")
        seen["time_zone_as_django_sets_it"] = one("SELECT current_setting('TimeZone')") == fresh_zone
        seen["prepared"] = one("SELECT count(*) FROM pg_prepared_statements")
        seen["listening"] = one("SELECT count(*) FROM pg_listening_channels()")
        seen["lock_released"] = one("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", alias="other") == 0
        try:
            one("SELECT currval('seq_of_a_class')")
            seen["currval_forgotten"] = False
        except Exception:
            seen["currval_forgotten"] = True
        connection.close()
        seen["autocommit_as_django_sets_it"] = (one("SELECT 1") == 1 and connection.get_autocommit()
                                                and connection.connection.autocommit)

        # A session that set a custom setting through Django is closed, as Django closes it:
        # the setting would outlive a reset as an empty string.
        pid = one("SELECT pg_backend_pid()")
        one("SELECT set_config('app.tenant', '5', true)")
        connection.close()
        seen["custom_setting_not_kept"] = "default" not in spares.kept
        seen["custom_setting_gone"] = one("SELECT current_setting('app.tenant', true)") is None
        seen["after_custom_new_session"] = one("SELECT pg_backend_pid()") != pid

        # Closed inside an atomic block: Django's own close.
        pid = one("SELECT pg_backend_pid()")
        try:
            with transaction.atomic():
                one("SELECT 1")
                connection.close()
                seen["closed_in_atomic_not_kept"] = "default" not in spares.kept
                raise RuntimeError
        except RuntimeError:
            pass
        seen["after_atomic_new_session"] = one("SELECT pg_backend_pid()") != pid

        # A kept session is hidden from Django's statements that see sessions.
        connection.close()
        seen["kept_before_stat"] = "default" in spares.kept
        spares.pending["default"].thread.join()
        with connections["other"].cursor():
            pass
        seen["sessions_with_kept_and_spare"] = sessions()  # kept, spare, other
        connections["other"].close()
        seen["stat_seen_by_default"] = one("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                           [connection.settings_dict["NAME"]])

        # With functions of the project's own (set_config could run unseen in one): closed.
        with connection.cursor() as cursor:
            cursor.execute("CREATE FUNCTION own_function() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        pid = one("SELECT pg_backend_pid()")
        connection.close()
        seen["own_function_not_kept"] = "default" not in spares.kept
        seen["after_function_new_session"] = one("SELECT pg_backend_pid()") != pid
        seen["connects"] = seen["created"]
    finally:
        spares.stop()
        connections["other"].close()
        teardown_databases(names, verbosity=0)
    print(json.dumps(seen))
''')


def test_a_closed_session_is_reset_and_kept_unless_it_may_hold_a_custom_setting(backend):
    if backend != "postgresql":
        pytest.skip("sessions are kept on PostgreSQL only")
    seen = run_sample_script(KEPT, backend=backend)
    assert seen["kept_while_closed"] and seen["same_session"]
    assert seen["new_driver_object"] and seen["old_object_retired"]
    assert seen["temp_table_gone"] and seen["prepared"] == 0 and seen["listening"] == 0
    assert seen["lock_released"] and seen["currval_forgotten"]
    assert seen["work_mem"] == "4MB" and seen["search_path"] == '"$user", public'
    assert seen["time_zone_as_django_sets_it"] and seen["autocommit_as_django_sets_it"]
    assert seen["custom_setting_not_kept"] and seen["custom_setting_gone"] and seen["after_custom_new_session"]
    assert seen["closed_in_atomic_not_kept"] and seen["after_atomic_new_session"]
    assert seen["kept_before_stat"] and seen["sessions_with_kept_and_spare"] == 3
    assert seen["stat_seen_by_default"] == 1
    assert seen["own_function_not_kept"] and seen["after_function_new_session"]
    # connection_created for every connect, kept sessions included: default's first, after the
    # reset, after the autocommit check, after the custom setting, after the atomic block, after
    # the pg_stat statement, after the function; and "other"
    assert seen["connects"] == 8
