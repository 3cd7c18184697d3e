"""The fidelity oracle: run a suite under Django's runner and under nosetests, compare outcomes."""

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.outcomes import OUTCOMES_ENV, differences, load

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_APP = ROOT / "sample_app"


@dataclass
class Run:
    """One run of a test command: its exit status, output and per-test outcomes."""

    returncode: int
    stdout: str
    stderr: str
    outcomes: dict

    @property
    def output(self):
        return self.stdout + self.stderr


def _run(command, cwd, env, timeout):
    with tempfile.TemporaryDirectory() as scratch:
        outcomes_file = Path(scratch) / "outcomes.json"
        full_env = {**os.environ, **env, OUTCOMES_ENV: str(outcomes_file),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}
        done = subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True,
                              timeout=timeout)
        outcomes = load(outcomes_file) if outcomes_file.exists() else {}
    return Run(done.returncode, done.stdout, done.stderr, outcomes)


def run_django(cwd=SAMPLE_APP, labels=(), env=None, timeout=1800):
    """``python manage.py test`` with a recording result class."""
    command = [sys.executable, "manage.py", "test", "--noinput",
               "--testrunner=tests.helpers.django_recorder.RecordingRunner", *labels]
    return _run(command, cwd, env or {}, timeout)


def run_nose(cwd=SAMPLE_APP, args=(), env=None, timeout=1800):
    """``nosetests`` (nose's own entry point) with an outcome recorder added."""
    command = [sys.executable, "-m", "tests.helpers.run_nose", *args]
    return _run(command, cwd, env or {}, timeout)


def run_manage_py_test(cwd=SAMPLE_APP, args=(), env=None, timeout=1800):
    """``python manage.py test`` as the project's settings say (its TEST_RUNNER): with
    nose_fastfixtures.runner, NOSE_PLUGINS naming tests.helpers.run_nose.OutcomeRecorder
    records the outcomes."""
    return _run([sys.executable, "manage.py", "test", *args], cwd, env or {}, timeout)


def run_trial(cwd, names, env=None, timeout=600):
    """``trial``'s own runner over *names*, with a recording reporter (Twisted's outcomes)."""
    command = [sys.executable, "-m", "tests.helpers.trial_recorder", *names]
    return _run(command, cwd, env or {}, timeout)


def compare(django_run, nose_run):
    """Differences between the two runs' outcomes, as readable lines (empty when identical)."""
    return differences(django_run.outcomes, nose_run.outcomes)


def run_nose_interrupted(ready_file, cwd=SAMPLE_APP, args=(), env=None, timeout=300):
    """``nosetests`` sent one SIGINT (Ctrl-C) as soon as *ready_file* exists (a test or
    migration of the project makes it where the interrupt should land)."""
    import signal
    import time

    with tempfile.TemporaryDirectory() as scratch:
        outcomes_file = Path(scratch) / "outcomes.json"
        full_env = {**os.environ, **(env or {}), OUTCOMES_ENV: str(outcomes_file), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-m", "tests.helpers.run_nose", *args], cwd=cwd,
                                   env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout
        while not Path(ready_file).exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=timeout)
        outcomes = load(outcomes_file) if outcomes_file.exists() else {}
    return Run(process.returncode, stdout, stderr, outcomes)
