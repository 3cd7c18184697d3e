"""A nose plugin for tests: checks every class leaves each database as it found it.

Enabled by NFF_STATE_FILE; writes ``{class: [differences]}`` there at the end. It
runs after every other plugin (lowest score), so a class's fixtures are already
removed when it looks; rows a class leaves for a next class with the same fixtures
(class-fixtures' hand-over) are removed first, as they are before anything but that
class runs.
"""

import json
import os
from inspect import isclass

from nose.plugins import Plugin

STATE_ENV = "NFF_STATE_FILE"


def snapshot(aliases):
    from django.db import connections

    from nose_fastfixtures.database.ledger import read_table, table_names

    state = {}
    for alias in aliases:
        connection = connections[alias]
        for table in table_names(connection):
            columns, rows = read_table(connection, table)
            state[f"{alias}.{table}"] = sorted(repr(row) for row in rows)
    return state


class StateChecker(Plugin):
    name = "state-checker"
    score = 0

    def options(self, parser, env):
        pass

    def configure(self, options, conf):
        self.enabled = bool(os.environ.get(STATE_ENV))
        self.before = {}
        self.differences = {}

    def _aliases(self, context):
        names = getattr(context, "_databases_names", None)
        return names(include_mirrors=False) if isclass(context) and names else []

    def startContext(self, context):
        aliases = self._aliases(context)
        if aliases:
            self.before[context] = snapshot(aliases)

    def stopContext(self, context):
        before = self.before.pop(context, None)
        if before is None:
            return
        from nose_fastfixtures.plugins.class_fixtures import drop_handover

        drop_handover()
        after = snapshot(self._aliases(context))
        changed = sorted(table for table in before if before[table] != after.get(table))
        self.differences[f"{context.__module__}.{context.__qualname__}"] = changed

    def finalize(self, result):
        with open(os.environ[STATE_ENV], "w") as stream:
            json.dump(self.differences, stream, indent=1, sort_keys=True)
