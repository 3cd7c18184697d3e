"""Part 3, inside Django: each fuzzed fixture through ``loaddata`` and through our two loading paths.

Run by ``chaos/fuzz.py`` as ``python -m chaos.fuzz_worker`` in the sample copy. It makes
a test database (Django's own creation), commits a base layer (customers, catalog,
staff) through the ledger as bundling would, and for every case:

1. ``loaddata`` inside a transaction that is rolled back: Django's outcome (loads, or
   fails) and the rows it leaves;
2. a bundling layer on top of the base: ``ledger.load`` then its removal;
3. per-class fixtures: ``ClassFixtures.fixture_setup`` of a TransactionTestCase, then
   ``finish``.

Each path must give loaddata's outcome (and its rows when it loads), fail only with
our error naming the fixture, and leave the database as before the case. Results go
to ``--out`` as one JSON line per case that failed a check, and a last line of totals.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path

BASE = ("customers", "catalog", "staff")
SOURCES = ("customers", "catalog", "staff", "promotions", "orders", "shipping", "tickets")


def setup_django(workdir):
    import django
    from django.conf import settings

    django.setup()
    settings.FIXTURE_DIRS = [workdir]
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0, interactive=False)
    return runner, runner.setup_databases(aliases={"default"})


def _today_patterns():
    """Timestamps of today: a field left out of a fixture gets its default, ``now()``, at load time."""
    import datetime

    days = {datetime.date.today(), datetime.datetime.now(datetime.timezone.utc).date()}
    patterns = []
    for day in days:
        patterns.append(rf"'{day:%Y-%m-%d}[ T][0-9:.+]*'")
        patterns.append(rf"datetime\.datetime\({day.year}, {day.month}, {day.day}[^()]*(\([^()]*\)[^()]*)*\)")
    return re.compile("|".join(patterns))


NOW = _today_patterns()


def snapshot():
    """``{table: sorted rows}`` of every table of the default test database (today's timestamps masked)."""
    from django.db import connection

    state = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            state[table] = sorted(NOW.sub("<now>", repr(row)) for row in cursor.fetchall())
    return state


def changed_tables(before, after):
    return sorted(table for table in set(before) | set(after) if before.get(table) != after.get(table))


def field_kind(model_label, name):
    from django.apps import apps

    try:
        field = apps.get_model(str(model_label))._meta.get_field(str(name))
    except Exception:  # noqa: BLE001 - unknown model or field: written as plain text
        return "plain"
    if field.many_to_many:
        return "m2m"
    return "fk" if field.is_relation else "plain"


def source_objects():
    root = Path.cwd()
    found = {}
    for name in SOURCES:
        path = next(root.glob(f"*/fixtures/{name}.json"))
        found[name] = json.loads(path.read_text())
    return found


class Fuzzer:
    """Runs cases and counts them; keeps the lines of cases that failed a check."""

    def __init__(self, workdir, out):
        self.workdir = Path(workdir)
        self.out = out
        self.tried = 0
        self.failed = 0
        self.escaped = 0
        self.outcomes = {}

    def case(self, drawn, sources):
        from chaos import fixture_mutations as fm

        fixture, fmt, start, size, changes, damages = drawn
        objects = fm.take(sources[fixture], start, size)
        pool = sources[fixture]
        for change in changes:
            objects = fm.mutate(objects, change, pool)
        text = fm.damage(fm.render(objects, fmt, field_kind), damages)
        label = f"fuzz{self.tried}"
        path = self.workdir / f"{label}.{fmt}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            problems, escaped, outcome = check_case(label)
        finally:
            path.unlink()
        self.tried += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if problems or escaped:
            self.failed += 1
            self.escaped += bool(escaped)
            self.out.write(json.dumps({"case": self.tried, "format": fmt, "problems": problems,
                                       "escaped": escaped, "fixture": text[:4000]}) + "\n")
            self.out.flush()


def _commit_would_fail():
    """Whether committing now would fail: the constraints a database checks only at COMMIT.

    loaddata's own checks cover the tables of the models it saved; a row it left in
    another (a many-to-many table pointing nowhere) is caught by SQLite and PostgreSQL
    only when the transaction commits, which a TransactionTestCase's load does and a
    TestCase's (inside the class's transaction) does not.
    """
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            return bool(cursor.fetchall())
        if connection.vendor == "postgresql":
            try:
                with transaction_savepoint():
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except DatabaseError:
                return True
    return False


def transaction_savepoint():
    from django.db import transaction

    return transaction.atomic()


def _django_load(label):
    """loaddata's verdicts and rows, rolled back: ``(error inside a transaction, error when committed, rows)``.

    Inside a transaction is how a TestCase loads (bundling layers stand in for that);
    committed is how a TransactionTestCase loads (per-class fixtures stand in for that).
    """
    from django.core.management import call_command
    from django.db import transaction

    class Rollback(Exception):
        pass

    after, error, commit_error = None, None, None
    try:
        with transaction.atomic():
            try:
                call_command("loaddata", label, verbosity=0)
            except Exception as exc:  # noqa: BLE001 - any error is loaddata's verdict
                error = commit_error = f"{type(exc).__name__}: {exc}"
                raise Rollback from exc
            after = snapshot()
            if _commit_would_fail():
                commit_error = "the commit fails: a foreign key points nowhere"
            raise Rollback
    except Rollback:
        pass
    return error, commit_error, after


def sequences():
    """PostgreSQL's sequences and MySQL's AUTO_INCREMENT counters: a rollback leaves them advanced."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
        elif connection.vendor == "mysql":
            cursor.execute("SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES "
                           "WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL")
        else:
            return {}
        return dict(cursor.fetchall())


def put_back_sequences(values):
    """Set the counters loaddata's rolled-back load advanced back, so our loads draw the same keys."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, value in sequences().items():
            if values.get(name) == value:
                continue
            if connection.vendor == "postgresql":
                if values.get(name) is None:
                    cursor.execute("SELECT setval(%s::regclass, (SELECT start_value FROM pg_sequences "
                                   "WHERE schemaname = current_schema() AND sequencename = %s), false)",
                                   [quote(name), name])
                else:
                    cursor.execute("SELECT setval(%s::regclass, %s, true)", [quote(name), values[name]])
            elif name in values:
                cursor.execute(f"ALTER TABLE {quote(name)} AUTO_INCREMENT = {int(values[name])}")


def check_case(label):
    """``(problems, escaped traceback or "", outcome)`` of one fixture through the three paths."""
    from nose_fastfixtures.errors import FastFixturesError

    problems = []
    before = snapshot()
    counters = sequences()
    in_transaction_error, committed_error, django_rows = _django_load(label)
    put_back_sequences(counters)
    if snapshot() != before:
        return ["the campaign's own rollback of loaddata left changes"], "", "harness"
    outcome = "fails" if committed_error else "loads"
    for path, load, unload in (("layer", _layer_load, _layer_unload), ("per-class", _class_load, _class_unload)):
        # A layer that fails leaves its classes to load their own fixtures, Django's way: only
        # loading where Django's TestCase load fails would change an outcome. Per-class fixtures
        # load as a TransactionTestCase does, committed: their verdict must be the same.
        django_error = in_transaction_error if path == "layer" else committed_error
        try:
            handle = load(label)
        except FastFixturesError as error:
            if not django_error and path == "per-class":
                problems.append(f"{path}: failed where loaddata loads: {error}")
            elif label not in str(error):
                problems.append(f"{path}: the error does not name the fixture: {error}")
            changed = changed_tables(before, snapshot())
            if changed:
                problems.append(f"{path}: a failed load changed {changed}")
            put_back_sequences(counters)
            continue
        except Exception:  # noqa: BLE001 - what the campaign counts: an exception escaping our code
            return problems, traceback.format_exc(), outcome
        if django_error:
            problems.append(f"{path}: loaded where loaddata fails ({django_error[:200]})")
        else:
            changed = changed_tables(django_rows, snapshot())
            if changed:
                problems.append(f"{path}: rows differ from loaddata's in {changed}")
        try:
            unload(handle)
        except Exception:  # noqa: BLE001
            return problems, traceback.format_exc(), outcome
        put_back_sequences(counters)
        changed = changed_tables(before, snapshot())
        if changed:
            problems.append(f"{path}: removing the load left {changed}")
    return problems, "", outcome


def _layer_load(label):
    from nose_fastfixtures.database import ledger

    return ledger.load([label], ["default"])


def _layer_unload(record):
    record.unload("default", like_rollback=True)


def _class_load(label):
    from django.test import TransactionTestCase

    from nose_fastfixtures.database import class_fixtures

    cls = type("FuzzedFixtureTests", (TransactionTestCase,), {"fixtures": [label], "__module__": __name__,
                                                              "test_nothing": lambda self: None})
    class_fixtures._flushed.add("default")  # as after a TransactionTestCase: the ledger's path
    state = class_fixtures.ClassFixtures(cls)
    state.fixture_setup()
    return state


def _class_unload(state):
    state.finish()


def main(argv):
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from chaos import fixture_mutations as fm

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    options = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="fuzz-fixtures-")
    runner, old_config = setup_django(workdir)
    from nose_fastfixtures.database import ledger

    base = ledger.load(list(BASE), ["default"])  # a bundle's lower layer: the fuzzed one goes on top
    sources = source_objects()
    with open(options.out, "w") as out:
        fuzzer = Fuzzer(workdir, out)

        @seed(options.seed)
        @settings(max_examples=options.count, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(fm.cases(sources))
        def run(drawn):
            fuzzer.case(drawn, sources)

        run()
        out.write(json.dumps({"tried": fuzzer.tried, "failed": fuzzer.failed, "escaped": fuzzer.escaped,
                              "outcomes": fuzzer.outcomes}) + "\n")
    base.unload("default", like_rollback=True)
    runner.teardown_databases(old_config)
    os.rmdir(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
