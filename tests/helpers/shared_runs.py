"""A run that several tests compare with, made once per test session, also when pytest-xdist
spreads those tests over workers.

The tests of test_sample_fidelity compare with one run of Django's runner over the whole
sample suite per backend (several minutes on MariaDB). Each worker asks for it: the first
one makes it and saves it in the folder every worker of the session shares; the others
read it, or wait for it while it is being made. ``claim`` lets a test make it first if no
one is making it yet, so that a test that would only wait does its own runs first.
"""

import dataclasses
import fcntl
import json
import os
from contextlib import contextmanager

from tests.helpers.oracle import Run


def session_folder(tmp_path_factory):
    """The folder the workers of this pytest-xdist session share; None without xdist."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return None
    return tmp_path_factory.getbasetemp().parent  # each worker's basetemp is a folder in it


class SharedRun:
    """One run, made by *make* (returns a Run) at most once per session."""

    def __init__(self, folder, name, make):
        self.path = folder / f"{name}.json" if folder else None
        self.make = make
        self.run = None

    def claim(self):
        """Make the run now, unless it is made or another worker is making it."""
        if self.run is not None:
            return
        if self.path is None:
            self.run = self.make()
            return
        with self._lock(wait=False) as locked:
            if locked:
                self.run = self._read() or self._make_and_save()

    def get(self):
        """The run: made already, read from the shared folder, or made here (after waiting
        for a worker that is making it)."""
        if self.run is None and self.path is None:
            self.run = self.make()
        if self.run is None:
            with self._lock(wait=True):
                self.run = self._read() or self._make_and_save()
        return self.run

    @contextmanager
    def _lock(self, wait):
        with open(self.path.with_suffix(".lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self):
        if not self.path.exists():
            return None
        return Run(**json.loads(self.path.read_text()))

    def _make_and_save(self):
        run = self.make()
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(dataclasses.asdict(run)))
        partial.replace(self.path)
        return run
