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
"""

from inspect import getattr_static

from django.core import mail
from django.test import TestCase, TransactionTestCase

from nose_fastfixtures.database import ledger
from nose_fastfixtures.database.write_tracking import tracker
from nose_fastfixtures.harness.patching import replace_class_attribute
from nose_fastfixtures.planning.timeline import TIMELINE

# Aliases whose database is known to be as Django's flush leaves it.
_flushed = set()


def ineligible_reason(cls):
    """Why *cls* must run Django's way, or None when per-class fixtures are exact for it."""
    if not isinstance(cls, type) or not issubclass(cls, TransactionTestCase) or issubclass(cls, TestCase):
        return "not a TransactionTestCase"
    if not cls.fixtures:
        return "no fixtures"
    for feature in ("serialized_rollback", "reset_sequences"):
        if getattr(cls, feature):
            return f"uses {feature}"
    if cls.available_apps is not None:
        return "uses available_apps"
    for name in ("_fixture_setup", "_fixture_teardown", "_pre_setup", "_post_teardown"):
        own = getattr_static(cls, name)
        if own is not getattr_static(TransactionTestCase, name) and own is not getattr_static(FastFixtureTestCase, name):
            return f"overrides {name}"
    return None


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

    def fixture_setup(self):
        """Before each test (the first one from setUpClass): fixtures loaded, clean tables."""
        if self.record is None and not _flushed.issuperset(self.aliases):
            self.djangos_way = True
            return _djangos_fixture_setup(self.cls)
        if self.record is None:
            for alias in self.aliases:
                tracker().take(alias)
            sent_before = len(getattr(mail, "outbox", []))
            with TIMELINE.span("class-load", self.name):
                self.record = ledger.load(self.cls.fixtures, self.aliases)
            self.mail = list(getattr(mail, "outbox", [])[sent_before:])
            return
        with TIMELINE.span("restore", self.name):
            for alias in self.aliases:
                dirtied = tracker().take(alias)
                if dirtied:
                    self.record.restore_loaded(alias, dirtied)
                    # loaddata would set them again (PostgreSQL's, the others have none to set)
                    self.record.reset_sequences(alias, dirtied)
        # Django's per-test load would send them again into the fresh outbox.
        if self.mail and hasattr(mail, "outbox"):
            mail.outbox.extend(self.mail)

    def fixture_teardown(self, test):
        """After each test: nothing, the next test restores what this one dirtied."""
        if self.djangos_way:
            self.djangos_way = False
            _djangos_fixture_teardown(test)
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

    def finish(self):
        """Remove the class's rows: the database is as it was before the class."""
        if self.record is not None:
            record, self.record = self.record, None
            with TIMELINE.span("class-unload", self.name):
                for alias in self.aliases:
                    record.unload(alias, tracker().take(alias))


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
