"""The time report's probes: loaddata and flush calls, password hashing, sleeps, network waits, writes.

Each probe wraps one function and records a timeline span around it; nothing it
wraps changes what it returns or raises. They are installed only while the time
report is on, and only the thread that runs the tests is measured (a live server's
thread waiting for requests is not the test waiting). ``watch()`` marks the running
test's first database write, and any query from another thread while it runs.
"""

import functools
import socket
import threading
import time

from nose_fastfixtures.harness.patching import replace_class_attribute
from nose_fastfixtures.planning.durations import layer_key
from nose_fastfixtures.planning.sql_writes import tables_written

SOCKET_CALLS = ("connect", "connect_ex", "accept", "recv", "recv_into", "recvfrom", "recvfrom_into",
                "send", "sendall", "sendto")
SSL_CALLS = ("connect", "connect_ex", "accept", "recv", "recv_into", "read", "send", "sendall", "write",
             "do_handshake")
HASHER_CALLS = ("encode", "verify", "harden_runtime")


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)


class Probes:
    """Installs the wrappers, records their spans in *timeline*, and takes them away again."""

    def __init__(self, timeline):
        self.timeline = timeline
        self.thread = threading.get_ident()
        self.undo = []
        self.watching = None   # the id of the running test whose writes matter, or None
        self.marked = set()

    def timed(self, kind, function, name_of=lambda args, kwargs: ""):
        """*function*, recording a *kind* span around each call made on the tests' thread."""
        timeline, thread = self.timeline, self.thread

        @functools.wraps(function)
        def timed(*args, **kwargs):
            if threading.get_ident() != thread:
                return function(*args, **kwargs)
            start = timeline.clock()
            try:
                return function(*args, **kwargs)
            finally:
                timeline.add(kind, name_of(args, kwargs), start, timeline.clock())

        return timed

    def _wrap_method(self, cls, name, kind, name_of=lambda args, kwargs: ""):
        self.undo.append(replace_class_attribute(cls, name, self.timed(kind, getattr(cls, name), name_of)))

    def _wrap_module_function(self, module, name, kind):
        original = getattr(module, name)
        setattr(module, name, self.timed(kind, original))
        self.undo.append(lambda: setattr(module, name, original))

    def install(self):
        self.install_commands()
        self.install_hashers()
        self._wrap_module_function(time, "sleep", "sleep")
        self.install_network()
        self.install_statement_watch()
        return self

    def uninstall(self):
        while self.undo:
            self.undo.pop()()

    def install_commands(self):
        from django.core.management.commands import flush, loaddata

        self._wrap_method(loaddata.Command, "handle", "loaddata",
                          lambda args, kwargs: layer_key([kwargs.get("database", "default")], args[1:]))
        self._wrap_method(flush.Command, "handle", "flush", lambda args, kwargs: kwargs.get("database", ""))

    def install_hashers(self):
        """Every hasher class known now; only methods a class defines itself, so none is timed twice."""
        from django.contrib.auth.hashers import BasePasswordHasher, get_hashers

        get_hashers()  # imports the classes the settings name
        for cls in [BasePasswordHasher, *_all_subclasses(BasePasswordHasher)]:
            algorithm = getattr(cls, "algorithm", None) or cls.__name__
            for name in HASHER_CALLS:
                if name in cls.__dict__:
                    self._wrap_method(cls, name, "password-hash", lambda args, kwargs, a=algorithm: a)

    def install_network(self):
        import ssl

        for name in SOCKET_CALLS:
            self._wrap_method(socket.socket, name, "network", lambda args, kwargs, n=name: n)
        for name in SSL_CALLS:
            if name in ssl.SSLSocket.__dict__:
                self._wrap_method(ssl.SSLSocket, name, "network", lambda args, kwargs, n=name: "ssl " + n)
        self._wrap_module_function(socket, "getaddrinfo", "network")

    def install_statement_watch(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        def on_connection_created(sender, connection, **kwargs):
            if self._statement not in connection.execute_wrappers:
                connection.execute_wrappers.append(self._statement)

        def remove():
            connection_created.disconnect(on_connection_created)
            for connection in connections.all(initialized_only=True):
                if self._statement in connection.execute_wrappers:
                    connection.execute_wrappers.remove(self._statement)

        connection_created.connect(on_connection_created, weak=False)
        for connection in connections.all(initialized_only=True):
            on_connection_created(None, connection)
        self.undo.append(remove)

    def watch(self, test_id):
        """Mark *test_id*'s first write and other threads' queries (None: stop watching)."""
        self.watching = test_id
        self.marked = set()

    def _statement(self, execute, sql, params, many, context):
        if self.watching is not None:
            if threading.get_ident() != self.thread:
                self._mark("thread-query")
            elif "db-write" not in self.marked and tables_written(sql):
                self._mark("db-write")
        return execute(sql, params, many, context)

    def _mark(self, kind):
        if kind not in self.marked:
            self.marked.add(kind)
            now = self.timeline.clock()
            self.timeline.add(kind, self.watching, now, now)
