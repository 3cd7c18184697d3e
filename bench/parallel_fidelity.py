"""The whole sample suite in parallel against Django's serial runner: the fidelity matrix of issue 11.

Every plugin combination, ``--processes`` 2 and 3, without and with ``REUSE_DB=1`` (cold,
then warm), on each backend; then shards 1/3, 2/3 and 3/3 together against the serial
outcomes, each test once. Too long for ``make test`` (an hour here on three backends);
run by hand::

    .venv/bin/python -m bench.parallel_fidelity --backends sqlite,postgresql,mysql

Prints one line per run and a last line with the number of runs that differ; exit 1 if any.
"""

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from tests.helpers.backends import backend_env, drop_kept_databases, unavailable_reason
from tests.helpers.oracle import SAMPLE_APP, compare, run_django, run_nose

PLUGINS = ("--with-class-fixtures", "--with-fixture-bundling", "--with-progressive")
KEPT_SUFFIXES = tuple(f"{alias}{clone}" for alias in ("", "_archive", "_other") for clone in ("", "_1", "_2", "_3"))


def plugin_sets():
    return [list(chosen) for size in range(len(PLUGINS) + 1) for chosen in combinations(PLUGINS, size)]


def check(label, django_run, run, lines):
    differences = compare(django_run, run)
    status = "same" if not differences and run.returncode == django_run.returncode else "DIFFERS"
    lines.append((status, label, differences[:5], run.output[-1500:] if status != "same" else ""))
    print(f"{status:8} {label}" + (f"  {differences[:3]} exit {run.returncode}" if status != "same" else ""),
          flush=True)


def backend_matrix(backend, processes, sets, scratch, lines):
    project = scratch / backend
    shutil.copytree(SAMPLE_APP, project, ignore=shutil.ignore_patterns("*.sqlite3", ".nose_fastfixtures"))
    started = time.monotonic()
    django_run = run_django(project, env=backend_env(backend, "nffpf"))
    print(f"django   {backend}: {Counter(django_run.outcomes.values())} in {time.monotonic() - started:.0f}s",
          flush=True)
    for count in processes:
        for plugins in sets:
            name = " ".join(plugins) or "--with-django"
            args = [f"--processes={count}", *plugins]
            check(f"{backend} --processes={count} {name}", django_run,
                  run_nose(project, args, backend_env(backend, "nffpf")), lines)
            env = {**backend_env(backend, "nffpf"), "REUSE_DB": "1"}
            try:
                for phase in ("cold", "warm"):
                    run = run_nose(project, args, env)
                    check(f"{backend} --processes={count} {name} REUSE_DB=1 {phase}", django_run, run, lines)
                    if phase == "warm" and "Creating test database" in run.output:
                        lines.append(("DIFFERS", f"{backend} warm run created a database", [], ""))
            finally:
                drop_kept_databases(backend, env, project, suffixes=KEPT_SUFFIXES)
    seen, shard_outcomes = Counter(), {}
    for index in (1, 2, 3):
        run = run_nose(project, [f"--shard={index}/3", "--processes=2", *PLUGINS], backend_env(backend, "nffpf"))
        seen.update(run.outcomes.keys())
        shard_outcomes.update(run.outcomes)
    differences = [f"{key}: {django_run.outcomes.get(key)} vs {shard_outcomes.get(key)}"
                   for key in set(django_run.outcomes) | set(shard_outcomes)
                   if django_run.outcomes.get(key) != shard_outcomes.get(key)]
    twice = [key for key, times in seen.items() if times != 1]
    status = "same" if not differences and not twice else "DIFFERS"
    lines.append((status, f"{backend} shards 1/3+2/3+3/3", differences[:5] + twice[:5], ""))
    print(f"{status:8} {backend} shards 1/3+2/3+3/3 ({sum(seen.values())} tests, "
          f"{len(twice)} run twice or more)", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    parser.add_argument("--processes", default="2,3")
    parser.add_argument("--quick", action="store_true", help="only no plugin and every plugin")
    options = parser.parse_args(argv)
    sets = plugin_sets()
    if options.quick:
        sets = [[], list(PLUGINS)]
    lines = []
    with tempfile.TemporaryDirectory(prefix="nff-parallel-fidelity-") as scratch:
        for backend in options.backends.split(","):
            reason = unavailable_reason(backend)
            if reason:
                print(f"skipped  {backend}: {reason}")
                continue
            backend_matrix(backend, [int(n) for n in options.processes.split(",")], sets, Path(scratch), lines)
    differing = [line for line in lines if line[0] != "same"]
    for status, label, differences, output in differing:
        print(f"\n{label}: {differences}\n{output}")
    print(f"\n{len(lines)} runs, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
