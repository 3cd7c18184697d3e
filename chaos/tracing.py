"""Inside a campaign's test process: a trace of the run's phases, and a log of statements on real databases.

Loaded by ``chaos/hook/sitecustomize.py`` into every Python process when
``CHAOS_TRACE=<file>`` (phases) or ``CHAOS_STATEMENT_LOG=<file>`` (statements) is set.
It changes nothing the run does: it wraps a few functions to write one line when
they are entered and left, once their module is imported (never importing anything
early). Lines are written with one ``os.write`` each on an ``O_APPEND`` file, so a
SIGKILL leaves every line written before it whole.

Trace lines: ``<monotonic seconds> <pid> + <phase>`` / ``- <phase>`` / ``! <event> <detail>``.
The campaign (``chaos/moments.py``) reads them to kill at a drawn moment and to
say which phase a kill fell in.
"""

import functools
import importlib.abc
import importlib.util
import os
import re
import sys
import time

# (module, attribute path, phase): the points a phase is entered at. The innermost
# phase open at a moment is where the run is. Kept in one table so that a rename in
# the package shows up as a "missing" line in the trace, not as silently lost phases.
PHASE_POINTS = (
    ("django.db.backends.base.creation", "BaseDatabaseCreation.create_test_db", "create"),
    ("django.db.backends.base.creation", "BaseDatabaseCreation.clone_test_db", "create"),
    ("django.core.management.commands.migrate", "Command.handle", "migrate"),
    ("nose_fastfixtures.database.reuse", "KeptDatabase.prepare", "reuse-check"),
    ("nose_fastfixtures.database.reuse", "KeptDatabase._migrate", "migrate"),
    ("nose_fastfixtures.database.reuse", "KeptDatabase._record_fresh", "create"),
    ("nose_fastfixtures.database.reuse", "_save_sqlite", "create"),
    ("nose_fastfixtures.database.reuse", "KeptDatabase.finish", "freshness"),
    ("nose_fastfixtures.plugins.fixture_bundling", "FixtureBundlingPlugin._stack_up", "layers"),
    ("nose_fastfixtures.database.class_fixtures", "ClassFixtures.fixture_setup", "class-restore"),
    ("nose_fastfixtures.database.class_fixtures", "ClassFixtures.finish", "class-restore"),
    ("nose_fastfixtures.plugins.django_plugin", "DjangoPlugin._teardown", "teardown"),
    ("unittest.case", "TestCase.run", "tests"),
)
LOCK_POINTS = (
    ("nose_fastfixtures.database.reuse_locks", "FileLock"),
    ("nose_fastfixtures.database.reuse_locks", "ServerLock"),
)

_fds = {}


def _write(env, line):
    path = os.environ.get(env)
    if not path:
        return
    fd = _fds.get(env)
    if fd is None:
        fd = _fds[env] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"{time.monotonic():.6f} {os.getpid()} {line}\n".encode())


def trace(line):
    _write("CHAOS_TRACE", line)


def _phase(function, phase):
    @functools.wraps(function)
    def traced(*args, **kwargs):
        trace(f"+ {phase}")
        try:
            return function(*args, **kwargs)
        finally:
            trace(f"- {phase}")
    traced.__chaos_traced__ = True
    return traced


def _resolve(module, path):
    owner = module
    parts = path.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    return owner, parts[-1]


def _patch_phases(module):
    for module_name, path, phase in PHASE_POINTS:
        if module_name != module.__name__:
            continue
        try:
            owner, name = _resolve(module, path)
            original = owner.__dict__[name]
        except (AttributeError, KeyError):
            trace(f"! missing {module_name}:{path}")
            continue
        if isinstance(original, (classmethod, staticmethod)):
            setattr(owner, name, type(original)(_phase(original.__func__, phase)))
        elif not getattr(original, "__chaos_traced__", False):
            setattr(owner, name, _phase(original, phase))


def _patch_locks(module):
    for module_name, class_name in LOCK_POINTS:
        if module_name != module.__name__:
            continue
        cls = getattr(module, class_name, None)
        if cls is None:
            trace(f"! missing {module_name}:{class_name}")
            continue
        acquire, release = cls.acquire, cls.release

        def traced_acquire(self, *args, _acquire=acquire, **kwargs):
            got = _acquire(self, *args, **kwargs)
            if got:
                trace(f"! lock-acquired {getattr(self, 'key', getattr(self, 'path', '?'))}")
            return got

        def traced_release(self, *args, _release=release, **kwargs):
            trace(f"! lock-released {getattr(self, 'key', getattr(self, 'path', '?'))}")
            return _release(self, *args, **kwargs)

        cls.acquire, cls.release = traced_acquire, traced_release


# --- statements on real databases ---------------------------------------------------

def _real_names():
    return [name for name in os.environ.get("CHAOS_REAL_NAMES", "").split(",") if name]


def _mentions(sql, names):
    return any(re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", sql) for name in names)


def _log_real_statement(execute, sql, params, many, context):
    connection = context["connection"]
    names = _real_names()
    database = str(connection.settings_dict.get("NAME") or "")
    on_real = database in names or os.path.basename(database) in names
    if on_real or (re.match(r"\s*(CREATE|DROP|ALTER)\s+(DATABASE|SCHEMA)", str(sql), re.I)
                   and _mentions(str(sql), names)):
        _write("CHAOS_STATEMENT_LOG", f"{connection.alias} {database} {' '.join(str(sql).split())[:300]}")
    return execute(sql, params, many, context)


def _on_connection_created(sender, connection, **kwargs):
    if _log_real_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(_log_real_statement)


def _patch_signals(module):
    if module.__name__ == "django.db.backends.signals" and os.environ.get("CHAOS_STATEMENT_LOG"):
        module.connection_created.connect(_on_connection_created, weak=False)


# --- applying the patches when the modules are imported -----------------------------

WATCHED = ({module for module, _, _ in PHASE_POINTS} | {module for module, _ in LOCK_POINTS}
           | {"django.db.backends.signals"})


def _after_import(module):
    if os.environ.get("CHAOS_TRACE"):
        _patch_phases(module)
        _patch_locks(module)
    _patch_signals(module)


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _after_import(module)


class _PatchingFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in WATCHED:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


def install():
    for name in WATCHED & set(sys.modules):  # imported before us (unittest, by site)
        _after_import(sys.modules[name])
    sys.meta_path.insert(0, _PatchingFinder())
    trace(f"! start {' '.join(sys.argv)[:200]}")
