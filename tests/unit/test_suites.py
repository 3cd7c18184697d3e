"""Walking nose suites: materializing lazy ones and cutting them into reorderable units."""

import unittest

from nose import loader as nose_loader
from nose.config import Config

from nose_fastfixtures.harness.suites import (
    children,
    is_group,
    iter_tests,
    keep_only,
    materialize,
    merge_repeated_classes,
    split_into_units,
    unwrap,
)

MODULE = '''
import unittest

def setup_module():
    pass

class TestA(unittest.TestCase):
    def test_one(self):
        pass

def test_function():
    pass
'''

PLAIN = '''
import unittest

class TestB(unittest.TestCase):
    def test_two(self):
        pass

    def test_three(self):
        pass
'''


def load(tmp_path):
    (tmp_path / "test_fixtured.py").write_text(MODULE)
    (tmp_path / "test_plain.py").write_text(PLAIN)
    loader = nose_loader.TestLoader(config=Config(workingDir=str(tmp_path)))
    return loader.loadTestsFromNames([str(tmp_path)])


def names(suite):
    return sorted(unwrap(test).id().rsplit(".", 1)[-1] for test in iter_tests(suite))


def test_materialize_keeps_every_test_and_can_be_iterated_again(tmp_path):
    suite = materialize(load(tmp_path))
    assert names(suite) == ["test_function", "test_one", "test_three", "test_two"]
    assert names(suite) == ["test_function", "test_one", "test_three", "test_two"]
    result = unittest.TestResult()
    suite(result)
    assert result.testsRun == 4 and result.wasSuccessful()


def test_units_keep_modules_with_fixtures_whole_and_split_others_into_classes(tmp_path):
    units = split_into_units(materialize(load(tmp_path)))
    contexts = [getattr(unit.context, "__name__", unit.context) for unit in units]
    assert contexts == ["test_fixtured", "TestB"]


def test_a_package_with_a_setup_function_is_a_group_of_units(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("def setup():\n    pass\n")
    (package / "test_fixtured.py").write_text(MODULE)
    (package / "test_plain.py").write_text(PLAIN)
    loader = nose_loader.TestLoader(config=Config(workingDir=str(tmp_path)))
    units = split_into_units(materialize(loader.loadTestsFromNames([str(package)])))
    assert [unit.context.__name__ for unit in units] == ["pkg"]
    assert is_group(units[0])
    inside = [getattr(unit.context, "__name__", unit.context) for unit in children(units[0])]
    assert inside == ["pkg.test_fixtured", "TestB"]
    assert names(units[0]) == ["test_function", "test_one", "test_three", "test_two"]


BASE = '''
import unittest

class SharedTests(unittest.TestCase):
    def test_a(self):
        pass

    def test_b(self):
        pass
'''

IMPORTING = '''
from test_base import SharedTests

class TestOwn(SharedTests):
    def test_c(self):
        pass
'''


def test_an_imported_class_runs_once_under_its_own_id(tmp_path, monkeypatch):
    from nose_fastfixtures.harness.loading import keep_unittest_classes_home

    (tmp_path / "test_base.py").write_text(BASE)
    (tmp_path / "test_one.py").write_text(IMPORTING)
    (tmp_path / "test_two.py").write_text(IMPORTING.replace("TestOwn", "TestOther"))
    monkeypatch.syspath_prepend(str(tmp_path))
    undo = keep_unittest_classes_home()
    try:
        loader = nose_loader.TestLoader(config=Config(workingDir=str(tmp_path)))
        suite = materialize(loader.loadTestsFromNames([str(tmp_path), "test_one:SharedTests.test_b"]))
    finally:
        undo()
    ids = sorted(unwrap(test).id() for test in iter_tests(merge_repeated_classes(suite)))
    assert ids == ["test_base.SharedTests.test_a", "test_base.SharedTests.test_b",
                   "test_one.TestOwn.test_a", "test_one.TestOwn.test_b", "test_one.TestOwn.test_c",
                   "test_two.TestOther.test_a", "test_two.TestOther.test_b", "test_two.TestOther.test_c"]
    shared = [unit for unit in split_into_units(suite) if unit.context.__name__ == "SharedTests"]
    assert len(shared) == 1  # its tests together in one class suite: setUpClass runs once


def test_keep_only_drops_the_suites_it_empties(tmp_path):
    """No test of TestA is wanted: its class suite and its module (with setup_module) go, so
    neither fixture runs; TestB keeps the wanted one of its two tests."""
    suite = keep_only(materialize(load(tmp_path)), lambda test: names(test) == ["test_two"])
    assert names(suite) == ["test_two"]
    assert [unit.context.__name__ for unit in split_into_units(suite)] == ["TestB"]
