"""Per-class fixtures for TransactionTestCase: load once per class, restore what each test dirtied.

Django loads a TransactionTestCase's fixtures before every test and flushes every
table after it. Here the fixtures load once per class through the ledger; before each
later test only the tables the previous test wrote are put back to their loaded state,
and at the end of the class the ledger removes the class's rows.

Where this is exact: Django's flush leaves tables empty (content types and permissions
re-created by post_migrate), so a test starts from "that state + fixtures". A class
starting from that state gets it from the ledger too. The first TransactionTestCase
of a run starts from the migrated database instead (data-migration rows still there)
and Django's first test sees them; so when the state is not known to be flushed, the
class's first test runs Django's way, and the ledger takes over from the second.

A class without fixtures gets the same with an empty load: each test's writes are
put back table by table instead of Django's flush of every table and its
post_migrate (whose content types and permissions come back under new keys there,
under the same ones here).

A ``serialized_rollback`` class starts each test under Django from an empty database
(its flush skips post_migrate) with Django's copy of the migrated rows written back
and the fixtures loaded: once the database is seen empty, that copy is part of the
class's one load (written as Django writes it, before the fixtures), and the class's
end leaves the database empty again.

Classes that follow each other with the same fixture set share one load (a hand-over):
the first class leaves its rows, and the next one starts by putting back what the last
test dirtied, as between two tests of one class. Under Django, the last test's flush and
the next class's load come with nothing of the project's in between that could see the
difference, when neither class brings code of its own there: no own ``tearDownClass``
or class cleanups before, no own ``setUpClass`` after, no class-wide settings, no module
teardown. Anything else that starts first (another class, a module, a test) finds the
rows removed before it runs.
"""

from inspect import getattr_static
from unittest import mock

from django.core import mail
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from nose_fastfixtures.database import ledger
from nose_fastfixtures.database.tables import non_empty_tables, table_names
from nose_fastfixtures.database.write_tracking import tracker
from nose_fastfixtures.harness import interrupts
from nose_fastfixtures.harness.patching import replace_class_attribute
from nose_fastfixtures.planning.sql_writes import EVERYTHING
from nose_fastfixtures.planning.timeline import TIMELINE

# Aliases whose database is known to be as Django's flush leaves it.
_flushed = set()


def ineligible_reason(cls):
    """Why *cls* must run Django's way, or None when per-class fixtures are exact for it."""
    if not isinstance(cls, type) or not issubclass(cls, TransactionTestCase) or issubclass(cls, TestCase):
        return "not a TransactionTestCase"
    if cls.reset_sequences:
        return "uses reset_sequences"
    if cls.available_apps is not None:
        return "uses available_apps"
    for name in ("_fixture_setup", "_fixture_teardown", "_pre_setup", "_post_teardown"):
        own = getattr_static(cls, name)
        if own is not getattr_static(TransactionTestCase, name) and own is not getattr_static(FastFixtureTestCase, name):
            return f"overrides {name}"
    return None


def _runs_djangos(cls, name):
    """Whether *cls* inherits Django's own TransactionTestCase class method *name* unchanged."""
    return getattr_static(cls, name) is getattr_static(TransactionTestCase, name)


def _changes_settings(cls):
    """A class-wide ``override_settings`` or ``modify_settings`` (entered before the load)."""
    return bool(getattr(cls, "_overridden_settings", None) or getattr(cls, "_modified_settings", None))


def _djangos_cleanup(function, args):
    """One of the two class cleanups SimpleTestCase.setUpClass registers (databases' guards)."""
    if getattr(function, "__func__", None) is SimpleTestCase.__dict__["_remove_databases_failures"].__func__:
        return True
    patch = args[0] if args else None  # enterClassContext(mock.patch.object(BaseDatabaseWrapper, ...))
    return (function is mock._patch.__exit__ and isinstance(patch, mock._patch)
            and patch.attribute == "ensure_connection" and patch.getter() is BaseDatabaseWrapper)


def _only_djangos_cleanups(cls):
    return all(_djangos_cleanup(function, args) for function, args, _ in getattr(cls, "_class_cleanups", ()))


class Handover:
    """The fixtures a finished class left loaded, for the next class with the same set."""

    def __init__(self, state):
        self.name = state.name
        self.record = state.record
        self.mail = state.mail
        self.fixtures = tuple(state.cls.fixtures or ())
        self.aliases = tuple(state.aliases)
        self.serialized = state.cls.serialized_rollback

    def fits(self, cls):
        """Whether *cls* may start from these rows instead of its own load."""
        if (frozenset(cls.fixtures or ()) != frozenset(self.fixtures)
                or tuple(cls._databases_names(include_mirrors=False)) != self.aliases
                or cls.serialized_rollback != self.serialized):
            return False  # the same set in another order, as bundling's layers do
        if self.mail and tuple(cls.fixtures or ()) != self.fixtures:
            return False  # receivers' messages would come in another order
        return _runs_djangos(cls, "setUpClass") and not _changes_settings(cls)

    def unload(self):
        with TIMELINE.span("class-unload", self.name):
            for alias in self.aliases:
                self.record.unload(alias, _dirtied(self.record, alias))


_handover = None  # the Handover waiting for the next class, if any


def take_handover(cls):
    """The waiting hand-over if *cls* fits it, else None (after removing its rows)."""
    global _handover
    handover, _handover = _handover, None
    if handover is None or (cls is not None and handover.fits(cls)):
        return handover
    handover.unload()
    return None


def drop_handover():
    """Remove the rows a finished class left for a next class that did not come."""
    take_handover(None)


# Django 5.2's TransactionTestCase._fixture_setup is a classmethod (setUpClass runs the
# first test's _pre_setup eagerly); _fixture_teardown is an instance method.
_djangos_fixture_setup = TransactionTestCase.__dict__["_fixture_setup"].__func__
_djangos_fixture_teardown = TransactionTestCase.__dict__["_fixture_teardown"]


def note_test_ran(case):
    """Keep track of what Django's own teardown left behind, for the next class."""
    if isinstance(case, TestCase):
        return  # rolled back: the database is as before
    if isinstance(case, TransactionTestCase):
        aliases = case._databases_names(include_mirrors=False)
        if case.available_apps is not None or case.serialized_rollback:
            # Their flush skips post_migrate: no content types or permissions left.
            _flushed.difference_update(aliases)
        else:
            _flushed.update(aliases)
    elif not hasattr(case, "databases"):
        _flushed.clear()  # a plain test may have committed anything


class ClassFixtures:
    """The per-class fixture state of one TransactionTestCase class while it runs."""

    def __init__(self, cls):
        self.cls = cls
        self.name = f"{cls.__module__}.{cls.__qualname__}"
        self.aliases = list(cls._databases_names(include_mirrors=False))
        self.record = None
        self.djangos_way = False
        self.mail = []  # messages receivers sent while the fixtures loaded
        self._restore_teardown = lambda: None
        self.may_hand_over = False  # set by the plugin, which removes rows nobody took
        self._djangos_teardown = _runs_djangos(cls, "tearDownClass")

    def take_over(self, handover):
        """Start from the rows *handover* left: the first test restores what the last one dirtied."""
        self.record, self.mail = handover.record, handover.mail

    def fixture_setup(self):
        """Before each test (the first one from setUpClass): fixtures loaded, clean tables."""
        if self.record is None and not self._starts_as_django_leaves_it():
            self.djangos_way = True
            return _djangos_fixture_setup(self.cls)
        if self.record is None:
            for alias in self.aliases:
                tracker().take(alias)
            sent_before = len(getattr(mail, "outbox", []))
            with TIMELINE.span("class-load", self.name):
                self.record = ledger.load(self.cls.fixtures or [], self.aliases, self._prelude())
            self.mail = list(getattr(mail, "outbox", [])[sent_before:])
            return
        with TIMELINE.span("restore", self.name):
            for alias in self.aliases:
                dirtied = _dirtied(self.record, alias)
                if dirtied:
                    self.record.restore_loaded(alias, dirtied)
                    # loaddata would set them again (PostgreSQL's, the others have none to set)
                    self.record.reset_sequences(alias, dirtied)
        # Django's per-test load would send them again into the fresh outbox.
        if self.mail and hasattr(mail, "outbox"):
            mail.outbox.extend(self.mail)

    def _starts_as_django_leaves_it(self):
        """Whether each test's starting state under Django is the database's state now."""
        if self.cls.serialized_rollback:
            # Django flushes without post_migrate after each test: every table empty
            return not any(non_empty_tables(connections[alias], table_names(connections[alias]))
                           for alias in self.aliases)
        return _flushed.issuperset(self.aliases)

    def _prelude(self):
        """serialized_rollback's copy of the migrated rows, written before the fixtures as Django does."""
        if not self.cls.serialized_rollback:
            return None

        def deserialize(alias):
            connection = connections[alias]
            if hasattr(connection, "_test_serialized_contents"):
                connection.creation.deserialize_db_from_string(connection._test_serialized_contents)

        return deserialize

    def fixture_teardown(self, test):
        """After each test: nothing, the next test restores what this one dirtied."""
        if self.djangos_way:
            self.djangos_way = False
            _djangos_fixture_teardown(test)
            if not self.cls.serialized_rollback:  # that one's flush skips post_migrate
                _flushed.update(self.aliases)
            for alias in self.aliases:
                tracker().take(alias)

    def finish_before_class_teardown(self):
        """Remove the class's rows before its ``tearDownClass`` runs.

        Under Django the last test's flush comes before ``tearDownClass`` and class
        cleanups: they see the flushed database, and an error there leaves no rows.
        """
        teardown = self.cls.tearDownClass

        def tearDownClass(_):
            self.restore_class_teardown()
            self.finish()
            teardown()

        self._restore_teardown = replace_class_attribute(self.cls, "tearDownClass", classmethod(tearDownClass))

    def restore_class_teardown(self):
        """Undo finish_before_class_teardown (a skipped class never calls it)."""
        self._restore_teardown()

    def _hands_over(self):
        return (self.may_hand_over and self._djangos_teardown and not _changes_settings(self.cls)
                and _only_djangos_cleanups(self.cls) and not interrupts.received())

    def finish(self):
        """Remove the class's rows: the database is as it was before the class.

        Or leave them for the next class (see Handover) when nothing of the project's
        runs before that one's set-up.
        """
        global _handover
        if self.record is not None and self._hands_over():
            drop_handover()
            _handover, self.record = Handover(self), None
            return
        if self.record is not None:
            record, self.record = self.record, None
            if interrupts.received():
                # nose tears the class down after a Ctrl-C, which may have stopped a statement
                # half-way (psycopg: "another command is already in progress"; found by make chaos)
                interrupts.reset_connections()
            with TIMELINE.span("class-unload", self.name):
                for alias in self.aliases:
                    record.unload(alias, _dirtied(record, alias))


def _dirtied(record, alias):
    """The tables written since the last look: the tracker's, and tables that hold rows where
    nothing should be (written through a raw driver cursor or by another process)."""
    dirtied = tracker().take(alias)
    if dirtied == EVERYTHING:
        return dirtied
    return set(dirtied) | record.stray_tables(alias)


class FastFixtureTestCase(TransactionTestCase):
    """A TransactionTestCase whose fixtures load once per class (django-nose's name).

    Works with or without the ``--with-class-fixtures`` plugin; a class using a feature
    the per-class machinery cannot reproduce exactly runs Django's way.
    """

    @classmethod
    def setUpClass(cls):
        # Attached first: Django's setUpClass already loads the first test's fixtures.
        state = cls._nff_class_fixtures = None if ineligible_reason(cls) else ClassFixtures(cls)
        if state is not None:
            state.finish_before_class_teardown()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        state = cls.__dict__.get("_nff_class_fixtures")
        if state is not None:
            state.finish()
        super().tearDownClass()

    @classmethod
    def _fixture_setup(cls):
        state = cls.__dict__.get("_nff_class_fixtures")
        return state.fixture_setup() if state else super()._fixture_setup()

    def _fixture_teardown(self):
        state = type(self).__dict__.get("_nff_class_fixtures")
        return state.fixture_teardown(self) if state else super()._fixture_teardown()
