"""Global fixtures (``--global-fixtures``): loaded once before the first test, present for every test.

They become part of what every test starts from, like the rows of a data migration:
loaded (and committed) into each test database right after it is made, loaded again
after every ``flush`` (Django's TransactionTestCase flushes after each test), and
under ``REUSE_DB`` kept in the kept database's fresh state, so a warm run loads
nothing. Per-class and bundled fixtures load on top of them and their removal puts
back what was there before, global rows included. This changes what tests see: a
test counting rows counts the global ones too; that is why it is an option.
"""

import os

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands import flush, loaddata
from django.db import DEFAULT_DB_ALIAS

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning import fingerprint


def parse_labels(value):
    """``"a, b"`` -> ``["a", "b"]``; empty or None -> ``[]``."""
    return [label.strip() for label in (value or "").split(",") if label.strip()]


def fixture_files(labels, alias=DEFAULT_DB_ALIAS):
    """The files loaddata would load for *labels*; ConfigError naming a label it cannot find."""
    command = loaddata.Command()
    command.using, command.app_label, command.verbosity, command.format = alias, None, 0, None
    command.serialization_formats = serializers.get_public_serializer_formats()
    files = []
    for label in labels:
        try:
            files += [path for path, _, _ in command.find_fixtures(label)]
        except CommandError as exc:
            raise ConfigError(f"--global-fixtures: {exc} (give fixture names as for loaddata, "
                              f"comma-separated, in --global-fixtures or 'global-fixtures' in [nosetests])") from exc
    return files


def identity(labels, files):
    """A digest of the labels and the content of their files: what a kept database must hold."""
    parts = [",".join(labels)]
    for path in files:
        with open(path, "rb") as source:
            parts.append(f"{os.path.basename(path)}:{fingerprint.digest(source.read())}")
    return fingerprint.digest("\n".join(parts))


class GlobalFixtures:
    """The run's global fixtures: which, where they are loaded, and loading them again after a flush."""

    def __init__(self, labels):
        self.labels = list(labels)
        self.aliases = []
        self.identity = identity(self.labels, fixture_files(self.labels)) if self.labels else None

    def __bool__(self):
        return bool(self.labels)

    def load(self, alias):
        """Load them into *alias*'s test database and commit."""
        if alias not in self.aliases:
            self.aliases.append(alias)
        call_command("loaddata", *self.labels, verbosity=0, database=alias)

    def note_present(self, alias):
        """*alias*'s kept database already holds them."""
        if alias not in self.aliases:
            self.aliases.append(alias)

    def reload_after_flushes(self):
        """Load them again after each ``flush`` of a database that has them; returns the undo."""
        handle = flush.Command.handle
        fixtures = self

        def flush_then_reload(command, **options):
            result = handle(command, **options)
            alias = options.get("database") or DEFAULT_DB_ALIAS
            if alias in fixtures.aliases:
                fixtures.load(alias)
            return result

        flush.Command.handle = flush_then_reload

        def restore():
            flush.Command.handle = handle

        return restore
