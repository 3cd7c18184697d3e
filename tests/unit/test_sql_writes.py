"""Classifying SQL statements by the tables they write."""

import pytest

from nose_fastfixtures.planning.sql_writes import EVERYTHING, tables_written


@pytest.mark.parametrize("sql, tables", [
    ('INSERT INTO "shop_item" ("name") VALUES (%s)', {"shop_item"}),
    ("INSERT INTO `shop_item` (`name`) VALUES (%s)", {"shop_item"}),
    ('INSERT OR IGNORE INTO "t" VALUES (1)', {"t"}),
    ("INSERT IGNORE INTO t VALUES (1)", {"t"}),
    ('UPDATE "orders_order" SET "status" = %s WHERE "id" = %s', {"orders_order"}),
    ('update public."orders_order" set x = 1', {"orders_order"}),
    ('DELETE FROM "catalog_product_tags" WHERE id IN (1, 2)', {"catalog_product_tags"}),
    ("REPLACE INTO t1 VALUES (1)", {"t1"}),
    ('TRUNCATE "a", "b" RESTART IDENTITY CASCADE;', {"a", "b"}),
    ("TRUNCATE TABLE `a`", {"a"}),
    ("/* comment */ INSERT INTO t VALUES (1)", {"t"}),
    ("-- why\nUPDATE t SET a = 1", {"t"}),
])
def test_data_changing_statements_name_their_tables(sql, tables):
    assert tables_written(sql) == frozenset(tables)


@pytest.mark.parametrize("sql", [
    'SELECT "id" FROM "t" WHERE x = 1',
    "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "ROLLBACK TO SAVEPOINT s1", "COMMIT", "BEGIN",
    "SET FOREIGN_KEY_CHECKS = 0", "SHOW TABLES", "PRAGMA foreign_key_list(t)", "",
    "SELECT * FROM t FOR UPDATE",
])
def test_statements_that_write_nothing(sql):
    assert tables_written(sql) == frozenset()


@pytest.mark.parametrize("sql", [
    "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
    "CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN y int", "DROP TABLE t",
    "CALL do_things()", "SELECT * INTO new_table FROM t", "PRAGMA foreign_keys = ON; DELETE FROM t",
    "DELETE FROM a; DELETE FROM b",
    "MERGE INTO t USING s ON (1=1) WHEN MATCHED THEN DELETE",
])
def test_anything_unclear_marks_everything_dirty(sql):
    assert tables_written(sql) == EVERYTHING
