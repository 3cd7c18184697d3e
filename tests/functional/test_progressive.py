"""``nosetests --with-progressive`` from the outside: plain output, a real terminal, Django."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers.oracle import ROOT, run_nose
from tests.helpers.projects import make_project

GOLDEN = Path(__file__).parent / "golden" / "progressive_plain.txt"
SUMMARY = re.compile(r"^\d+ passed, \d+ failed, \d+ errors, \d+ skipped in \d+\.\ds$")

OUTCOMES = '''
    import time
    import unittest


    class Outcomes(unittest.TestCase):
        def test_fails(self):
            expected = 2
            self.assertEqual(1, expected)

        def test_passes(self):
            pass

        def test_slow(self):
            time.sleep(0.3)

        @unittest.skip("not today")
        def test_skipped(self):
            pass


    class BrokenSetup(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("class setup failed")

        def test_never_runs(self):
            pass


    def helper(key):
        return {}[key]


    def test_errors():
        try:
            helper("missing")
        except KeyError as error:
            raise ValueError("lookup failed") from error
'''

SUITE = {
    "test_a_outcomes.py": OUTCOMES,
    "test_b_unimportable.py": "import no_such_module_for_progressive\n",
    "test_c_syntax.py": "def test_broken(:\n    pass\n",
}

# Holds the run until the test has looked at the screen.
WAITS = '''
    import os
    import time


    def test_waits_for_release():
        deadline = time.monotonic() + 60
        while not os.path.exists("release") and time.monotonic() < deadline:
            time.sleep(0.05)
'''


def write_suite(root, files):
    for name, source in files.items():
        (root / name).write_text(textwrap.dedent(source).lstrip())
    return root


# The outer environment must not leak colour or editor choices into the runs.
PLAIN_ENV = {"EDITOR": "vim", "NO_COLOR": "", "FORCE_COLOR": "", "TERM": "xterm",
             "NOSE_PROGRESSIVE_INTERVAL": "3600"}


def normalised(output):
    """Elapsed times vary from run to run; everything else must not."""
    output = re.sub(r" in \d+\.\ds$", " in X.Xs", output, flags=re.M)
    return re.sub(r"^( +)\d+\.\d\ds ", r"\1X.XXs ", output, flags=re.M)


def test_plain_output_matches_the_golden_file(tmp_path):
    write_suite(tmp_path, SUITE)
    run = run_nose(cwd=tmp_path, args=["--with-progressive", "--progressive-durations=1"], env=PLAIN_ENV)
    assert run.returncode == 1
    assert "\x1b" not in run.output
    if os.environ.get("NFF_UPDATE_GOLDEN"):
        GOLDEN.write_text(normalised(run.stderr))
    assert normalised(run.stderr) == GOLDEN.read_text()
    # The reporter only listens: nose alone gives every test the same outcome.
    assert run_nose(cwd=tmp_path, env=PLAIN_ENV).outcomes == run.outcomes


def test_plain_progress_lines_and_colour_forced(tmp_path):
    write_suite(tmp_path, {"test_a_outcomes.py": OUTCOMES})
    run = run_nose(cwd=tmp_path, args=["--with-progressive", "--progressive-interval=0"],
                   env={**PLAIN_ENV, "FORCE_COLOR": "1"})
    assert re.search(r"^progress: 5/5 100%  0:0\d ~0:00 left$", run.stderr, flags=re.M), run.stderr
    assert "\x1b[1;31mFAIL: test_a_outcomes.py:Outcomes.test_fails\x1b[0m" in run.stderr
    assert "\x1b[K" not in run.stderr  # colour, but no cursor movement without a terminal


def test_absolute_paths_and_editor_template(tmp_path):
    write_suite(tmp_path, {"test_a_outcomes.py": OUTCOMES})
    run = run_nose(cwd=tmp_path, args=["--with-progressive", "--progressive-absolute-paths",
                                       "--progressive-editor=code",
                                       "--progressive-editor-shortcut-template={editor} -g {path}:{line_number}"],
                   env=PLAIN_ENV)
    assert f"FAIL: {tmp_path}/test_a_outcomes.py:Outcomes.test_fails" in run.stderr
    assert f"  code -g {tmp_path}/test_a_outcomes.py:8\n" in run.stderr


@pytest.mark.parametrize("option, message", [
    ("--progressive-color=blue", "option --progressive-color: must be one of auto, always, never, not 'blue'"),
    ("--progressive-durations=-1", "option --progressive-durations: needs a number of 0 or more, not '-1'"),
    ("--progressive-editor-shortcut-template={editor} {nope}", "bad editor shortcut template"),
])
def test_bad_options_are_usage_errors(tmp_path, option, message):
    write_suite(tmp_path, {"test_a_outcomes.py": OUTCOMES})
    run = run_nose(cwd=tmp_path, args=["--with-progressive", option], env=PLAIN_ENV)
    assert run.returncode == 2
    assert message in run.stderr and run.stderr.count("\n") == 1


def test_the_brief_list_keeps_whole_messages_in_a_log(tmp_path):
    write_suite(tmp_path, {"test_long.py": '''
        def test_long_message():
            raise AssertionError("why " * 60 + "the end")
    '''})
    run = run_nose(cwd=tmp_path, args=["--with-progressive"], env=PLAIN_ENV)
    assert "FAIL  test_long.py:test_long_message - AssertionError: " + "why " * 60 + "the end\n" in run.stderr


def test_stop_at_first_problem_and_xunit(tmp_path):
    write_suite(tmp_path, SUITE)
    run = run_nose(cwd=tmp_path, args=["--with-progressive", "-x", "-v", "--with-xunit",
                                       f"--xunit-file={tmp_path / 'x.xml'}"], env=PLAIN_ENV)
    lines = run.stderr.splitlines()
    assert "stopped at the first problem: 7 of 7 tests did not run" in lines
    assert f"XML: {tmp_path / 'x.xml'}" in lines  # other plugins' reports come before the last line
    assert lines[-1] == "0 passed, 0 failed, 1 errors, 0 skipped in " + lines[-1].split(" in ")[1]
    assert (tmp_path / "x.xml").exists()


DJANGO_TESTS = '''
    import unittest

    from django.test import TestCase

    from shop.models import Item


    class ItemTests(TestCase):
        def test_create(self):
            Item.objects.create(name="a")
            self.assertEqual(Item.objects.count(), 1)

        def test_fails(self):
            self.assertEqual(Item.objects.count(), 1)

        @unittest.expectedFailure
        def test_expected_failure(self):
            self.assertEqual(1, 2)

        @unittest.expectedFailure
        def test_unexpected_success(self):
            pass

        def test_subtests(self):
            for number in (1, 2, 3):
                with self.subTest(number=number):
                    self.assertNotEqual(number, 2)
'''


def test_with_django_counts_unittest_outcomes(tmp_path):
    project = make_project(tmp_path, {"test_items.py": DJANGO_TESTS})
    env = {**PLAIN_ENV, "DB_BACKEND": "sqlite"}
    run = run_nose(cwd=project, args=["--with-progressive"], env=env)
    lines = run.stderr.splitlines()
    assert run.returncode == 1, run.output
    assert "UNEXPECTED SUCCESS: shop/tests/test_items.py:ItemTests.test_unexpected_success" in lines
    assert "FAIL: shop/tests/test_items.py:ItemTests.test_subtests" in lines
    assert "(1 expected failure counted as passed; 1 unexpected success counted as failed)" in lines
    assert re.fullmatch(r"2 passed, 3 failed, 0 errors, 0 skipped in \d+\.\ds", lines[-1]), run.stderr
    assert run_nose(cwd=project, env=env).outcomes == run.outcomes


# -- a real terminal ---------------------------------------------------------------------------

def tmux_or_skip():
    if shutil.which("tmux"):
        return
    message = "tmux is not installed (apt-get install tmux; .ci/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


class Tmux:
    """A detached tmux server of its own, with one shell in a window of known size."""

    def __init__(self, cwd, width=100, height=40):
        self.socket = f"nff-{uuid.uuid4().hex[:8]}"
        env = {"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin", "HOME": str(cwd)}
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-c", str(cwd),
                  "env", "-i", *(f"{k}={v}" for k, v in env.items()), "bash", "--norc", "--noprofile")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def type(self, command):
        self.tmux("send-keys", "-l", command)
        self.tmux("send-keys", "Enter")

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []))

    def wait_for(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen, flags=re.M):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never showed; the screen:\n{self.screen()}")

    def kill(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    tmux_or_skip()
    tmux = Tmux(tmp_path)
    yield tmux
    tmux.kill()


def last_line(screen):
    return [line for line in screen.splitlines() if line.strip()][-1]


def test_in_a_terminal(tmp_path, terminal):
    write_suite(tmp_path, {**SUITE, "test_d_waits.py": WAITS})
    terminal.type("TERM=xterm EDITOR=vim NO_COLOR= FORCE_COLOR= nosetests --with-progressive; echo EXIT=$?")
    during = terminal.wait_for(r"test_d_waits\.test_waits_for_release$")
    bar = last_line(during)
    assert re.match(r"\[=+>? *\] 7/8  87%  \d:\d\d ~\d:\d\d left  test_d_waits\.test_waits_for_release$", bar), during
    assert len(bar) <= 99
    # The first failure is on screen while the run goes on, paths relative, editor lines right.
    assert "FAIL: test_a_outcomes.py:Outcomes.test_fails\n  vim +8 test_a_outcomes.py  # test_fails\n" \
           "    self.assertEqual(1, expected)\nAssertionError: 1 != 2\n" in during
    assert "ERROR: test_b_unimportable.py\n  vim +1 test_b_unimportable.py  # <module>\n" in during
    terminal.tmux("resize-window", "-x", "60")
    resized = terminal.wait_for(r"^\[=+>? *\] 7/8  87%.*\.\.\..*release$")
    assert len(last_line(resized)) <= 59, resized
    (tmp_path / "release").write_text("")
    after = terminal.wait_for(r"^EXIT=\d")
    lines = [line for line in after.splitlines() if line.strip()]
    assert lines[-2] == "EXIT=1"
    assert SUMMARY.match(lines[-3]) and lines[-3].startswith("3 passed, 1 failed, 4 errors, 1 skipped"), after
    assert "ERROR test_c_syntax.py - SyntaxError: invalid syntax" in lines
    assert not re.search(r"\[=+", "\n".join(lines[-10:])), after  # the bar is gone at the end
    coded = terminal.screen(escapes=True)
    assert set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", coded)) <= {"\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m",
                                                                 "\x1b[39m", "\x1b[49m"}, coded
    assert "\x1b[K" not in after and "[K" not in after


def test_bar_is_cleared_before_the_debugger_speaks(tmp_path, terminal):
    write_suite(tmp_path, {"test_a_outcomes.py": OUTCOMES})
    terminal.type("TERM=xterm nosetests --with-progressive --pdb-failures test_a_outcomes.py; echo EXIT=$?")
    screen = terminal.wait_for(r"^\(Pdb\) *$")
    prompt_area = screen.rstrip().splitlines()[-3:]
    assert not any("left" in line for line in prompt_area), screen
    terminal.type("c")
    after = terminal.wait_for(r"^EXIT=\d")
    assert "FAIL: test_a_outcomes.py:Outcomes.test_fails" in after


NOISY = '''
    import logging
    import sys
    import time
    import unittest
    import warnings

    console = logging.getLogger("noisy.console")
    console.addHandler(logging.StreamHandler())  # bound to stderr before the run starts
    console.propagate = False


    class Noisy(unittest.TestCase):
        def test_a_warns(self):
            warnings.warn("careful now", UserWarning)
            time.sleep(0.3)

        def test_b_logs(self):
            console.error("logged to the console")
            time.sleep(0.3)

        def test_c_writes_half_a_line(self):
            sys.stderr.write("half a line")
            time.sleep(0.3)

        def test_d_prints(self):
            print("printed")
            time.sleep(0.3)
'''


@pytest.fixture
def wide_terminal(tmp_path):
    """A terminal wide enough for the temporary folder's long paths on one line."""
    tmux_or_skip()
    tmux = Tmux(tmp_path, width=300)
    yield tmux
    tmux.kill()


def test_what_tests_print_warn_or_log_gets_lines_of_its_own(tmp_path, wide_terminal):
    terminal = wide_terminal
    write_suite(tmp_path, {"test_noisy.py": NOISY})
    terminal.type("TERM=xterm nosetests --with-progressive -s -v --with-xunit test_noisy.py; echo EXIT=$?")
    after = terminal.wait_for(r"^EXIT=\d")
    lines = after.splitlines()
    for line in ("logged to the console", "half a line", "printed", f"XML: {tmp_path / 'nosetests.xml'}"):
        assert line in lines, after
    assert re.search(r"^/\S+test_noisy\.py:\d+: UserWarning: careful", after, flags=re.M), after
    assert not re.search(r"left\S", after), after  # nothing glued to the end of a bar
