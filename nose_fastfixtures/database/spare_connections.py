"""Django's next server connection to a test database: the session it closed, reset, or one opened ahead.

Django closes every connection at the end of each TestCase class and after each
TransactionTestCase test, so that the next one starts a new server session. On
PostgreSQL that costs twice: the server starts a process for the session (about 5 ms),
and the new session knows nothing of the tables yet, so the first statements touching
each table wait while it reads the catalogs (1-4 ms for a class's first statements).

Kept sessions: when Django closes a connection that is idle (after rolling back what is
open), the session is reset the way connection poolers hand a session to a new client
(pgbouncer's ``server_reset_query``): ``DISCARD ALL`` drops its temporary tables, prepared
statements, cursors, LISTENs, advisory locks, sequence state and plans, and puts every
setting back to the value the session started with. Django's next connect gets it, in a
new driver object (no adapter, handler or notification of the old one), and does its own
set-up as always (autocommit, time zone, role, ``connection_created``). What differs from
a new session: its process id and start time, and the catalogs it has read. A custom
setting (``app.tenant``) survives a reset as an empty string where a new session has
none: a session that ran ``set_config`` or ``SET`` of such a name through Django, on a
database with functions of its own (which could do either unseen), or inside an atomic
block, is closed as Django closes it.

Spare connections: one connection per test database is also kept ready, opened in a
thread with the parameters Django passes, for a connect that finds no kept session.

What differs for both: one idle session more on the test database while tests run.
Before a statement through Django that could see it or meet it (pg_stat_activity and the
other pg_stat views, pg_locks, pg_terminate_backend, a statement naming a DATABASE or a
TEMPLATE: copying, dropping, altering one) the idle sessions are closed and gone from
the server, and statements changing the settings a session takes when it starts (ALTER
DATABASE/ROLE ... SET, ALTER SYSTEM, pg_reload_conf) are among those: the next session
takes them. Statements that bypass Django (the driver's own cursor, another process) can
see them: ``--no-spare-connections`` turns both off. A session the server ended
meanwhile (pg_terminate_backend), or made with other parameters, is closed and Django
connects itself. Idle sessions are closed before a fork (a child must not share their
sockets) and before the test databases are torn down (PostgreSQL drops no database that
has sessions). Only PostgreSQL (psycopg 3 for kept sessions) without Django's pool:
MySQL and MariaDB connect in well under a millisecond, SQLite has no server.
"""

import os
import re
import select
import socket
import threading

_ALL = set()  # every started SpareConnections of this process, for the fork hook
_JOIN_SECONDS = 30
_GONE_SECONDS = 5


class _Spare:
    """One connection being opened, or opened, in a thread."""

    def __init__(self, driver, params):
        self.params, self.pid = params, os.getpid()
        self.connection = None
        self.abandoned = False  # closed before the thread finished: it closes what it opens
        self.thread = threading.Thread(target=self._open, args=(driver,), name="nff-spare-connection",
                                       daemon=True)
        self.thread.start()

    def _open(self, driver):
        try:
            connection = driver.connect(**self.params)
        except BaseException:  # Django's own connect will meet it and report it
            return
        if self.abandoned:
            connection.close()
        else:
            self.connection = connection

    def take(self, params):
        """The opened connection if it fits *params* and the server still holds it, else None (closed)."""
        self.thread.join(_JOIN_SECONDS)
        connection = self.connection
        fits = self.pid == os.getpid() and params == self.params
        if connection is not None and fits and _quiet(connection):
            return connection
        self.close()
        return None

    def close(self, until_gone=False):
        """Close it; *until_gone*: return once the server's process for it has ended."""
        self.thread.join(_JOIN_SECONDS)
        self.abandoned = True
        connection, self.connection = self.connection, None
        _close_session(connection, until_gone and self.pid == os.getpid())


def _close_session(connection, until_gone=False):
    """Close a driver connection; *until_gone*: return once the server's process for it has
    ended (and left pg_stat_activity, which it leaves before its socket closes)."""
    if connection is None:
        return
    watch = None
    try:
        if until_gone:
            watch = socket.socket(fileno=os.dup(connection.fileno()))
        connection.close()
        if watch is not None:
            watch.settimeout(_GONE_SECONDS)
            while watch.recv(4096):
                pass
    except Exception:
        pass
    finally:
        if watch is not None:
            watch.close()


# A custom setting (a dotted name) outlives DISCARD ALL as an empty string; functions of the
# project's own could set one unseen (those of extensions do not).
_SETS_CUSTOM = re.compile(r"\bset_config\b|\bSET\s+(?:SESSION\s+|LOCAL\s+)?\"?\w+\"?\.", re.I)
_MAKES_FUNCTIONS = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b", re.I)
_STORES = re.compile(r"\s*(?:CREATE|ALTER)\b", re.I)  # with set_config in it: a view, a rule...
_OWN_FUNCTIONS = (
    "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT EXISTS ("
    "SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))"
)


class _Kept:
    """A session Django closed, reset for its next connect (psycopg 3)."""

    def __init__(self, connection, params):
        self.connection, self.params, self.pid = connection, params, os.getpid()

    def take(self, params):
        """A new driver object on the session if it fits *params* and the server still holds it,
        else None (closed)."""
        connection, self.connection = self.connection, None
        if self.pid == os.getpid() and params == self.params and _quiet(connection):
            try:
                return _fresh_object(connection, params)
            except Exception:
                pass
        _close_session(connection)
        return None

    def close(self, until_gone=False):
        connection, self.connection = self.connection, None
        _close_session(connection, until_gone and self.pid == os.getpid())


def _fresh_object(old, params):
    """A psycopg connection object on *old*'s session, set up as ``psycopg.connect(**params)``
    sets up the one it makes; *old* can no longer reach the session."""
    from psycopg.adapt import AdaptersMap

    fresh = type(old)(old.pgconn)
    fresh._autocommit = bool(params.get("autocommit", False))
    if params.get("row_factory"):
        fresh.row_factory = params["row_factory"]
    if params.get("cursor_factory"):
        fresh.cursor_factory = params["cursor_factory"]
    if params.get("context"):
        fresh._adapters = AdaptersMap(params["context"].adapters)
    fresh.prepare_threshold = params.get("prepare_threshold", 5)
    del old.pgconn  # retired: using it fails at once, and it warns of nothing left open
    return fresh


def _quiet(connection):
    """True unless the server already wrote to the idle session: it ended it (or is ending it)."""
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class _Driver:
    """Stands for the driver module on one DatabaseWrapper; its ``connect`` takes the spare."""

    def __init__(self, module, spares, alias):
        self._module, self._spares, self._alias = module, spares, alias

    def __getattr__(self, name):
        return getattr(self._module, name)

    def connect(self, *args, **params):
        kept = self._spares.kept.pop(self._alias, None)
        connection = kept.take(params) if kept is not None and not args else None
        if connection is not None:
            self._spares.made[self._alias] = (connection, params)
            return connection
        spare = self._spares.pending.pop(self._alias, None)
        connection = spare.take(params) if spare is not None and not args else None
        if connection is None:
            connection = self._module.connect(*args, **params)
        if not args:
            self._spares.open(self._alias, self._module, params)  # the one after
            self._spares.made[self._alias] = (connection, params)
        return connection


# Statements that see the server's sessions or need to be alone on a database (the spares
# are gone before they run, as under Django), and statements that change the settings a
# session takes when it begins (ALTER DATABASE/ROLE ... SET, ALTER SYSTEM and a reload).
_SEES_SESSIONS = re.compile(
    r"\bpg_stat|\bpg_(?:terminate|cancel)_backend\b|\bpg_locks\b|\bTEMPLATE\b|\bDATABASE\b"
    r"|\bALTER\s+(?:ROLE|USER|SYSTEM)\b|\bpg_reload_conf\b", re.I)


class SpareConnections:
    """Kept sessions and spares for the test databases of a run's aliases, from ``start`` until ``stop``.

    *keep_sessions*: keep and reset the sessions Django closes (psycopg 3), besides the spares.
    """

    def __init__(self, keep_sessions=True):
        self.keep_sessions = keep_sessions
        self.pending = {}   # alias -> _Spare
        self.kept = {}      # alias -> _Kept
        self.made = {}      # alias -> (driver connection, the parameters it was made with)
        self.tainted = {}   # alias -> the driver connection that set a custom setting
        self.own_functions = {}  # alias -> whether its database has functions of its own
        self.patched = []   # the wrappers given a driver of ours
        self.pid = os.getpid()

    def start(self, connections, aliases):
        for alias in aliases:
            wrapper = connections[alias]
            if (wrapper.vendor != "postgresql" or wrapper.settings_dict["OPTIONS"].get("pool")
                    or "Database" in vars(wrapper)):
                continue
            try:
                params = wrapper.get_connection_params()
            except Exception:
                continue  # Django's connect will say what is wrong
            module = wrapper.Database
            wrapper.Database = _Driver(module, self, alias)
            wrapper.execute_wrappers.append(self._watch)
            if self.keep_sessions and module.__name__ == "psycopg":
                wrapper._close = self._keeper(wrapper, wrapper._close)
            self.patched.append(wrapper)
            self.open(alias, module, params)
        if self.patched:
            _ALL.add(self)

    def open(self, alias, module, params):
        if alias not in self.pending:
            self.pending[alias] = _Spare(module, params)

    def _keeper(self, wrapper, close):
        """Django's ``_close`` for *wrapper*: the session is reset and kept when it may be."""
        alias = wrapper.alias

        def _close():
            connection = wrapper.connection
            made, params = self.made.pop(alias, (None, None))
            tainted = self.tainted.pop(alias, None) is connection
            if (made is connection and not tainted and not wrapper.in_atomic_block
                    and alias not in self.kept and os.getpid() == self.pid):
                try:
                    if self._reset(alias, connection):
                        self.kept[alias] = _Kept(connection, params)
                        return None
                except Exception:
                    pass  # Django's close below says what is wrong, if anything
            return close()

        return _close

    def _reset(self, alias, connection):
        """Reset an idle session as a new one starts; False (nothing done) if it may not be kept."""
        from psycopg import pq

        info = connection.info
        if connection.closed or info.pipeline_status != pq.PipelineStatus.OFF:
            return False
        if info.transaction_status in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR):
            connection.rollback()
        elif info.transaction_status != pq.TransactionStatus.IDLE:
            return False  # a statement under way or a broken session
        connection.autocommit = True  # DISCARD ALL runs outside a transaction block
        if alias not in self.own_functions:  # asked again after a CREATE FUNCTION through Django
            self.own_functions[alias] = connection.execute(_OWN_FUNCTIONS, prepare=False).fetchone()[0]
        if self.own_functions[alias]:
            return False
        connection.execute("DISCARD ALL", prepare=False)
        return True

    def _watch(self, execute, sql, params, many, context):
        text = sql if isinstance(sql, str) else str(sql)
        if _SEES_SESSIONS.search(text):
            self.close_spares(until_gone=True)  # the next connects open the next ones
        wrapper = context["connection"]
        if _SETS_CUSTOM.search(text):
            self.tainted[wrapper.alias] = wrapper.connection
            if _STORES.match(text):
                self.own_functions[wrapper.alias] = True  # later sessions may run it unseen
        elif _MAKES_FUNCTIONS.match(text):
            self.own_functions.pop(wrapper.alias, None)
        return execute(sql, params, many, context)

    def close_spares(self, until_gone=False):
        pending, self.pending = self.pending, {}
        kept, self.kept = self.kept, {}
        for spare in [*pending.values(), *kept.values()]:
            spare.close(until_gone)

    def stop(self):
        """Every spare and kept session closed and every wrapper as Django made it."""
        _ALL.discard(self)
        for wrapper in self.patched:
            vars(wrapper).pop("Database", None)
            vars(wrapper).pop("_close", None)
            if self._watch in wrapper.execute_wrappers:
                wrapper.execute_wrappers.remove(self._watch)
        self.patched = []
        self.made, self.tainted = {}, {}
        self.close_spares(until_gone=True)  # the databases may be dropped next


def _before_fork():
    for spares in list(_ALL):
        spares.close_spares()


os.register_at_fork(before=_before_fork)
