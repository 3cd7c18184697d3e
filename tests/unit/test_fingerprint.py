"""The schema fingerprint and the reuse/migrate/rebuild decision, without a database."""

import pytest

from nose_fastfixtures.planning import fingerprint as fp

SETTINGS = {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "HOST": "db", "PASSWORD": "x",
            "OPTIONS": {}, "TEST": {"NAME": None, "CHARSET": None}}
MIGRATIONS = {"shop": {"0001_initial": "aaa", "0002_price": "bbb"}, "auth": {"0001_initial": "ccc"}}
UNMIGRATED = {"notes": "[{'label': 'notes.Note'}]"}


def make(django="5.2.19", settings=SETTINGS, routers=(), migrations=MIGRATIONS, unmigrated=UNMIGRATED):
    return fp.compute(django, settings, routers, migrations, unmigrated)


OLD = make()


@pytest.mark.parametrize("new, action, reason", [
    (make(), fp.REUSE, "schema fingerprint unchanged"),
    (make(settings={**SETTINGS, "HOST": "elsewhere", "PASSWORD": "y", "NAME": "other"}), fp.REUSE, "unchanged"),
    (make(migrations={**MIGRATIONS, "shop": {**MIGRATIONS["shop"], "0003_stock": "ddd"}}),
     fp.MIGRATE, "1 new migration: shop.0003_stock"),
    (make(migrations={**MIGRATIONS, "blog": {"0001_initial": "eee", "0002_x": "fff"}}),
     fp.MIGRATE, "2 new migrations: blog.0001_initial, blog.0002_x"),
    (make(migrations={**MIGRATIONS, "shop": {"0001_initial": "aaa", "0002_price": "changed"}}),
     fp.REBUILD, "edited: shop.0002_price"),
    (make(migrations={**MIGRATIONS, "shop": {"0001_initial": "aaa"}}), fp.REBUILD, "removed: shop.0002_price"),
    (make(migrations={**MIGRATIONS, "shop": {"0001_initial": "aaa", "0002_stock": "ggg"}}),
     fp.REBUILD, "branch switch?): shop.0002_price gone, shop.0002_stock new"),
    (make(migrations={"shop": MIGRATIONS["shop"]}), fp.REBUILD, "removed: auth.0001_initial"),
    (make(unmigrated={"notes": "[{'label': 'notes.Note', 'fields': ['x']}]"}), fp.REBUILD,
     "without migrations changed: notes"),
    (make(unmigrated={}), fp.REBUILD, "without migrations changed: notes"),
    (make(django="5.2.20"), fp.REBUILD, "Django changed from 5.2.19 to 5.2.20"),
    (make(settings={**SETTINGS, "TEST": {"NAME": None, "CHARSET": "utf8"}}), fp.REBUILD, "DATABASES settings"),
    (make(routers=["app.routers.Router"]), fp.REBUILD, "routers"),
])
def test_classify(new, action, reason):
    decision = fp.classify(OLD, new)
    assert decision.action == action
    assert reason in decision.reason


def with_globals(fingerprint, digest):
    return fp.compute("5.2.19", SETTINGS, (), fingerprint.get("migrations", MIGRATIONS), UNMIGRATED, digest)


@pytest.mark.parametrize("old, new, action, reason", [
    (with_globals({}, "g1"), with_globals({}, "g1"), fp.REUSE, "unchanged"),
    (OLD, with_globals({}, "g1"), fp.REBUILD, "global fixtures are loaded now"),
    (with_globals({}, "g1"), OLD, fp.REBUILD, "global fixtures this run does not load"),
    (with_globals({}, "g1"), with_globals({}, "g2"), fp.REBUILD, "its global fixtures changed"),
    (with_globals({}, "g1"), with_globals({"migrations": {**MIGRATIONS, "shop": {**MIGRATIONS["shop"], "0003": "x"}}},
                                          "g1"), fp.REBUILD, "new migration(s) under its global fixtures: shop.0003"),
])
def test_global_fixtures_are_part_of_the_fresh_state(old, new, action, reason):
    decision = fp.classify(old, new)
    assert (decision.action, reason in decision.reason) == (action, True), decision


def with_runner(digest):
    return fp.compute("5.2.19", SETTINGS, (), MIGRATIONS, UNMIGRATED, project_setup=digest)


@pytest.mark.parametrize("old, new, action, reason", [
    (with_runner("r1"), with_runner("r1"), fp.REUSE, "unchanged"),
    (with_runner("r1"), with_runner("r2"), fp.REBUILD, "the TEST_RUNNER's setup_databases changed"),
    (OLD, with_runner("r1"), fp.REBUILD, "the TEST_RUNNER's own setup_databases runs on it now"),
    (with_runner("r1"), OLD, fp.REBUILD, "the TEST_RUNNER's own setup_databases is gone"),
])
def test_the_project_runners_own_setup_databases_is_part_of_the_fresh_state(old, new, action, reason):
    decision = fp.classify(old, new)
    assert (decision.action, reason in decision.reason) == (action, True), decision
    assert "project_setup" not in OLD  # fingerprints of projects without one stay as they were


def test_no_stored_fingerprint_means_create_and_another_format_means_rebuild():
    assert fp.classify(None, OLD).action == fp.CREATE
    assert fp.classify({**OLD, "format": 0}, OLD).action == fp.REBUILD


def test_new_migrations_are_listed_in_the_decision():
    new = make(migrations={**MIGRATIONS, "shop": {**MIGRATIONS["shop"], "0003_a": "1", "0004_b": "2"}})
    assert fp.classify(OLD, new).new_migrations == ["shop.0003_a", "shop.0004_b"]


def test_fingerprint_is_json_and_ignores_memory_addresses():
    import json

    assert json.loads(json.dumps(OLD)) == OLD
    assert fp.canonical([repr(object())]) == fp.canonical([repr(object())])


@pytest.mark.parametrize("marker, action, reason", [
    (None, fp.REUSE, "unchanged"),
    ({"pid": 42, "started": "2024-01-01 10:00:00"}, fp.REBUILD, "(pid 42) did not finish"),
    ({"changed": ["shop_item", "schema"]}, fp.REBUILD, "could not be put back: shop_item, schema"),
])
def test_after_interrupted_turns_reuse_into_rebuild(marker, action, reason):
    decision = fp.after_interrupted(fp.Decision(fp.REUSE, "schema fingerprint unchanged"), marker)
    assert (decision.action, reason in decision.reason) == (action, True)


def test_after_interrupted_keeps_create():
    decision = fp.after_interrupted(fp.Decision(fp.CREATE, "no kept test database yet"), {"pid": 1})
    assert decision.action == fp.CREATE


def test_changed_tables_and_names():
    assert fp.changed_tables({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 0}) == ["b", "c", "d"]
    assert fp.names(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"


def test_summary_line():
    line = fp.summary("default", "test_shop", fp.Decision(fp.MIGRATE, "1 new migration: shop.0002_x"))
    assert line == "reuse-db: default: migrated test_shop (1 new migration: shop.0002_x)"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("TRUE", True), ("0", False),
                                             ("false", False), ("", False)])
def test_parse_switch(value, expected):
    assert fp.parse_switch(value, "REUSE_DB") is expected


@pytest.mark.parametrize("value", ["yes", "2", "maybe"])
def test_parse_switch_refuses_other_values(value):
    with pytest.raises(ValueError, match=f"REUSE_DB={value!r} is not a valid value"):
        fp.parse_switch(value, "REUSE_DB")
