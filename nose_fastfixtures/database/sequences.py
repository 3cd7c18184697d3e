"""Loaded models' sequences set as loaddata leaves them, before each class: only the ones that moved.

Django's TestCase reloads its fixtures for every class, and loaddata ends by resetting
the loaded models' sequences; a class sharing loaded layers gets the same reset. A
class's tests roll back their rows but not the sequences their inserts advanced, so
most sequences of a layer stand where the last reset left them: on PostgreSQL (the
backend whose reset is a statement per model) their values are compared with the
values right after that reset, in one statement, and only the ones that moved are
reset again, with loaddata's own statements.
"""

from django.core.management.color import no_style
from django.db import connections


class LayerSequences:
    """The sequences of the models loaded by a stack of layers on one alias."""

    def __init__(self, alias):
        self.alias = alias
        self.connection = connections[alias]
        self.names = {}        # model -> its sequence's name (None: it has none)
        self.after_reset = {}  # sequence name -> its value right after the last reset
        self.stack_key = None

    def reset(self, records):
        """Reset the sequences of every model *records* (LoadRecords, outermost first) loaded."""
        models = list({model: None for record in records for model in record.records[self.alias].models})
        key = tuple(records)  # the records themselves: ids of dead ones could come back
        if self.connection.vendor != "postgresql":
            self._reset(models)  # nothing to run on SQLite and MySQL, one call elsewhere
            return
        if len(key) != len(self.stack_key or ()) or any(a is not b for a, b in zip(key, self.stack_key)):
            self.stack_key, self.after_reset = key, {}  # other layers, other rows: every one set again
        names = self.sequence_names(models)
        current = self._values(set(names.values()) - {None})
        moved = [model for model in models
                 if names[model] not in current or self.after_reset.get(names[model], "?") != current[names[model]]]
        if moved:
            self._reset(moved)
            current.update(self._values({names[model] for model in moved} - {None}))
        self.after_reset = current

    def _reset(self, models):
        statements = self.connection.ops.sequence_reset_sql(no_style(), models) if models else []
        if statements:
            with self.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def sequence_names(self, models):
        """``{model: its sequence's name or None}``, each model looked up once per run."""
        unknown = [model for model in models if model not in self.names]
        if unknown:
            parts = " UNION ALL ".join(f"SELECT {index}, pg_get_serial_sequence(%s, %s)"
                                       for index in range(len(unknown)))
            params = []
            for model in unknown:
                params += [self.connection.ops.quote_name(model._meta.db_table), model._meta.pk.column]
            with self.connection.cursor() as cursor:
                cursor.execute(parts, params)
                for index, qualified in cursor.fetchall():
                    self.names[unknown[index]] = qualified.split(".")[-1].strip('"') if qualified else None
        return {model: self.names[model] for model in models}

    def _values(self, names):
        """``{sequence: last value or None (not yet called)}``, in one statement."""
        if not names:
            return {}
        with self.connection.cursor() as cursor:
            # pg_sequences' rows, without its joins: the first query of each class's new
            # session, whose catalog lookups the server makes afresh (4 ms instead of 5 here)
            cursor.execute("SELECT relname, pg_sequence_last_value(oid) FROM pg_class WHERE relkind = 'S' "
                           "AND relnamespace = current_schema()::regnamespace AND relname = ANY(%s)",
                           [sorted(names)])
            return dict(cursor.fetchall())


_SEQUENCES_SQL = (
    "SELECT c.relname, s.seqstart, s.seqincrement, pg_sequence_last_value(c.oid) FROM pg_class c "
    "JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S' "
    "AND c.relnamespace = current_schema()::regnamespace"
)


class SequenceValues:
    """Every sequence of a PostgreSQL test database read and set as the value its next nextval returns."""

    def __init__(self, alias):
        self.alias = alias
        self.steps = {}  # name -> (start, increment)

    def read(self):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(_SEQUENCES_SQL)
            rows = cursor.fetchall()
        values = {}
        for name, start, increment, last in rows:
            self.steps[name] = (start, increment)
            values[name] = start if last is None else last + increment
        return values

    def write(self, values):
        """Set each sequence of *values* so that its next nextval returns the value given."""
        calls, params = [], []
        for name, value in sorted(values.items()):
            if name not in self.steps:
                continue  # made after the last read: nothing known of it
            start, increment = self.steps[name]
            quoted = connections[self.alias].ops.quote_name(name)
            if value == start:
                calls.append("setval(%s::regclass, %s, false)")
                params += [quoted, start]
            else:
                calls.append("setval(%s::regclass, %s, true)")
                params += [quoted, value - increment]
        if calls:
            with connections[self.alias].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(calls), params)


class AutoIncrementValues:
    """Every AUTO_INCREMENT counter of a MariaDB test database, read and set (the value the next
    new row gets). Setting one below a table's highest key sets it past that key, as InnoDB does."""

    def __init__(self, alias):
        self.alias = alias

    def read(self):
        with connections[self.alias].cursor() as cursor:
            cursor.execute("SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES "
                           "WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL")
            return {name: int(value) for name, value in cursor.fetchall()}

    def write(self, values):
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            for name, value in sorted(values.items()):
                # WAIT: a test's thread left holding the table must not hang the run
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(name)} WAIT 5 AUTO_INCREMENT = {int(value)}")

    def floors(self, models):
        """``{table: its highest key + 1}`` of *models*' tables: the least its counter can be."""
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        tables = {model._meta.db_table: model._meta.pk.column for model in models}
        if not tables:
            return {}
        union = " UNION ALL ".join(f"SELECT %s, MAX({quote(column)}) FROM {quote(table)}"
                                   for table, column in sorted(tables.items()))
        with connection.cursor() as cursor:
            cursor.execute(union, sorted(tables))
            return {table: (highest or 0) + 1 for table, highest in cursor.fetchall()}
