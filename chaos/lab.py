"""The campaign's workplace: a scratch copy of the sample project, its database names, and runs in it.

Every campaign draws a token: its databases are ``chaos<token>*`` (the "real" ones
the settings name) and ``test_chaos<token>*`` (test databases), its folder is
``.chaos/work/<token>``. It drops only those at its end, also when interrupted.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOOK = ROOT / "chaos" / "hook"
ALL_PLUGINS = ("--with-fixture-bundling", "--with-class-fixtures", "--with-reuse-db")
SERVER_BACKENDS = ("postgresql", "mysql")
# The engine behind a campaign backend name ("sqlite-file": a TEST NAME file, kept as it is).
ENGINES = {"sqlite": "sqlite", "sqlite-file": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@dataclass
class Run:
    """One finished (or killed) process of the campaign."""

    argv: list
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    outcomes: dict = field(default_factory=dict)
    trace: str = ""
    timed_out: bool = False

    @property
    def output(self):
        return self.stdout + self.stderr


SETTINGS_OVERLAY = '''
"""The campaign's settings: the sample's, with a TEST NAME file for the sqlite-file backend."""
import os

from config.settings import *  # noqa: F401,F403
from config.settings import DATABASES, BASE_DIR

if os.environ.get("CHAOS_BACKEND") == "sqlite-file":
    for _alias, _settings in DATABASES.items():
        _settings["TEST"] = {**_settings.get("TEST", {}),
                             "NAME": str(BASE_DIR / f"test_{os.environ['DB_NAME']}_{_alias}.sqlite3")}
'''


def read_outcomes(path):
    """The outcomes a run's recorder wrote to *path*; {} if it wrote none (or was killed writing them)."""
    from tests.helpers.outcomes import load

    try:
        return load(path) if os.path.getsize(path) else {}
    except ValueError:
        return {}


def _default_sigint():
    # A campaign started in the background (cron, "&") has SIGINT ignored, and so would its
    # children: Python keeps an inherited SIG_IGN, and the interrupts would hit nothing.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Lab:
    """The scratch project of one campaign and the commands that run in it."""

    SETUP_CFG = "[nosetests]\nwith-django = 1\ndjango-settings = chaos_settings\n"

    def __init__(self, root=None, token=None):
        self.token = token or secrets.token_hex(3)
        self.root = Path(root or ROOT / ".chaos" / "work" / self.token)
        self.sample = self.root / "sample_app"
        self.logs = self.root / "logs"

    def prepare(self):
        shutil.copytree(ROOT / "sample_app", self.sample,
                        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", "*.lock", ".nose_fastfixtures"))
        (self.sample / "chaos_settings.py").write_text(SETTINGS_OVERLAY.lstrip())
        (self.sample / "setup.cfg").write_text(self.SETUP_CFG)
        self.logs.mkdir(parents=True, exist_ok=True)
        return self

    def db_name(self, purpose, backend=""):
        # Both SQLite kinds keep their files in the same folder: their names differ.
        return f"chaos{self.token}{purpose}{'f' if backend == 'sqlite-file' else ''}"

    def real_names(self, backend, db_name):
        """What the settings call the real databases of *db_name*: database names, or SQLite files."""
        names = [db_name, f"{db_name}_archive"]
        if ENGINES[backend] == "sqlite":
            return [str(self.sample / f"{name}.sqlite3") for name in names]
        return names

    def env(self, backend, db_name, **extra):
        return {
            "DB_BACKEND": ENGINES[backend], "CHAOS_BACKEND": backend, "DB_NAME": db_name,
            "DJANGO_SETTINGS_MODULE": "chaos_settings",
            "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT)]),
            "CHAOS_REAL_NAMES": ",".join(self.real_names(backend, db_name)),
            "PYTHONDONTWRITEBYTECODE": "1",
            "CHAOS_STATEMENT_LOG": str(self.logs / f"statements-{backend}.log"),
            **extra,
        }

    def scratch_file(self, name):
        fd, path = tempfile.mkstemp(prefix=name + "-", dir=self.logs)
        os.close(fd)
        return path

    # -- running
    def start(self, argv, env, cwd=None):
        full_env = {**os.environ, **env}
        for name in ("REUSE_DB", "NOSE_WITH_REUSE_DB", "DJANGO_SETTINGS_MODULE"):
            if name not in env:
                full_env.pop(name, None)
        stdout = tempfile.TemporaryFile(mode="w+", dir=self.logs)
        stderr = tempfile.TemporaryFile(mode="w+", dir=self.logs)
        process = subprocess.Popen(argv, cwd=cwd or self.sample, env=full_env, stdin=subprocess.DEVNULL,
                                   stdout=stdout, stderr=stderr, text=True, start_new_session=True,
                                   preexec_fn=_default_sigint)
        process.chaos_files = (stdout, stderr)
        process.chaos_started = time.monotonic()
        return process

    @staticmethod
    def finish(process, argv, timeout=None):
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        seconds = time.monotonic() - process.chaos_started
        texts = []
        for stream in process.chaos_files:
            stream.seek(0)
            texts.append(stream.read())
            stream.close()
        return Run(argv, process.returncode, texts[0], texts[1], seconds, timed_out=timed_out)

    def nose_argv(self, args=()):
        return [sys.executable, "-m", "tests.helpers.run_nose", *args]

    def django_argv(self, labels):
        return [sys.executable, "manage.py", "test", "--noinput",
                "--testrunner=tests.helpers.django_recorder.RecordingRunner", *labels]

    def run(self, argv, env, timeout=900, trace=False):
        """Run *argv* in the sample copy; with the recorders' outcomes, and its phase trace if asked."""
        from tests.helpers.outcomes import OUTCOMES_ENV

        outcomes_file = self.scratch_file("outcomes")
        extra = {OUTCOMES_ENV: outcomes_file}
        if trace:
            extra["CHAOS_TRACE"] = self.scratch_file("trace")
        process = self.start(argv, {**env, **extra})
        done = self.finish(process, argv, timeout)
        done.outcomes = read_outcomes(outcomes_file)
        if trace:
            done.trace = Path(extra["CHAOS_TRACE"]).read_text()
        return done

    def cleanup(self, keep_logs=False):
        if keep_logs:
            shutil.rmtree(self.sample, ignore_errors=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

