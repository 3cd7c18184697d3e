"""Which tables were written, on every connection of every thread, through Django's cursors.

An execute wrapper goes on each connection as it is created (``connection_created``
fires in whichever thread connects, a live server's included) and on the connections
that already exist. Raw SQL through ``connection.cursor()`` is seen too; only a
driver cursor taken from ``connection.connection`` bypasses it.
"""

import threading
from contextlib import contextmanager

from django.db import connections
from django.db.backends.signals import connection_created

from nose_fastfixtures.planning.sql_writes import EVERYTHING, tables_written


class WriteTracker:
    """Collects, per database alias, the tables written since the last ``take()``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._written = {}
        self._paused = threading.local()
        self._wrapped = set()

    def start(self):
        connection_created.connect(self._on_connection_created, weak=False)
        for connection in connections.all():
            self._wrap(connection)

    def stop(self):
        connection_created.disconnect(self._on_connection_created)

    def _on_connection_created(self, sender, connection, **kwargs):
        self._wrap(connection)

    def _wrap(self, connection):
        if id(connection) in self._wrapped and self._wrapper in connection.execute_wrappers:
            return
        self._wrapped.add(id(connection))
        connection.execute_wrappers.append(self._wrapper)

    def _wrapper(self, execute, sql, params, many, context):
        if not getattr(self._paused, "on", False):
            tables = tables_written(sql)
            if tables:
                alias = context["connection"].alias
                with self._lock:
                    self._written.setdefault(alias, set()).update(tables)
        return execute(sql, params, many, context)

    @contextmanager
    def paused(self):
        """Our own restores are not the test's writes."""
        self._paused.on = True
        try:
            yield
        finally:
            self._paused.on = False

    def take(self, alias):
        """The tables written on *alias* since the last call (EVERYTHING if unsure), and reset."""
        with self._lock:
            written = self._written.pop(alias, set())
        return EVERYTHING if "*" in written else frozenset(written)


_tracker = None


def tracker():
    """The process-wide tracker, started on first use."""
    global _tracker
    if _tracker is None:
        _tracker = WriteTracker()
        _tracker.start()
    return _tracker
