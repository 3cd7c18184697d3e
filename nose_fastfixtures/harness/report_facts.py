"""What the time report needs to know of each test class, read from the class and its fixture files."""

import functools
import inspect
import os

from nose_fastfixtures.report.facts import LIVE_SERVER, OTHER, TESTCASE, TRANSACTION_TESTCASE, ClassFacts
from nose_fastfixtures.report.suggestions import count_fixture_objects

MAX_COUNTED_BYTES = 1 << 20  # a fixture file this large is no candidate for setUpTestData anyway


@functools.lru_cache(maxsize=None)
def relative(path, cwd):
    """*path* relative to *cwd* when inside it, else as it is."""
    if not path:
        return ""
    try:
        inside = os.path.commonpath([os.path.abspath(path), cwd]) == cwd
    except ValueError:
        inside = False
    return os.path.relpath(path, cwd) if inside else path


def source_path(cls, cwd):
    try:
        return relative(inspect.getsourcefile(cls), cwd)
    except (TypeError, OSError):
        return ""


def _kind(cls):
    from django.test import TestCase, TransactionTestCase

    if issubclass(cls, TestCase):
        return TESTCASE
    return TRANSACTION_TESTCASE if issubclass(cls, TransactionTestCase) else OTHER


def _needs_commits(cls):
    """Why *cls* must stay a TransactionTestCase whatever its tests do, or ""."""
    from django.test import LiveServerTestCase

    if issubclass(cls, LiveServerTestCase):
        return LIVE_SERVER
    for feature in ("serialized_rollback", "reset_sequences"):
        if getattr(cls, feature, False):
            return feature
    return ""


def _own_test_data(cls):
    from django.test import TestCase

    own = getattr(cls, "setUpTestData", None)
    return getattr(own, "__func__", own) is not TestCase.setUpTestData.__func__


@functools.lru_cache(maxsize=None)
def _fixture_finder(alias):
    """A loaddata command set up to find fixtures for *alias*; it caches each label's files itself."""
    from django.core import serializers
    from django.core.management.commands import loaddata

    command = loaddata.Command()
    command.using, command.app_label, command.verbosity = alias, None, 0
    command.serialization_formats = serializers.get_public_serializer_formats()
    return command


def fixture_files(labels, alias, cwd):
    """The files loaddata would read for *labels* into *alias*; () when one cannot be found."""
    from django.core.management.base import CommandError

    finder = _fixture_finder(alias)
    try:
        return tuple(relative(path, cwd) for label in labels for path, _, _ in finder.find_fixtures(label))
    except (CommandError, OSError):
        return ()


def class_facts(cls, cwd):
    """The ClassFacts of *cls*; files named relative to *cwd*."""
    kind = _kind(cls)
    fixtures = tuple(getattr(cls, "fixtures", None) or ()) if kind != OTHER else ()
    aliases = tuple(cls._databases_names(include_mirrors=False)) if fixtures else ()
    return ClassFacts(
        name=f"{cls.__module__}.{cls.__qualname__}",
        path=source_path(cls, cwd),
        kind=kind,
        fixtures=fixtures,
        fixture_files=fixture_files(fixtures, aliases[0] if aliases else "default", cwd) if fixtures else (),
        aliases=aliases,
        own_test_data=kind == TESTCASE and _own_test_data(cls),
        needs_commits=_needs_commits(cls) if kind == TRANSACTION_TESTCASE else "",
    )


def _count_file(path, extension):
    try:
        if os.path.getsize(path) > MAX_COUNTED_BYTES:
            return None
        with open(path, encoding="utf-8") as stream:
            return count_fixture_objects(stream.read(), extension)
    except (OSError, UnicodeDecodeError):
        return None


def objects_in(files, cwd, cache):
    """The number of objects in fixture *files* (paths relative to *cwd*); None if one cannot be counted."""
    total = 0
    for path in files:
        if path not in cache:
            full = os.path.join(cwd, path)
            name = os.path.basename(path)
            extension = name.split(".", 1)[1] if "." in name else ""
            cache[path] = _count_file(full, extension)
        if cache[path] is None:
            return None
        total += cache[path]
    return total
