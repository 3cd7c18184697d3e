"""Locks between runs on one kept test database: a file lock for SQLite, a server lock otherwise.

Both are released by the system when the process holding them dies, so a killed run
never blocks the next one.
"""

import fcntl
import os
import socket

from nose_fastfixtures.planning import fingerprint


class FileLock:
    """``flock`` on ``<database file>.lock``: released by the kernel when the process dies."""

    def __init__(self, database_path):
        self.path = f"{database_path}.lock"
        self.fd = None

    def acquire(self, wait):
        self.fd = self.fd if self.fd is not None else os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()} {socket.gethostname()}\n".encode())  # who holds it
        return True

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class ServerLock:
    """A PostgreSQL advisory lock or a MySQL ``GET_LOCK``, held by a connection of its own.

    The connection names no database (PostgreSQL's maintenance database ``postgres``),
    so the lock never touches the real one; the server drops it if the process dies.
    It is the driver's own connection: a lock needs none of Django's session set-up (on
    MySQL two more statements in every warm run), and Django's ``connection_created``
    would tell the project's receivers of a connection under an alias they cannot look
    up (``django.contrib.postgres`` looks every one up in ``django.db.connections``).
    """

    def __init__(self, connection, target):
        self.vendor = connection.vendor
        options = {name: value for name, value in connection.settings_dict.get("OPTIONS", {}).items()
                   if name != "pool"}  # one connection of its own, not one from the project's pool
        settings_dict = {**connection.settings_dict, "NAME": None, "OPTIONS": options}
        self.holder = type(connection)(settings_dict, alias=connection.alias)  # never connected itself
        self.bare = None
        key = fingerprint.digest(target)
        self.key = int(key[:15], 16) if self.vendor == "postgresql" else f"nose_fastfixtures:{key}"

    def acquire(self, wait):
        if self.vendor == "postgresql":
            sql = "SELECT pg_advisory_lock(%s), true" if wait else "SELECT pg_try_advisory_lock(%s)"
        else:
            sql = "SELECT GET_LOCK(%s, 31536000)" if wait else "SELECT GET_LOCK(%s, 0)"
        with self.holder.wrap_database_errors:
            if self.bare is None:
                self.bare = self.holder.get_new_connection(self.holder.get_connection_params())
                if self.vendor == "postgresql":
                    self.bare.autocommit = True  # the lock is the session's: no transaction left open
            cursor = self.bare.cursor()
            try:
                cursor.execute(sql, [self.key])
                return bool(cursor.fetchone()[-1])
            finally:
                cursor.close()

    def release(self):
        if self.bare is not None:
            try:
                self.bare.close()
            finally:
                self.bare = None
