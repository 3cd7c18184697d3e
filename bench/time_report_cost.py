"""What ``--with-time-report`` costs: the whole sample suite with and without it, side by side.

    .venv/bin/python -m bench.time_report_cost [--runs 5] [--backend sqlite] [--html]

Each round runs ``nosetests --with-fixture-bundling --with-class-fixtures`` over a
scratch copy of ``sample_app`` without the report and with it (``--html``: with
``--time-report-html`` too), alternating which goes first. Prints the median wall
and CPU time (user + system of the run's processes) of each and the medians of the
per-round ratios; the budget is 1.02 of the wall time. On a busy machine the CPU
ratio is the steadier figure.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ["--with-fixture-bundling", "--with-class-fixtures"]


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, cwd, env):
    cpu, start = cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall, cpu = time.perf_counter() - start, cpu_of_children() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql", "mysql"))
    parser.add_argument("--html", action="store_true", help="also write the HTML page")
    args = parser.parse_args()
    nosetests = str(Path(sys.executable).parent / "nosetests")
    with tempfile.TemporaryDirectory(prefix="nff-report-cost-") as scratch:
        project = Path(scratch) / "sample_app"
        shutil.copytree(ROOT / "sample_app", project,
                        ignore=shutil.ignore_patterns("__pycache__", ".nose_fastfixtures"))
        report = ["--with-time-report"] + ([f"--time-report-html={scratch}/page.html"] if args.html else [])
        contenders = {"without": [nosetests, *PLUGINS], "with the report": [nosetests, *PLUGINS, *report]}
        env = {**os.environ, "DB_BACKEND": args.backend, "DB_NAME": f"nffcost_{uuid.uuid4().hex[:8]}"}
        results = {name: [] for name in contenders}
        for round_ in range(args.runs):
            names = list(contenders)[::1 if round_ % 2 == 0 else -1]
            for name in names:
                results[name].append(timed(contenders[name], project, env))
            print(f"round {round_ + 1}: " + ", ".join(f"{n} {results[n][-1][0]:.2f}s" for n in contenders),
                  flush=True)
    for name, runs in results.items():
        print(f"{name:>16}: wall {statistics.median(w for w, _ in runs):.2f}s, "
              f"CPU {statistics.median(c for _, c in runs):.2f}s")
    for index, what in ((0, "wall"), (1, "CPU")):
        ratios = [with_[index] / without[index] for without, with_ in zip(*results.values())]
        print(f"{what} ratio (median of rounds): {statistics.median(ratios):.3f}  "
              f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)})")


if __name__ == "__main__":
    main()
