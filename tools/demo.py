"""The demo: the sample suite under Django's runner and under nosetests with the plugins, on SQLite.

Prints each wall time and its ratio to Django's runner. Run it with ``make demo``.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"
BIN = Path(sys.executable).parent
NOSETESTS = str(BIN / "nosetests")
PLUGINS = ["--with-fixture-bundling", "--with-class-fixtures"]
SUMMARY = re.compile(r"^(Ran |OK|FAILED|\d+ passed|fixture loads)")
RUNS = [
    ("Django's runner (manage.py test)", [sys.executable, "manage.py", "test", "--noinput"], False),
    ("nosetests --with-fixture-bundling --with-class-fixtures", [NOSETESTS, *PLUGINS], False),
    ("the same with REUSE_DB=1, warm", [NOSETESTS, *PLUGINS, "--with-reuse-db"], True),
]


def timed(command, env):
    start = time.perf_counter()
    done = subprocess.run(command, cwd=SAMPLE_APP, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    summary = [line for line in done.stderr.splitlines() if SUMMARY.match(line)]
    return elapsed, done.returncode, " / ".join(summary)


def main():
    kept = Path(tempfile.mkdtemp(prefix="nff-demo-"))
    env = {**os.environ, "DB_BACKEND": "sqlite", "DB_NAME": str(kept / "demo")}
    print(f"The sample suite ({SAMPLE_APP}) on SQLite, one run each:\n")
    times, failed = [], False
    try:
        for label, command, warm_up in RUNS:
            print(f"  {label} ...", flush=True)
            if warm_up:  # the first run creates and keeps the database; the timed one reuses it
                timed(command, env)
            elapsed, returncode, summary = timed(command, env)
            failed = failed or returncode != 0
            times.append(elapsed)
            ratio = "" if not times[1:] else f"  {times[0] / elapsed:.2f}x as fast as Django's runner"
            print(f"    {elapsed:6.1f} s  {summary}{ratio}")
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    print("\nOne run each on a shared machine: indicative only (`make bench` takes medians).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
