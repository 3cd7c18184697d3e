"""The project's ``TEST_RUNNER`` class, made as ``manage.py test`` makes it, for its set-up hooks.

Which hooks run and the line about the others are decided in
``planning.project_runner``; this module imports the class, builds the options
``manage.py test`` would give it, and calls its test-environment hooks (its database
hooks are composed with ours in ``database.runner_hooks``).
"""

import sys
import unittest
from contextlib import contextmanager

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning import project_runner as planning


def _overridden(cls, base):
    """The attribute names *cls* defines below *base* in its MRO, a nose runner's own left out
    (a project's subclass of django-nose's runner, or ours, inherits them: they are this run)."""
    names = set()
    for klass in cls.__mro__:
        if issubclass(base, klass) or planning.is_nose_runner(klass.__module__ or ""):
            continue
        names.update(vars(klass))
    return names


def runner_class():
    """``(class to use, dotted TEST_RUNNER, whether it is the project's own, warning line or None)``."""
    from django.conf import settings
    from django.test.runner import DiscoverRunner
    from django.test.utils import get_runner

    dotted = settings.TEST_RUNNER
    if planning.is_nose_runner(dotted.rpartition(".")[0]):
        # django-nose's runner (often still named after a move to nosetests, django_nose gone) or ours.
        return DiscoverRunner, dotted, False, None
    try:
        cls = get_runner(settings)
    except Exception as exc:
        raise ConfigError(f"settings.TEST_RUNNER = {dotted!r} does not import ({type(exc).__name__}: {exc}); "
                          f"fix TEST_RUNNER in the settings") from exc
    if not isinstance(cls, type) or not issubclass(cls, DiscoverRunner):
        return DiscoverRunner, dotted, False, planning.not_a_discover_runner_warning(dotted)
    if cls is DiscoverRunner or planning.is_nose_runner(cls.__module__ or ""):
        return DiscoverRunner, dotted, False, None  # a nose runner is this run itself: Django's plain hooks
    unused = planning.unused_hooks(_overridden(cls, DiscoverRunner))
    return cls, dotted, True, planning.unused_hooks_warning(dotted, unused)


def manage_py_test_defaults(dotted):
    """The options ``manage.py test`` gives its runner with nothing on its command line."""
    from django.core.management.commands.test import Command

    command = Command()
    command.test_runner = dotted  # None: DiscoverRunner's; else the parser takes that runner's add_arguments
    parser = command.create_parser("manage.py", "test")
    return vars(parser.parse_args([]))


_handed_over = []  # the runner instance manage.py test made, while it runs nose in this process


@contextmanager
def handed_over(runner):
    """While nose runs inside *runner*'s ``run_tests`` (``manage.py test`` with our TEST_RUNNER, or a
    project's subclass of it): the Django plugin uses that instance, made with the command line's
    options, rather than making another."""
    _handed_over.append(runner)
    try:
        yield runner
    finally:
        _handed_over.remove(runner)


def make_runner(verbosity, failfast=False, keepdb=False, parallel=0, shuffle=None, pdb=False, debug_mode=False):
    """``(runner instance, warning line or None)`` for this run; a runner that cannot be made is one line."""
    if _handed_over:
        return _running_runner(_handed_over[-1], verbosity)
    cls, dotted, own, warning = runner_class()
    try:
        defaults = manage_py_test_defaults(dotted if own else "django.test.runner.DiscoverRunner")
    except (Exception, SystemExit) as exc:  # its add_arguments wants something on the command line
        raise ConfigError(f"TEST_RUNNER {dotted!r}: manage.py test's options cannot be read without a "
                          f"command line ({type(exc).__name__}: {exc}); give its options defaults") from exc
    options = planning.construction_options(defaults, verbosity, failfast=failfast, keepdb=keepdb,
                                            parallel=parallel, shuffle=shuffle, pdb=pdb, debug_mode=debug_mode)
    try:
        return cls(**options), warning
    except Exception as exc:
        raise ConfigError(f"TEST_RUNNER {dotted!r} could not be made with the options manage.py test "
                          f"gives it: {type(exc).__name__}: {exc}") from exc


def _running_runner(instance, verbosity):
    """The runner manage.py test is running (its class is what manage.py chose, ``--testrunner``
    included): its own hooks, unless it is a nose runner itself (then Django's plain ones)."""
    from django.test.runner import DiscoverRunner

    cls = type(instance)
    if planning.is_nose_runner(cls.__module__ or ""):
        options = planning.construction_options(manage_py_test_defaults("django.test.runner.DiscoverRunner"),
                                                verbosity, failfast=instance.failfast, keepdb=instance.keepdb,
                                                parallel=instance.parallel, pdb=instance.pdb,
                                                debug_mode=instance.debug_mode)
        return DiscoverRunner(**options), None
    dotted = f"{cls.__module__}.{cls.__qualname__}"
    return instance, planning.unused_hooks_warning(dotted, planning.unused_hooks(_overridden(cls, DiscoverRunner)))


@contextmanager
def _without_unittest_signal_handler():
    """DiscoverRunner installs unittest's Ctrl-C handler for unittest's runner; nose has its own."""
    install, remove = unittest.installHandler, unittest.removeHandler
    unittest.installHandler = unittest.removeHandler = lambda: None
    try:
        yield
    finally:
        unittest.installHandler, unittest.removeHandler = install, remove


def setup_test_environment(runner):
    """The runner's ``setup_test_environment``, as ``run_tests`` calls it first."""
    with _without_unittest_signal_handler():
        runner.setup_test_environment()


def teardown_test_environment(runner):
    with _without_unittest_signal_handler():
        runner.teardown_test_environment()


def say(warning, stream=None):
    if warning:
        stream = stream or sys.stderr
        stream.write(warning + "\n")
        stream.flush()
