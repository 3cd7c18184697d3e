"""The demo: the sample suite under Django's runner and under nosetests with the plugins, on SQLite.

Prints both wall times and their ratio. Run it with ``make demo``.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

SAMPLE_APP = Path(__file__).resolve().parents[1] / "sample_app"
BIN = Path(sys.executable).parent
COMMANDS = {
    "Django's runner (manage.py test)": [sys.executable, "manage.py", "test", "--noinput"],
    "nosetests (plugins from sample_app/setup.cfg)": [str(BIN / "nosetests")],
}


def timed(command):
    env = {**os.environ, "DB_BACKEND": "sqlite"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=SAMPLE_APP, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    summary = [line for line in done.stderr.splitlines() if line.startswith(("Ran ", "OK", "FAILED"))]
    return elapsed, done.returncode, " / ".join(summary)


def main():
    print(f"The sample suite ({SAMPLE_APP}) on SQLite, one run each:\n")
    times = {}
    failed = False
    for label, command in COMMANDS.items():
        print(f"  {label} ...", flush=True)
        elapsed, returncode, summary = timed(command)
        times[label] = elapsed
        failed = failed or returncode != 0
        print(f"    {elapsed:6.1f} s  {summary}")
    django_time, nose_time = times.values()
    print(f"\nnosetests took {nose_time / django_time:.2f}x the time of Django's runner "
          f"({django_time / nose_time:.2f}x as fast).")
    print("One run each on a shared machine: indicative only. The speed-ups come with the\n"
          "fixture plugins (--with-class-fixtures, --with-fixture-bundling, REUSE_DB=1).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
