"""The sequence values each TestCase class starts from in Django's order, while bundling runs another.

Pure logic. PostgreSQL's sequences are not rolled back with a test's transaction: under
Django's runner the keys a class's new rows get depend on every class before it (what
their tests inserted, what their fixture loads' receivers inserted), except for the
sequences ``loaddata`` resets at the class's own load. Bundling runs the classes in
another order. From what each class consumed where it ran, this works out the values
it would have started from in Django's order, so that they can be set before it runs,
and, once every class has run, which classes started from other values than Django's
for a sequence they used (a class that runs before a class that comes earlier in
Django's order cannot know what that one will consume).

MySQL and MariaDB keep an AUTO_INCREMENT counter per table, which a rollback does not
take back either; loaddata does not reset it, rows with explicit keys raise it past
them (the *floors* below). A state is ``{sequence: the value the next new row gets}``;
sequences are any hashable keys (``(alias, name)`` in practice: a sequence's name on
PostgreSQL, a table's on MySQL).
"""

from bisect import bisect_right, insort
from dataclasses import dataclass, field


@dataclass
class ClassRun:
    """What one class did to the sequences where it ran.

    *start*: the values its tests started from (after its layers' load and reset), *end*:
    after it. *resets*: sequences reset at its start or during it (PostgreSQL's loaddata),
    whose values do not depend on the order. *floors*: counters its fixture rows raise to at
    least a value (MySQL's AUTO_INCREMENT after rows with explicit keys). *extra*: what its
    fixture load consumed under Django that the run's shared layer loads consumed once
    (receivers' rows).
    """

    start: dict
    end: dict
    resets: frozenset = frozenset()
    floors: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        # Only what the class moved: a state has every sequence, a class moves a few.
        self._consumed = {name: value - self.start[name] for name, value in self.end.items()
                          if name not in self.resets and name in self.start and value != self.start[name]}
        self._reset_to = {name: value for name, value in self.end.items() if name in self.resets}

    def _begun_one(self, state, name):
        value = state[name]
        if name in self.floors:
            value = max(value, self.floors[name])
        if name not in self.resets:
            value += self.extra.get(name, 0)
        return value

    def begun(self, state):
        """The values its tests start from in Django's order, from *state* before it."""
        values = dict(state)
        for name in {*self.floors, *self.extra}:
            if name in values:
                values[name] = self._begun_one(state, name)
        return values

    def used(self):
        """Sequences its tests consumed and it did not reset: their values came from the classes before it."""
        return set(self._consumed)

    def changes(self, state):
        """``{sequence: value}`` it changed, from *state* before it (Django's order)."""
        changed = dict(self._reset_to)
        for name in {*self._consumed, *self.floors, *self.extra}:
            if name in state and name in self.start and name in self.end and name not in self.resets:
                changed[name] = self._begun_one(state, name) + self._consumed.get(name, 0)
        return changed

    def differs(self, state):
        """The sequences it used that it started at other values than *state* gives."""
        return sorted((name for name in self._consumed
                       if name not in state or self.start[name] != self._begun_one(state, name)), key=str)


class SequenceReplay:
    """Django's order of the classes, the state before the first, and the runs so far."""

    def __init__(self, django_order):
        self.order = list(django_order)
        self.rank = {key: index for index, key in enumerate(self.order)}
        self.initial = {}  # sequence -> value before the first class, as first seen
        self.runs = {}     # class key -> ClassRun
        self._ranks = []   # ranks with a state kept (sorted): each class would otherwise
        self._states = {}  # replay every class before it again (rank -> state before it)

    def __contains__(self, key):
        return key in self.rank

    def saw(self, values):
        """Values read before any class changed them (the first read of each sequence)."""
        new = {name: value for name, value in values.items() if name not in self.initial}
        if new:
            self.initial.update(new)
            self._forget_states()

    def _forget_states(self, rank=None):
        """The kept states after *rank* (a class there ran), or all (a sequence was first seen)."""
        cut = 0 if rank is None else bisect_right(self._ranks, rank)
        for dropped in self._ranks[cut:]:
            del self._states[dropped]
        del self._ranks[cut:]

    def _state_before(self, rank):
        index = bisect_right(self._ranks, rank)
        base = self._ranks[index - 1] if index else 0
        state = dict(self._states[base]) if index else dict(self.initial)
        for key in self.order[base:rank]:
            run = self.runs.get(key)
            if run is not None:
                state.update(run.changes(state))
        if rank not in self._states:
            insort(self._ranks, rank)
        self._states[rank] = dict(state)
        return state

    def expected_start(self, key, floors=None, extra=None):
        """The values the tests of class *key* start from in Django's order, from what is known
        now (a class that has not run yet counts as consuming nothing); *floors* and *extra*
        as in ClassRun."""
        run = ClassRun({}, {}, floors=dict(floors or {}), extra=dict(extra or {}))
        return run.begun(self._state_before(self.rank[key]))

    def expected_end(self):
        """The values after the last class in Django's order."""
        return self._state_before(len(self.order))

    def ran(self, key, run):
        self.runs[key] = run
        self._forget_states(self.rank[key])

    def differing(self):
        """``[(class key, [sequences])]``: classes that used sequences they started at other
        values than in Django's order."""
        found = []
        state = dict(self.initial)
        for key in self.order:
            run = self.runs.get(key)
            if run is None:
                continue
            wrong = run.differs(state)
            if wrong:
                found.append((key, wrong))
            state.update(run.changes(state))
        return found
