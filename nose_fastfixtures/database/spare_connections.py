"""Django's next server connection to a test database, opened ahead while the tests run.

Django closes every connection at the end of each TestCase class and after each
TransactionTestCase test, so that the next one starts a new server session; the next
query then waits for the new connection (about 5 ms on PostgreSQL, whose server starts
a process for each: 160 times in the sample suite). Here one connection per test
database is kept ready, opened in a thread with the parameters Django passes; Django's
next connect gets it from the driver's ``connect``, and the next one is opened at once.
Django does the rest of its connecting as always (autocommit, its session settings,
``connection_created``) on a session nothing ran on.

What differs: when the server made the session, and one idle session more on the test
database while tests run. Before a statement through Django that could see it or meet
it (pg_stat_activity and the other pg_stat views, pg_locks, pg_terminate_backend, a
statement naming a DATABASE or a TEMPLATE: copying, dropping, altering one) the spares
are closed and gone from the server, and statements changing the settings a session
takes when it starts (ALTER DATABASE/ROLE ... SET, ALTER SYSTEM, pg_reload_conf) are
among those: the next session takes them. Statements that bypass Django (the
driver's own cursor, another process) can see a spare: ``--no-spare-connections``
turns them off. A spare the server ended meanwhile (pg_terminate_backend), or made
with other parameters, is closed and Django connects itself. Spares are closed before
a fork (a child must not share their sockets) and before the test databases are torn
down (PostgreSQL drops no database that has sessions). Only PostgreSQL without Django's
pool: MySQL and MariaDB connect in well under a millisecond, SQLite has no server.
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
        """Close it; *until_gone*: return once the server's process for it has ended (and left
        pg_stat_activity, which it leaves before its socket closes)."""
        self.thread.join(_JOIN_SECONDS)
        self.abandoned = True
        connection, self.connection = self.connection, None
        if connection is None:
            return
        watch = None
        try:
            if until_gone and self.pid == os.getpid():
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
        spare = self._spares.pending.pop(self._alias, None)
        connection = spare.take(params) if spare is not None and not args else None
        if connection is None:
            connection = self._module.connect(*args, **params)
        if not args:
            self._spares.open(self._alias, self._module, params)  # the one after
        return connection


# Statements that see the server's sessions or need to be alone on a database (the spares
# are gone before they run, as under Django), and statements that change the settings a
# session takes when it begins (ALTER DATABASE/ROLE ... SET, ALTER SYSTEM and a reload).
_SEES_SESSIONS = re.compile(
    r"\bpg_stat|\bpg_(?:terminate|cancel)_backend\b|\bpg_locks\b|\bTEMPLATE\b|\bDATABASE\b"
    r"|\bALTER\s+(?:ROLE|USER|SYSTEM)\b|\bpg_reload_conf\b", re.I)


class SpareConnections:
    """Spares for the test databases of a run's aliases, from ``start`` until ``stop``."""

    def __init__(self):
        self.pending = {}   # alias -> _Spare
        self.patched = []   # the wrappers given a driver of ours

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
            self.patched.append(wrapper)
            self.open(alias, module, params)
        if self.patched:
            _ALL.add(self)

    def open(self, alias, module, params):
        if alias not in self.pending:
            self.pending[alias] = _Spare(module, params)

    def _watch(self, execute, sql, params, many, context):
        if self.pending and _SEES_SESSIONS.search(sql if isinstance(sql, str) else str(sql)):
            self.close_spares(until_gone=True)  # the next connects open the next ones
        return execute(sql, params, many, context)

    def close_spares(self, until_gone=False):
        pending, self.pending = self.pending, {}
        for spare in pending.values():
            spare.close(until_gone)

    def stop(self):
        """Every spare closed and every wrapper as Django made it."""
        _ALL.discard(self)
        for wrapper in self.patched:
            vars(wrapper).pop("Database", None)
            if self._watch in wrapper.execute_wrappers:
                wrapper.execute_wrappers.remove(self._watch)
        self.patched = []
        self.close_spares(until_gone=True)  # the databases may be dropped next


def _before_fork():
    for spares in list(_ALL):
        spares.close_spares()


os.register_at_fork(before=_before_fork)
