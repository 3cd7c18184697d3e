"""Beyond two cores: replay measured per-unit durations through our scheduler and Django's split.

::

    python -m bench.simulate --workers 1,2,4,8,16,32        # from the measurements in bench/data/
    python -m bench.simulate --measure sample --backend postgresql   # measure the sample suite anew
    python -m bench.simulate --measure wagtail --rounds 3             # ... Wagtail's subset (SQLite),
                                                                      # medians of 3 alternating rounds

A suite's measurements (``bench/data/<suite>-*.json``) are three files: its plan (the
units in Django's order with their tests, bundles and layers, packages with their own
units: ``NFF_PLAN_FILE``), the durations measured with all our plugins (classes and
fixture layers), and the class durations measured with plain ``--with-django`` (what
each class costs Django's runner, which loads its fixtures in every class).

Ours: the same planning as ``--processes=N`` (bundles whole, split past a fair share,
longest first inside Django's groups), each worker loading the layers of the units it
runs. Django's ``--parallel N``: one unit per class, in Django's order, handed to the
first idle worker. Only the tests' time is simulated: starting Python, creating the
database and cloning it once per worker come on top for both.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nose_fastfixtures.planning import durations as durations_file
from nose_fastfixtures.planning import scheduling

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
SUITES = ("sample", "wagtail")
OUR_FLAGS = ["--with-class-fixtures", "--with-fixture-bundling"]


def data_paths(suite):
    return {kind: DATA / f"{suite}-{kind}.json" for kind in ("plan", "ours", "django")}


def load_tree(plan):
    """``[(Item, children)]`` from a plan file's items (children: the units of a package)."""
    def convert(node):
        item = scheduling.Item(None, node["name"], node["kind"], node["tests"], node["bundle"],
                               tuple(node["layers"]))
        return (item, [convert(child) for child in node["children"]])

    return [convert(node) for node in plan["items"]]


def flat_items(tree):
    for item, children in tree:
        if children:
            yield from flat_items(children)
        else:
            yield item


def package_seconds(children, estimator):
    return sum(package_seconds(grand, estimator) if grand else estimator.item(item) for item, grand in children)


def our_units(tree, estimator, workers):
    """Work units as ``--processes=workers`` plans them, packages longer than a share shared out."""
    for item, children in tree:
        if children:
            estimator.classes.setdefault(item.name, package_seconds(children, estimator))
    share = sum(estimator.item(item) for item, _ in tree) / workers

    def expanded(nodes):
        for item, children in nodes:
            if workers > 1 and children and estimator.item(item) > share:
                yield from expanded(children)
            else:
                yield item

    return scheduling.plan(list(expanded(tree)), estimator, workers)


def simulate(tree, ours, django, workers):
    """``(ours, Django's, our largest unit)`` in seconds for *workers*."""
    flat = list(flat_items(tree))
    estimator = scheduling.Estimator.from_durations(flat, ours.classes, ours.layers)
    units = our_units(tree, estimator, workers)
    django_estimator = scheduling.Estimator.from_durations(flat, django.classes, {})
    django_units = [scheduling.WorkUnit((item,), django_estimator.item(item)) for item in flat]
    return (scheduling.makespan(units, workers), scheduling.makespan(django_units, workers),
            max(unit.estimate for unit in units))


def table(suite, workers_list):
    paths = data_paths(suite)
    if not all(path.exists() for path in paths.values()):
        return [f"{suite}: no measurements in {DATA} (python -m bench.simulate --measure {suite})"]
    tree = load_tree(json.loads(paths["plan"].read_text()))
    ours = durations_file.load(paths["ours"], warn=print)
    django = durations_file.load(paths["django"], warn=print)
    flat = list(flat_items(tree))
    lines = [f"{suite}: {sum(item.tests for item in flat)} tests in {len(flat)} classes",
             "  workers   ours      Django's  ours vs Django  our largest unit"]
    for workers in workers_list:
        mine, theirs, largest = simulate(tree, ours, django, workers)
        lines.append(f"  {workers:>7}  {mine:7.1f} s  {theirs:7.1f} s  {theirs / mine:10.1f}x    {largest:6.1f} s")
    return lines


# -- measuring
def _run(argv, cwd, env):
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if not os.path.exists(os.path.join(cwd, ".nose_fastfixtures", "durations.json")):
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"bench.simulate: the run measured nothing (exit {done.returncode})")


def median_durations(measured):
    """Each test's, class's and layer's median over several runs' durations (a name a run lacks is
    left out of that median): one run on a busy machine would carry the load of its moment."""
    from bench.stats import median

    merged = durations_file.Durations()
    for kind in durations_file.KINDS:
        names = sorted({name for durations in measured for name in getattr(durations, kind)})
        getattr(merged, kind).update(
            {name: median([getattr(durations, kind).get(name) for durations in measured]) for name in names})
    return merged


def measure(suite, backend, rounds=1):
    """Run *suite* (all our plugins with its plan written, plain --with-django) *rounds* times each,
    alternating which goes first, and keep the plan and each side's median durations."""
    from bench import contenders, venvs

    DATA.mkdir(exist_ok=True)
    paths = data_paths(suite)
    measured = {"ours": [], "django": []}
    with tempfile.TemporaryDirectory(prefix="nff-simulate-") as scratch:
        scratch = Path(scratch)
        spec = contenders.SUITES["sample-full" if suite == "sample" else "wagtail"]
        env = {**os.environ, **spec.env(backend, "simulate", f"nffsim{os.getpid()}")}
        if suite == "sample":
            cwd, python = scratch / "sample_app", sys.executable
            shutil.copytree(ROOT / "sample_app", cwd, ignore=shutil.ignore_patterns("*.sqlite3", ".nose_fastfixtures"))
        else:
            cwd, python = venvs.wagtail_root(), venvs.ensure("wagtail")
            (scratch / f"{contenders.WAGTAIL_SETTINGS}.py").write_text(contenders.WAGTAIL_SETTINGS_SOURCE)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(scratch), str(ROOT), env.get("PYTHONPATH")]))
        kept = Path(cwd) / ".nose_fastfixtures"
        sides = (("ours", OUR_FLAGS), ("django", []))
        for round_number in range(rounds):
            for kind, flags in sides if round_number % 2 == 0 else reversed(sides):
                shutil.rmtree(kept, ignore_errors=True)
                run_env = {**env, "NFF_PLAN_FILE": str(paths["plan"])} if kind == "ours" else env
                _run([str(python), "-m", "nose", "--with-django", *flags, *spec.labels], cwd, run_env)
                measured[kind].append(durations_file.load(kept / "durations.json", warn=print))
        shutil.rmtree(kept, ignore_errors=True)
    for kind, runs in measured.items():
        durations_file.save(paths[kind], median_durations(runs))
    print(f"measured {suite} on {backend} ({rounds} rounds): {', '.join(str(path) for path in paths.values())}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4,8,16,32")
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("--measure", choices=SUITES, help="measure this suite anew, then simulate")
    parser.add_argument("--backend", default="postgresql", help="for --measure sample (Wagtail: SQLite)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --measure: runs of each side, alternating; the durations kept are "
                             "each class's median")
    options = parser.parse_args(argv)
    if options.measure:
        measure(options.measure, options.backend if options.measure == "sample" else "sqlite", options.rounds)
    workers = [int(n) for n in options.workers.split(",")]
    for suite in options.suites.split(","):
        print("\n".join(table(suite, workers)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
