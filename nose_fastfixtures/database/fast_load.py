"""``loaddata`` in fewer statements, with the same result: batched rows, natural keys looked up once.

loaddata saves each object with an explicit primary key, so Django first tries an
UPDATE and inserts when it matched nothing. In a table that was empty before the
load, an object whose key this load has not saved yet cannot match: the UPDATE is
skipped. Such an object is also held back and inserted with the others of its model
in one multi-row INSERT (the statement Django's own ``_do_insert`` would issue, for
several rows), when nothing could notice the difference: no pre_save/post_save
receiver for its model, no parent table, no ``order_with_respect_to``, no
database-computed column, Django's own save and insert code. The many-to-many rows
of an object saved for the first time into an empty auto-created join table (no
``m2m_changed`` receiver) are held back the same way: ``set()`` would read the
object's rows, find none, and insert them.

Held-back rows go in, in loaddata's order, before any statement that could see
them: anything but a SELECT, and a SELECT naming one of their tables. So
natural-key lookups of other models run while rows wait, and receivers, the
constraint checks and sequence resets see what they see under loaddata. A database
with views or triggers (which can read a table no statement names) gets the strict
rule: every statement first inserts what waits.

Natural foreign keys are looked up once per load: the value stays valid until a
statement writes a table the lookup's queries named, or rolls back (not used on a
database with views or triggers either, nor for a lookup that wrote anything).

On MySQL/MariaDB, loaddata's last step (``check_constraints``) finds each loaded
table's primary key with Django's ``get_constraints``: seven statements per table, one
of them a join of information_schema views (4 ms on MariaDB). The same columns come
from one statement for all the tables; a table it does not name is asked Django's way.
"""

import re
from contextlib import contextmanager

from django.core import mail
from django.core.management.commands import loaddata
from django.core.serializers import base as serializers_base
from django.core.serializers.base import DeserializedObject
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save, pre_save

from nose_fastfixtures.database.tables import has_hidden_readers, non_empty_tables, table_names
from nose_fastfixtures.planning.sql_writes import EVERYTHING, tables_written

_ROLLBACK = re.compile(r"\s*ROLLBACK\b", re.I)


def _names_pattern(tables):
    """A regex finding any of *tables* as a whole name in SQL text (quoted or not)."""
    alternatives = "|".join(re.escape(table) for table in sorted(tables, key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alternatives})(?![\w$])", re.I)


def _is_select(sql):
    return sql.lstrip()[:6].upper() == "SELECT"


class NaturalKeyLookups:
    """Natural foreign keys resolved during one load, forgotten when what they read may have changed."""

    def __init__(self):
        self.values = {}    # (model, field_name, key) -> resolved value
        self.read_sql = {}  # same key -> the SQL the lookup ran
        self.recording = None

    def invalidate(self, sql):
        """Forget the lookups a statement (not a lookup's own) may have changed."""
        if not self.values or _is_select(sql):
            return
        written = tables_written(sql)
        if written == EVERYTHING or _ROLLBACK.match(sql):
            self.values.clear()
            self.read_sql.clear()
        elif written:
            pattern = _names_pattern(written)
            for key in [key for key, texts in self.read_sql.items() if any(pattern.search(t) for t in texts)]:
                del self.values[key], self.read_sql[key]

    def resolve(self, original, field, field_value, using, handle_forward_references):
        try:
            key = (field.remote_field.model, field.remote_field.field_name, tuple(field_value))
            hash(key)
        except TypeError:
            return original(field, field_value, using, handle_forward_references)
        if key in self.values:
            return self.values[key]
        self.recording = []
        try:
            value = original(field, field_value, using, handle_forward_references)
        finally:
            texts, self.recording = self.recording, None
        if value is not serializers_base.DEFER_FIELD and texts and all(map(_is_select, texts)):
            self.values[key], self.read_sql[key] = value, texts
        return value


class FastLoad:
    """What one loaddata call into one alias holds back, and how it is let go."""

    MAX_ROWS = 500
    active = 0  # loads in progress (the ledger's, or every_loaddata's)

    def __init__(self, alias, empty_tables, batch=True, strict=True):
        self.alias = alias
        self.empty_tables = set(empty_tables)
        self.batch = batch
        self.strict = strict  # every statement inserts what waits first (views, triggers)
        self.saved = set()
        self.joined = set()   # (join table, source pk) whose rows this load has set
        self.pending = {}     # concrete model -> objects held back, in loaddata's order
        self._pattern = None
        self._flushing = False
        self.lookups = None if strict or not batch else NaturalKeyLookups()

    @contextmanager
    def installed(self):
        deserialized_save, save_base = DeserializedObject.save, Model.save_base
        fk_value = serializers_base.deserialize_fk_value
        load_labels = loaddata.Command.loaddata
        fast = self

        def loaddata_then_flush(command, fixture_labels):
            # Inside loaddata's own transaction, whatever statements it ends with.
            load_labels(command, fixture_labels)
            fast.flush()

        def save_inserting(deserialized, save_m2m=True, using=None, **kwargs):
            obj = deserialized.object
            key = (obj._meta.db_table, obj.pk)
            first = obj.pk is not None and key not in fast.saved
            if first and not kwargs and not obj._meta.parents and obj._meta.db_table in fast.empty_tables:
                kwargs["force_insert"] = True
            fast.saved.add(key)
            m2m_data = deserialized.m2m_data if save_m2m else None
            deserialized_save(deserialized, save_m2m=save_m2m and not fast.batch, using=using, **kwargs)
            if key[1] is None:
                # Its key came from the table's sequence: a later object of the load may name that
                # key and must update the row, as under loaddata (found by make chaos's fuzzer).
                fast.empty_tables.discard(obj._meta.db_table)
            if fast.batch and m2m_data:
                for accessor, values in m2m_data.items():
                    fast.set_many_to_many(obj, accessor, values, first)

        def save_base_batched(instance, raw=False, force_insert=False, force_update=False, using=None,
                              update_fields=None):
            # Only loaddata's raw saves, marked force_insert by save_inserting above.
            if raw and force_insert is True and using == fast.alias and fast.batchable(instance):
                fast.hold(instance._meta.concrete_model, instance)
                instance._state.db, instance._state.adding = using, False
                return
            save_base(instance, raw=raw, force_insert=force_insert, force_update=force_update,
                      using=using, update_fields=update_fields)

        def deserialize_fk_value(field, field_value, using, handle_forward_references):
            if (fast.lookups is None or using != fast.alias or field_value is None or isinstance(field_value, str)
                    or not hasattr(field_value, "__iter__")
                    or not hasattr(field.remote_field.model._default_manager, "get_by_natural_key")):
                return fk_value(field, field_value, using, handle_forward_references)
            return fast.lookups.resolve(fk_value, field, field_value, using, handle_forward_references)

        DeserializedObject.save = save_inserting
        loaddata.Command.loaddata = loaddata_then_flush
        FastLoad.active += 1
        if self.batch:
            Model.save_base = save_base_batched
            serializers_base.deserialize_fk_value = deserialize_fk_value
        try:
            with connections[self.alias].execute_wrapper(self._before_statement), \
                    primary_keys_read_at_once(connections[self.alias]):
                yield self
        finally:
            FastLoad.active -= 1
            DeserializedObject.save, Model.save_base = deserialized_save, save_base
            serializers_base.deserialize_fk_value = fk_value
            loaddata.Command.loaddata = load_labels

    def batchable(self, instance):
        model = type(instance)
        meta = model._meta.concrete_model._meta
        return (
            not meta.parents and meta.order_with_respect_to is None and meta.base_manager_name is None
            and len(meta.pk_fields) == 1 and instance._is_pk_set(meta)
            and not any(field.generated or field.has_db_default() for field in meta.local_concrete_fields)
            and model._save_table is Model._save_table and model._do_insert is Model._do_insert
            and not pre_save.has_listeners(model) and not post_save.has_listeners(model)
        )

    def hold(self, model, instance):
        if model not in self.pending:
            self._pattern = None
        self.pending.setdefault(model, []).append(instance)

    def set_many_to_many(self, obj, accessor, values, first_save):
        """``getattr(obj, accessor).set(values)``, its rows held back when it can only insert them."""
        manager = getattr(obj, accessor)
        through = manager.through
        table = through._meta.db_table
        source = manager.related_val[0]
        if not (first_save and (table, source) not in self.joined and self._joins_simply(obj, accessor, manager)):
            self.joined.add((table, source))
            manager.set(values)
            return
        self.joined.add((table, source))
        target_ids = manager._get_target_ids(manager.target_field_name, values)
        for target_id in target_ids:
            self.hold(through, through(**{f"{manager.source_field_name}_id": source,
                                          f"{manager.target_field_name}_id": target_id}))

    def _joins_simply(self, obj, accessor, manager):
        """Whether set() would only insert rows: auto-created join table, empty before, nobody listening."""
        through = manager.through
        field = obj._meta.get_field(accessor)
        return (
            not manager.reverse and field.many_to_many and through._meta.auto_created
            and not field.remote_field.symmetrical  # a self-join also adds the reverse rows
            and through._meta.db_table in self.empty_tables
            and router.db_for_write(through, instance=obj) == self.alias
            and not m2m_changed.has_listeners(through)
            and not pre_save.has_listeners(through) and not post_save.has_listeners(through)
        )

    def _before_statement(self, execute, sql, params, many, context):
        if self.pending and not self._flushing and self._sees_pending(sql):
            self.flush()
        lookups = self.lookups
        if lookups is not None:
            lookups.invalidate(sql)
            if lookups.recording is not None and not self._flushing:
                lookups.recording.append(sql)
        return execute(sql, params, many, context)

    def _sees_pending(self, sql):
        if self.strict or not _is_select(sql):
            return True
        if self._pattern is None:
            self._pattern = _names_pattern({model._meta.db_table for model in self.pending})
        return self._pattern.search(sql) is not None

    def flush(self):
        """Insert every held-back object now, one statement per model (and batch), in loaddata's order."""
        pending, self.pending = self.pending, {}
        self._pattern = None
        self._flushing = True
        try:
            self._insert(pending)
        finally:
            self._flushing = False

    def _insert(self, pending):
        connection = connections[self.alias]
        for model, objects in pending.items():
            fields = [field for field in model._meta.local_concrete_fields if not field.generated]
            if objects[0].pk is None:  # join rows: the database numbers them, as bulk_create lets it
                fields = [field for field in fields if not field.primary_key]
            size = max(1, min(self.MAX_ROWS, connection.ops.bulk_batch_size(fields, objects)))
            for start in range(0, len(objects), size):
                model._base_manager._insert(objects[start:start + size], fields=fields, using=self.alias,
                                            raw=True)


def mysql_primary_keys(connection, tables):
    """``{table: its primary key's first column}`` for the *tables* that have one, in one statement:
    what ``get_primary_key_column`` reads from ``get_constraints`` (MySQL names it PRIMARY)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.key_column_usage "
            "WHERE table_schema = DATABASE() AND constraint_name = 'PRIMARY' "
            f"AND table_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY table_name, ordinal_position",
            list(tables))
        keys = {}
        for table, column in cursor.fetchall():
            keys.setdefault(table, column)
        return keys


@contextmanager
def primary_keys_read_at_once(connection):
    """On MySQL, ``connection.check_constraints(table_names)`` with the tables' primary keys read at once."""
    if connection.vendor != "mysql":
        yield
        return
    check_constraints = connection.check_constraints
    introspection = connection.introspection
    get_primary_key_column = introspection.get_primary_key_column

    def checked_with_keys_read_at_once(table_names=None):
        if not table_names:
            return check_constraints(table_names)
        keys = mysql_primary_keys(connection, table_names)

        def primary_key_column(cursor, table_name):
            return keys[table_name] if table_name in keys else get_primary_key_column(cursor, table_name)

        introspection.get_primary_key_column = primary_key_column
        try:
            return check_constraints(table_names)
        finally:
            del introspection.get_primary_key_column

    connection.check_constraints = checked_with_keys_read_at_once
    try:
        yield
    finally:
        del connection.check_constraints


def _fast_handle(handle, command, labels, options):
    """One loaddata call through FastLoad; if that fails, again the plain way (loaddata's own error)."""
    alias = options.get("database") or DEFAULT_DB_ALIAS
    connection = connections[alias]
    tables = table_names(connection)
    fast = FastLoad(alias, set(tables) - non_empty_tables(connection, tables),
                    strict=has_hidden_readers(connection))
    outbox = getattr(mail, "outbox", None)
    sent_before = len(outbox) if outbox is not None else 0
    try:
        with fast.installed():
            return handle(command, *labels, **options)
    except Exception:
        # The load was one transaction (or savepoint): rolled back, nothing of it is left.
        if outbox is not None:
            del outbox[sent_before:]  # receivers will send them again
        return handle(command, *labels, **options)


def every_loaddata():
    """Send every ``loaddata`` of the run (Django's own per-class loads too) through FastLoad.

    Returns what puts Django's back.
    """
    handle = loaddata.Command.handle

    def fast_handle(command, *labels, **options):
        alias = options.get("database") or DEFAULT_DB_ALIAS
        # The ledger's load is already fast; a test counting queries (assertNumQueries and
        # CaptureQueriesContext force the debug cursor) counts loaddata's own statements.
        if FastLoad.active or connections[alias].force_debug_cursor:
            return handle(command, *labels, **options)
        return _fast_handle(handle, command, labels, options)

    loaddata.Command.handle = fast_handle

    def restore():
        loaddata.Command.handle = handle

    return restore
