"""The project runner's database hooks, with ours where Django's own database set-up would be.

A runner's ``setup_databases`` typically calls ``super()`` and then adds rows, views or
extensions. ``DiscoverRunner.setup_databases`` creates the test databases through
``django.test.runner._setup_databases``; for the length of the runner's call that name
is ours (kept databases under ``REUSE_DB``, Django's creation otherwise), so whatever
the runner does before and after ``super()`` runs as under ``manage.py test``, on our
databases. The same for ``teardown_databases``.
"""

from contextlib import contextmanager

import django.test.runner as django_runner


@contextmanager
def _replacing(name, replacement):
    original = getattr(django_runner, name)
    setattr(django_runner, name, replacement)
    try:
        yield original
    finally:
        setattr(django_runner, name, original)


def setup_databases(runner, ours, aliases, serialized_aliases):
    """``runner.setup_databases(...)`` with *ours(aliases, serialized_aliases, **django_kwargs)* in
    place of Django's database creation; returns ``(what the runner returned, whether ours ran)``.

    *django_kwargs* are what DiscoverRunner passes Django's function (``time_keeper``,
    ``debug_sql``...); ours may use them.
    """
    called = []

    def our_setup_databases(verbosity, interactive, *, aliases=None, serialized_aliases=None, **kwargs):
        called.append(True)
        return ours(aliases, serialized_aliases, **kwargs)

    with _replacing("_setup_databases", our_setup_databases):
        returned = runner.setup_databases(aliases=aliases, serialized_aliases=serialized_aliases)
    return returned, bool(called)


def teardown_databases(runner, ours, old_config):
    """``runner.teardown_databases(old_config)`` with *ours()* in place of Django's destruction."""

    def our_teardown_databases(old_config, verbosity=None, parallel=0, keepdb=False):
        ours()

    with _replacing("_teardown_databases", our_teardown_databases):
        runner.teardown_databases(old_config)


def where(exc, cls):
    """`` (at path:line)`` of the innermost frame of *exc* in the source of *cls*'s classes, else ``""``."""
    import inspect
    import os
    import traceback

    files = set()
    for klass in cls.__mro__:
        try:
            files.add(os.path.abspath(inspect.getsourcefile(klass)))
        except (TypeError, OSError):
            pass
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if os.path.abspath(frame.filename) in files
              and not os.path.abspath(frame.filename).startswith(os.path.dirname(django_runner.__file__))]
    if not frames:
        return ""
    return f" (at {os.path.relpath(frames[-1].filename)}:{frames[-1].lineno})"


def overrides(runner, hook):
    """Whether *runner*'s class has its own *hook*, not DiscoverRunner's."""
    return getattr(type(runner), hook, None) is not getattr(django_runner.DiscoverRunner, hook, None)


def source_digest(cls):
    """A digest of the source files of the classes of *cls*'s MRO that define ``setup_databases``
    below DiscoverRunner (the project's code; the same whichever subclass runs it)."""
    import inspect

    from nose_fastfixtures.planning import fingerprint

    parts = []
    for klass in cls.__mro__:
        if issubclass(django_runner.DiscoverRunner, klass) or "setup_databases" not in vars(klass):
            continue
        try:
            path = inspect.getsourcefile(klass)
            with open(path, "rb") as source:
                parts.append(f"{klass.__module__}.{klass.__qualname__}:{fingerprint.digest(source.read())}")
        except (OSError, TypeError):
            parts.append(f"{klass.__module__}.{klass.__qualname__}")
    return fingerprint.digest("\n".join(parts))
