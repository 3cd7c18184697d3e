"""Wall time of one sample_app test: REUSE_DB=1 warm vs. without, vs. bare ``django.setup()``.

Usage: ``.venv/bin/python bench/reuse_one_test.py [rounds]`` (DB_BACKEND/DB_NAME as for sample_app).
The three commands run alternately, ``rounds`` times each (default 5); medians are reported.
They run with Python's bytecode caches, as on a developer's machine, whatever the caller's
``PYTHONDONTWRITEBYTECODE`` says: the first, unmeasured runs write them. Without them the
modules of this checkout (nose_fastfixtures, an editable install, and sample_app) are
compiled again at every run, while Django's, installed with their caches, are not: about
40 ms more for a nosetests run, for the compiling of nose_fastfixtures' 60 modules.
"""

import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_APP = ROOT / "sample_app"
NOSETESTS = str(Path(sys.executable).parent / "nosetests")
TEST = "catalog.tests.test_products.ProductFixtureTests.test_counts"

COMMANDS = {
    "reuse-db warm": ([NOSETESTS, TEST], {"REUSE_DB": "1"}),
    "without reuse": ([NOSETESTS, TEST], {"REUSE_DB": "0"}),
    "bare django.setup()": ([sys.executable, "-c", "import django; django.setup()"],
                            {"DJANGO_SETTINGS_MODULE": "config.settings"}),
}


def timed(command, extra_env, env):
    # Its own DB_NAME: a run without reuse destroys its test database, which must not be the kept one.
    extra_env = {**extra_env, "DB_NAME": env["DB_NAME"] + ("_kept" if extra_env.get("REUSE_DB") == "1" else "")}
    start = time.perf_counter()
    subprocess.run(command, cwd=SAMPLE_APP, env={**env, **extra_env}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(rounds=5):
    env = {**os.environ, "DB_NAME": os.environ.get("DB_NAME", f"bench_reuse_{uuid.uuid4().hex[:8]}"),
           # This checkout's package, not the one the venv's editable install points at.
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timed(*COMMANDS["reuse-db warm"], env)  # the cold start, so the measured runs are warm (and cached)
    timed(*COMMANDS["bare django.setup()"], env)
    times = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, (command, extra_env) in COMMANDS.items():
            times[name].append(timed(command, extra_env, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    warm = medians["reuse-db warm"]
    print(f"backend {env.get('DB_BACKEND', 'sqlite')}, {TEST}, medians of {rounds}:")
    for name, median in medians.items():
        print(f"  {name:22s} {median:6.2f} s")
    print(f"  warm / without reuse  {warm / medians['without reuse']:.2f}")
    print(f"  warm / bare setup     {warm / medians['bare django.setup()']:.2f}")
    print(f"  (kept test database of DB_NAME={env['DB_NAME']}_kept left in place)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
