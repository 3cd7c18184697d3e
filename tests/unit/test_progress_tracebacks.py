"""Compact tracebacks: paths by components, harness frames, editor lines, rerunnable labels."""

import pytest

from nose_fastfixtures.progress import tracebacks
from nose_fastfixtures.progress.tracebacks import Frame, Section

HARNESS = ["/usr/lib/python3.11/unittest", "/venv/site-packages/nose", "/venv/site-packages/django/test"]


@pytest.mark.parametrize("path, directory, expected", [
    ("/tmp/proj/test_x.py", "/tmp/proj", True),
    ("/tmp/proj/test_x.py", "/tmp/pro", False),  # a string prefix would say True
    ("/tmp/proj", "/tmp/proj", True),
    ("/tmp/proj/../other/x.py", "/tmp/proj", False),
    ("/tmp/proj/a/../x.py", "/tmp/proj", True),
    ("<frozen importlib._bootstrap>", "/tmp", False),
    ("", "/tmp", False),
])
def test_is_under(path, directory, expected):
    assert tracebacks.is_under(path, directory) is expected


@pytest.mark.parametrize("path, absolute, expected", [
    ("/tmp/proj/app/tests/test_x.py", False, "app/tests/test_x.py"),
    ("/tmp/proj/app/tests/test_x.py", True, "/tmp/proj/app/tests/test_x.py"),
    ("/tmp/project/test_x.py", False, "/tmp/project/test_x.py"),  # not under /tmp/proj
    ("/usr/lib/python3.11/json/decoder.py", False, "/usr/lib/python3.11/json/decoder.py"),
    ("app/test_x.py", False, "app/test_x.py"),
    ("app/test_x.py", True, "/tmp/proj/app/test_x.py"),
    ("<frozen importlib._bootstrap>", False, "<frozen importlib._bootstrap>"),
])
def test_display_path(path, absolute, expected):
    assert tracebacks.display_path(path, "/tmp/proj", absolute) == expected


@pytest.mark.parametrize("path, expected", [
    ("/usr/lib/python3.11/unittest/case.py", True),
    ("/usr/lib/python3.11/unittest/mock.py", True),
    ("/venv/site-packages/nose/case.py", True),
    ("/venv/site-packages/django/test/testcases.py", True),
    ("/venv/site-packages/django/db/models/query.py", False),
    ("/venv/site-packages/nosetests_extra/x.py", False),
    ("<frozen importlib._bootstrap>", True),
    ("/tmp/proj/test_x.py", False),
])
def test_is_harness(path, expected):
    assert tracebacks.is_harness(path, HARNESS) is expected


def test_user_frames_drops_harness_frames_anywhere():
    frames = [Frame("/usr/lib/python3.11/unittest/case.py", 57, "testPartExecutor", ""),
              Frame("/tmp/proj/test_x.py", 9, "test_fail", "self.assertEqual(1, 2)"),
              Frame("/usr/lib/python3.11/unittest/case.py", 873, "assertEqual", "")]
    assert tracebacks.user_frames(frames, HARNESS) == [frames[1]]


def test_user_frames_keeps_everything_rather_than_nothing():
    frames = [Frame("/venv/site-packages/django/test/testcases.py", 10, "setUpClass", "")]
    assert tracebacks.user_frames(frames, HARNESS) == frames


@pytest.mark.parametrize("template, editor, path, expected", [
    (tracebacks.DEFAULT_TEMPLATE, "vim", "app/x.py", "vim +42 app/x.py  # test_total"),
    ("{editor} -g {path}:{line_number}", "code", "app/x.py", "code -g app/x.py:42"),
    ("{editor} --line {line_number} {path}", "pycharm", "app/x.py", "pycharm --line 42 app/x.py"),
    ("{editor} +{line_number} {path}", "vim", "my app/x.py", "vim +42 'my app/x.py'"),
])
def test_editor_line(template, editor, path, expected):
    assert tracebacks.editor_line(template, editor, path, 42, "test_total") == expected


@pytest.mark.parametrize("template", ["{editor} {nope}", "{editor} {", "{0}", "{line_number:q}"])
def test_check_template_rejects_bad_templates(template):
    with pytest.raises(ValueError, match="bad editor shortcut template"):
        tracebacks.check_template(template)


@pytest.mark.parametrize("option, env, expected", [
    ("emacs", {"EDITOR": "vim"}, "emacs"),
    (None, {"EDITOR": "vim"}, "vim"),
    (None, {}, "vi"),
    ("", {"EDITOR": ""}, "vi"),
])
def test_choose_editor(option, env, expected):
    assert tracebacks.choose_editor(option, env) == expected


@pytest.mark.parametrize("address, absolute, expected", [
    (("/tmp/proj/app/tests/test_x.py", "app.tests.test_x", "OrderTests.test_total"), False,
     "app/tests/test_x.py:OrderTests.test_total"),
    (("/tmp/proj/app/tests/test_x.py", "app.tests.test_x", None), False, "app/tests/test_x.py"),
    (("/tmp/proj/test_x.py", "test_x", "test_fn"), True, "/tmp/proj/test_x.py:test_fn"),
    ((None, "app.tests.test_x", "OrderTests"), False, "app.tests.test_x:OrderTests"),
    ((None, None, None), False, None),
    (None, False, None),
])
def test_rerun_label(address, absolute, expected):
    assert tracebacks.rerun_label(address, "/tmp/proj", absolute) == expected


def test_render_failure():
    sections = [
        Section([Frame("/tmp/proj/test_x.py", 5, "helper", "raise KeyError(k)")], ["KeyError: 'a'"], None),
        Section([Frame("/tmp/proj/test_x.py", 9, "test_it", "  helper()  "),
                 Frame("/usr/lib/python3.11/json/decoder.py", 3, "decode", None)],
                ["ValueError: bad", "  detail"], tracebacks.CONTEXT),
    ]
    assert tracebacks.render_failure("ERROR", "test_x.py:test_it", sections, "/tmp/proj", "vim",
                                     tracebacks.DEFAULT_TEMPLATE) == [
        ("header", "ERROR: test_x.py:test_it"),
        ("editor", "  vim +5 test_x.py  # helper"),
        ("source", "    raise KeyError(k)"),
        ("exception", "KeyError: 'a'"),
        ("plain", tracebacks.CONTEXT),
        ("editor", "  vim +9 test_x.py  # test_it"),
        ("source", "    helper()"),
        ("editor", "  vim +3 /usr/lib/python3.11/json/decoder.py  # decode"),
        ("exception", "ValueError: bad"),
        ("exception", "  detail"),
    ]
