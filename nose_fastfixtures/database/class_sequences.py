"""Each bundled run's TestCase class starts from the sequence values it has in Django's order (PostgreSQL).

Django glue for planning.sequence_replay: sequences read before and after each class and
each layer load, set before each class to the values Django's order gives it (from what
the classes that ran consumed), and after the last class to the values Django's order
leaves for the classes after them. Sequences ``loaddata`` resets inside a class (a class
loading its own fixtures, a test calling loaddata) are seen through loaddata itself.
"""

from django.core.management.commands import loaddata
from django.db import connections

from nose_fastfixtures.database.sequences import LayerSequences, SequenceValues
from nose_fastfixtures.planning.sequence_replay import ClassRun, SequenceReplay


def _postgresql(aliases):
    return [alias for alias in aliases if connections[alias].vendor == "postgresql"]


class ClassSequences:
    """The replay of one serial run's TestCase classes, from the first class until ``finish``."""

    def __init__(self, django_order):
        self.replay = SequenceReplay(django_order)
        self.values = {}     # alias -> SequenceValues
        self.names = {}      # alias -> LayerSequences (its model -> sequence name cache)
        self.current = None  # (class, aliases, start values, resets, extra) of the class running
        self.observed = set()
        self.finished = False
        self._restore_loaddata = None

    def __contains__(self, cls):
        return not self.finished and cls in self.replay

    def _read(self, aliases):
        values = {}
        for alias in aliases:
            reader = self.values.setdefault(alias, SequenceValues(alias))
            values.update({(alias, name): value for name, value in reader.read().items()})
        self.replay.saw(values)  # a sequence's first sight is its value before any class
        return values

    def _write(self, values):
        by_alias = {}
        for (alias, name), value in values.items():
            by_alias.setdefault(alias, {})[name] = value
        for alias, named in by_alias.items():
            self.values[alias].write(named)

    def reset_names(self, alias, models):
        """``(alias, sequence)`` of *models*' sequences and of their many-to-many tables': what
        loaddata resets when it loads them (Django's sequence_reset_sql)."""
        sequences = self.names.setdefault(alias, LayerSequences(alias))
        tables = list(models)
        for model in models:
            tables += [field.remote_field.through for field in model._meta.local_many_to_many
                       if field.remote_field.through._meta.auto_created]
        return {(alias, name) for name in sequences._sequence_names(tables).values() if name}

    def layer_load(self, aliases, load):
        """Run *load()* (a layer's load), returning what it consumed of the sequences it did
        not reset (its receivers' rows): each class on the layer consumed as much under Django."""
        aliases = _postgresql(aliases)
        before = self._read(aliases) if aliases else {}
        record = load()
        if not aliases:
            return record, {}
        after = self._read(aliases)
        resets = set()
        for alias in aliases:
            resets |= self.reset_names(alias, record.records[alias].models)
        return record, {name: after[name] - value for name, value in before.items()
                        if name not in resets and name in after and after[name] != value}

    def class_starts(self, cls, aliases, resets=(), extra=None):
        """Before *cls* runs (its layers loaded and reset): every other sequence set to the
        value Django's order gives it, as far as the classes that ran tell."""
        aliases = _postgresql(aliases)
        current = self._read(aliases)
        expected = self.replay.expected_start(cls)
        wanted = {name: expected[name] for name, value in current.items()
                  if name not in resets and name in expected and expected[name] != value}
        self._write(wanted)
        current.update(wanted)
        self.current = (cls, aliases, current, set(resets), dict(extra or {}))
        self.observed = set()
        self._observe_loaddata()

    def class_ends(self, cls):
        if self.current is None or self.current[0] is not cls:
            return
        _, aliases, start, resets, extra = self.current
        self.current = None
        self._stop_observing()
        end = self._read(aliases)
        self.replay.ran(cls, ClassRun(start, end, frozenset(resets | self.observed), extra))

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
