"""Kept clones of kept test databases, one per worker of a parallel run under ``REUSE_DB``.

A clone is made with Django's own cloning and carries the kept database's state table
with it. It is reused only while it still matches the kept database: the same schema
fingerprint, the same fresh-state digests and row copies, and a clean finish by the
worker that used it last (which puts back what its tests changed, as a serial run does
for the kept database). Anything else clones it again. An in-memory SQLite database
needs no kept clone: each forked worker gets a copy of the loaded one.
"""

import os
import socket
import time

from nose_fastfixtures.database.reuse import log, restore_fresh
from nose_fastfixtures.database.reuse_state import write_entries
from nose_fastfixtures.errors import ConfigError


def clone_name(connection, number):
    return connection.creation.get_test_db_clone_settings(str(number))["NAME"]


def stale_reason(stored, database):
    """Why the clone whose state is *stored* cannot be reused for *database* (None: it can)."""
    if stored is None:
        return "there was none"
    if stored.get("fingerprint") != database.fingerprint:
        return "the schema changed"
    if stored.get("fresh") != database.fresh or stored.get("copies") != database.copies:
        return "the kept database was rebuilt"
    if stored.get("marker"):
        return "its last run did not finish cleanly"
    if database.changed_by_project:
        return "the TEST_RUNNER's setup_databases added to the kept database"
    return None


def keeps_clones(database):
    return database.keepable and not database.in_memory


def clone_for_workers(kept, count, verbosity):
    """Reuse or make the clone of each kept database for workers 1..*count*; one line per database."""
    for database in kept:
        creation = database.connection.creation
        if not keeps_clones(database):
            for number in range(1, count + 1):
                creation.clone_test_db(suffix=str(number), verbosity=verbosity)
            continue
        reused, cloned = [], []
        for number in range(1, count + 1):
            name = clone_name(database.connection, number)
            _refuse_real_name(kept, database, name)
            reason = stale_reason(database.read_state(name), database)
            if reason is None:
                reused.append(name)
            else:
                creation.clone_test_db(suffix=str(number), verbosity=max(verbosity - 1, 0))
                cloned.append(f"{name} ({reason})")
        if verbosity >= 1:
            said = ([f"reused clone{'s' if len(reused) > 1 else ''} {', '.join(reused)}"] if reused else []) + \
                   ([f"cloned {', '.join(cloned)}"] if cloned else [])
            log(f"reuse-db: {database.alias}: {'; '.join(said)}")


def _refuse_real_name(kept, database, name):
    if any(name == other.original_name for other in kept):
        raise ConfigError(f"reuse-db refuses to clone {database.test_name!r} into {name!r} for alias "
                          f"{database.alias!r}: it is the NAME of a real database; give "
                          f"DATABASES[{database.alias!r}]['TEST']['NAME'] a name of its own")


def _running_marker():
    return {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}


class WorkerClone:
    """A worker's kept clone of one kept database: marked running, left fresh at the end."""

    def __init__(self, database, verbosity):
        self.connection = database.connection  # pointed at the clone by setup_worker_connection
        self.name = self.connection.settings_dict["NAME"]
        self.fresh, self.copies = database.fresh, database.copies
        self.verbosity = verbosity
        assert self.name != database.original_name, "a worker writes only into its clone"

    def write(self, entries):
        with self.connection.cursor() as cursor:
            write_entries(cursor, self.connection.vendor, entries)

    def finish(self):
        """Put back what the tests changed and verify it; marked clean only if that worked."""
        from django.db import DatabaseError

        if self.connection.in_atomic_block or self.connection.settings_dict["NAME"] != self.name:
            return  # the marker stays: the next run clones it again
        try:
            changed = restore_fresh(self.connection, self.fresh, self.copies, self.verbosity)
            self.write({"marker": {"changed": changed} if changed else None})
        except DatabaseError as exc:
            if self.verbosity >= 2:
                log(f"reuse-db: {self.connection.alias}: could not restore {self.name} ({exc}); "
                    f"the next run clones it again")


def start_worker(kept, number, verbosity):
    """In worker *number*, its clones pointed at: mark each running (a killed worker means a new clone)."""
    clones = [WorkerClone(database, verbosity) for database in kept if keeps_clones(database)]
    for clone in clones:
        clone.write({"marker": _running_marker()})
    return clones


def finish_worker(clones):
    for clone in clones:
        clone.finish()
