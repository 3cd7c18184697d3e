"""Each bundled run's TestCase class starts from the key counters it has in Django's order.

Django glue for planning.sequence_replay: PostgreSQL's sequences and MariaDB's
AUTO_INCREMENT counters read before and after each class and each layer load, set
before each class to the values Django's order gives it (from what the classes that
ran consumed), and after the last class to the values Django's order leaves for the
classes after them. On PostgreSQL loaddata resets the loaded models' sequences (their
values do not depend on the order); on MariaDB their rows' keys only raise the counters.
Sequences ``loaddata`` resets inside a class (a class loading its own fixtures, a test
calling loaddata) are seen through loaddata itself. Not on MySQL proper, whose
information_schema shows counters cached for up to a day.
"""

from django.core.management.commands import loaddata
from django.db import connections

from nose_fastfixtures.database.sequences import AutoIncrementValues, LayerSequences, SequenceValues
from nose_fastfixtures.planning.sequence_replay import ClassRun, SequenceReplay


def replayable(connection):
    """Whether the counters of *connection*'s database are replayed: PostgreSQL and MariaDB."""
    return connection.vendor == "postgresql" or (connection.vendor == "mysql" and connection.mysql_is_mariadb)


def _replayable(aliases):
    return [alias for alias in aliases if replayable(connections[alias])]


def _with_join_tables(models):
    """*models* and their auto-created many-to-many tables' models (loaddata fills both)."""
    found = list(models)
    for model in models:
        found += [field.remote_field.through for field in model._meta.local_many_to_many
                  if field.remote_field.through._meta.auto_created]
    return found


class ClassSequences:
    """The replay of one serial run's TestCase classes, from the first class until ``finish``."""

    def __init__(self, django_order, layer_sequences):
        self.replay = SequenceReplay(django_order)
        self.values = {}     # alias -> SequenceValues or AutoIncrementValues
        self.layer_sequences = layer_sequences  # alias -> LayerSequences, the bundling plugin's:
        # their model -> sequence name lookups serve both
        self.current = None  # (class, aliases, start values, resets, floors, extra) of the class running
        self.observed = set()
        self.finished = False
        self._restore_loaddata = None
        self.known = {}      # alias -> its counters as last read, while nothing else can move them

    def __contains__(self, cls):
        return not self.finished and cls in self.replay

    def _counters(self, alias):
        if alias not in self.values:
            kind = SequenceValues if connections[alias].vendor == "postgresql" else AutoIncrementValues
            self.values[alias] = kind(alias)
        return self.values[alias]

    def _read(self, aliases, reuse=False):
        """``{(alias, name): value}``; *reuse*: values read at the last class's end stand (MariaDB:
        nothing but a layer load moves counters between two classes, and its load is read)."""
        values = {}
        for alias in aliases:
            known = self.known.get(alias) if reuse else None
            if known is None:
                known = self._counters(alias).read()
                if connections[alias].vendor != "postgresql":
                    self.known[alias] = known
            values.update({(alias, name): value for name, value in known.items()})
        self.replay.saw(values)  # a sequence's first sight is its value before any class
        return values

    def forget(self):
        """Something else ran between classes (a module's nose fixtures): read counters again."""
        self.known = {}

    def _write(self, values):
        by_alias = {}
        for (alias, name), value in values.items():
            by_alias.setdefault(alias, {})[name] = value
        for alias, named in by_alias.items():
            self.values[alias].write(named)

    def reset_names(self, alias, models):
        """``(alias, sequence)`` of *models*' sequences and of their many-to-many tables': what
        loaddata resets when it loads them (Django's sequence_reset_sql; nothing on MariaDB)."""
        if connections[alias].vendor != "postgresql":
            return set()
        if alias not in self.layer_sequences:
            self.layer_sequences[alias] = LayerSequences(alias)
        names = self.layer_sequences[alias].sequence_names(_with_join_tables(models))
        return {(alias, name) for name in names.values() if name}

    def _fixture_counters(self, alias, models):
        """What loading *models*' rows does to counters, not what a receiver's rows consume."""
        if connections[alias].vendor == "postgresql":
            return self.reset_names(alias, models)
        return {(alias, model._meta.db_table) for model in _with_join_tables(models)}

    def layer_load(self, aliases, load):
        """Run *load()* (a layer's load), returning what it consumed of the counters its
        fixtures did not set (its receivers' rows): each class on the layer consumed as
        much under Django."""
        aliases = _replayable(aliases)
        before = self._read(aliases, reuse=True) if aliases else {}
        record = load()
        if not aliases:
            return record, {}
        after = self._read(aliases)
        fixtures = set()
        for alias in aliases:
            fixtures |= self._fixture_counters(alias, record.records[alias].models)
        return record, {name: after[name] - value for name, value in before.items()
                        if name not in fixtures and name in after and after[name] != value}

    def class_starts(self, cls, aliases, layer_models=None, extra=None):
        """Before *cls* runs (its layers loaded and reset): every other counter set to the
        value Django's order gives it, as far as the classes that ran tell.
        *layer_models*: ``{alias: [models the layers loaded]}``."""
        aliases = _replayable(aliases)
        resets, floors = set(), {}
        for alias, models in (layer_models or {}).items():
            if alias not in aliases:
                continue
            resets |= self.reset_names(alias, models)
            if connections[alias].vendor != "postgresql":
                floors.update({(alias, table): value
                               for table, value in self._counters(alias).floors(_with_join_tables(models)).items()})
        extra = {name: count for name, count in (extra or {}).items() if name[0] in aliases}
        current = self._read(aliases, reuse=True)
        expected = self.replay.expected_start(cls, floors, extra)
        wanted = {name: expected[name] for name, value in current.items()
                  if name not in resets and name in expected and expected[name] != value}
        self._write(wanted)
        if wanted and any(connections[alias].vendor != "postgresql" for alias in aliases):
            current = self._read(aliases)  # InnoDB keeps a counter past the table's highest key
        else:
            current.update(wanted)
        for alias in aliases:
            self.known.pop(alias, None)  # the class's tests move them
        self.current = (cls, aliases, current, resets, floors, extra)
        self.observed = set()
        self._observe_loaddata()

    def class_ends(self, cls):
        if self.current is None or self.current[0] is not cls:
            return
        _, aliases, start, resets, floors, extra = self.current
        self.current = None
        self._stop_observing()
        end = self._read(aliases)
        self.replay.ran(cls, ClassRun(start, end, frozenset(resets | self.observed), floors, extra))

    def finish(self):
        """After the last class: the values Django's order leaves; the classes that started
        from other values than Django's for a sequence they used (``[(class, [names])]``)."""
        if self.finished:
            return []
        self.finished = True
        self._stop_observing()
        expected = self.replay.expected_end()
        current = self._read(list(self.values))
        self._write({name: value for name, value in expected.items()
                     if name in current and current[name] != value})
        return [(cls, [name for _, name in names]) for cls, names in self.replay.differing()]

    def abandon(self):
        """Stop without setting anything (a run cut short)."""
        self.finished = True
        self._stop_observing()

    def _observe_loaddata(self):
        if self._restore_loaddata is not None:
            return
        handle = loaddata.Command.handle
        replay = self

        def observed_handle(command, *labels, **options):
            try:
                return handle(command, *labels, **options)
            finally:
                alias = getattr(command, "using", None)
                if replay.current is not None and alias in replay.current[1]:
                    try:
                        replay.observed |= replay.reset_names(alias, getattr(command, "models", ()))
                    except Exception:  # a broken transaction: nothing reset either
                        pass

        loaddata.Command.handle = observed_handle

        def restore():
            loaddata.Command.handle = handle

        self._restore_loaddata = restore

    def _stop_observing(self):
        restore, self._restore_loaddata = self._restore_loaddata, None
        if restore is not None:
            restore()
