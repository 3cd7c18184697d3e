"""Turning test labels into nose names, and telling labels that match nothing."""

import pytest

from nose_fastfixtures.errors import UsageError
from nose_fastfixtures.planning.labels import check_label_matched, is_dotted_name, names_one_method, to_nose_name

MODULES = {"app", "app.tests", "app.tests.test_x"}


def is_module(name):
    return name in MODULES


def no_paths(path):
    return False


@pytest.mark.parametrize("label, expected", [
    ("app.tests.test_x", "app.tests.test_x"),
    ("app.tests.test_x.Class", "app.tests.test_x:Class"),
    ("app.tests.test_x.Class.test_method", "app.tests.test_x:Class.test_method"),
    ("app", "app"),
    ("app.tests.test_x:Class.test_method", "app.tests.test_x:Class.test_method"),
])
def test_django_and_nose_forms_become_nose_names(label, expected):
    assert to_nose_name(label, is_module, no_paths) == expected


def test_existing_paths_are_left_to_nose():
    assert to_nose_name("app/tests/test_x.py", is_module, lambda path: True) == "app/tests/test_x.py"
    exists = {"app/tests/test_x.py"}.__contains__
    assert to_nose_name("app/tests/test_x.py:Class", is_module, exists) == "app/tests/test_x.py:Class"


@pytest.mark.parametrize("label", ["app/tests/missing.py", "app/tests/missing.py:Class", "missing/"])
def test_missing_paths_are_usage_errors(label):
    with pytest.raises(UsageError, match="no such file or directory"):
        to_nose_name(label, is_module, no_paths)


def test_dotted_label_with_no_module_is_a_usage_error():
    with pytest.raises(UsageError, match="there is no module 'nothing'"):
        to_nose_name("nothing.here", is_module, no_paths)


def test_dotted_names():
    assert is_dotted_name("a.b.C")
    assert not is_dotted_name("a/b")
    assert not is_dotted_name("a..b")
    assert not is_dotted_name("")


def test_label_with_real_tests_matches():
    check_label_matched("x", [None, (ValueError, ValueError("No such test Nope"))])
    check_label_matched("x", [(ImportError, ImportError("broken module"))])  # reported as a test error


@pytest.mark.parametrize("outcomes", [
    [],
    [(ValueError, ValueError("No such test Nope"))],
    [(OSError, OSError("No such file /x"))],
])
def test_label_matching_nothing_is_a_usage_error(outcomes):
    with pytest.raises(UsageError, match="label 'x' matches no test"):
        check_label_matched("x", outcomes)


@pytest.mark.parametrize("label, hint", [("2", "write -vv or --verbosity=2"), ("0", "write -q or --verbosity=0"),
                                         ("5", "write --verbosity=5")])
def test_a_number_is_taken_for_djangos_verbosity(label, hint):
    with pytest.raises(UsageError, match=f"label '{label}' matches no test: nose's -v takes no number.*{hint}"):
        to_nose_name(label, is_module, no_paths)


def test_a_folder_named_by_a_number_is_still_a_label():
    assert to_nose_name("2", is_module, lambda path: path == "2") == "2"


@pytest.mark.parametrize("nose_name, one_method", [
    ("shop.tests.test_x:OrderTests.test_total", True),
    ("shop/tests/test_x.py:OrderTests.test_total", True),
    ("shop.tests.test_x:OrderTests", False),
    ("shop.tests.test_x:test_function", False),
    ("shop.tests.test_x", False),
    ("shop/tests/test_x.py", False),
])
def test_names_one_method(nose_name, one_method):
    assert names_one_method(nose_name) is one_method
