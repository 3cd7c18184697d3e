"""The campaign: parts on every reachable backend, the real databases watched throughout, one table.

Full (``make chaos``): 50 kills and 20 interrupts per backend, 10,000 fuzzed fixtures,
10 races per server backend, every trick and bad option. ``CHAOS_QUICK=1`` (or
``--quick``): a few of each, for CI, within 3 minutes.
"""

import argparse
import json
import os
import platform
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

from chaos import checks, kills, moments, report, servers
from chaos.lab import ENGINES, ROOT, Lab, log
from chaos.realdb import RealDatabases

# "parallel": kills of a worker and of the parent of --processes=2 runs (that many of each).
FULL = {"kills": 50, "interrupts": 20, "fuzz": 10000, "races": 10, "parallel": 3}
QUICK = {"kills": 1, "interrupts": 1, "fuzz": 100, "races": 1, "parallel": 0}
BACKENDS = ("sqlite", "sqlite-file", "postgresql", "mysql")
QUICK_BACKENDS = ("sqlite", "postgresql")  # CI: within 3 minutes; the full campaign has MariaDB


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("CHAOS_QUICK") == "1",
                        help="a short campaign (CHAOS_QUICK=1)")
    parser.add_argument("--parts", default=",".join(report.PARTS), help="comma-separated: " + ",".join(report.PARTS))
    parser.add_argument("--backends", default=os.environ.get("NFF_BACKENDS"),
                        help="comma-separated: " + ",".join(BACKENDS) + " (quick: " + ",".join(QUICK_BACKENDS) + ")")
    for part in FULL:
        parser.add_argument(f"--{part}", type=int, help=f"cases of {part} (full: {FULL[part]})")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CHAOS_SEED", "2012")))
    parser.add_argument("--json", default=str(ROOT / ".chaos" / "results.json"))
    parser.add_argument("--keep-logs", action="store_true", help="keep .chaos/work/<token>/logs")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="print one table of campaigns run apart (their --json files), run nothing")
    options = parser.parse_args(argv)
    options.parts = [part for part in options.parts.split(",") if part]
    if options.backends is None:
        options.backends = ",".join(QUICK_BACKENDS if options.quick else BACKENDS)
    wanted = [name for name in options.backends.split(",") if name]
    if ("sqlite" in wanted and "sqlite-file" not in wanted and not options.quick
            and options.backends == os.environ.get("NFF_BACKENDS")):
        wanted.insert(wanted.index("sqlite") + 1, "sqlite-file")  # the project's names: both SQLite kinds
    options.backends = wanted
    counts = QUICK if options.quick else FULL
    options.labels = kills.QUICK_LABELS if options.quick else kills.FULL_LABELS
    options.counts = {part: getattr(options, part) if getattr(options, part) is not None else counts[part]
                      for part in FULL}
    return options


def reachable(backends):
    from tests.helpers.backends import unavailable_reason

    kept = []
    for backend in backends:
        reason = unavailable_reason(ENGINES[backend])
        if reason is None:
            kept.append(backend)
        elif os.environ.get("CI", "").lower() == "true":
            raise SystemExit(f"chaos: {backend} unavailable under CI=true: {reason}")
        else:
            log(f"chaos: skipping {backend}: {reason}")
    return kept


class Run:
    """One campaign: the lab, the real databases per backend, the cases so far."""

    def __init__(self, options):
        self.options = options
        self.lab = Lab().prepare()
        self.reals = {}
        self.oracles = {}
        self.cases = []
        self.signal_campaigns = {}
        self.checked = set()  # backends whose real databases were checked

    def needs_real_databases(self):
        return bool(set(self.options.parts) & {"kills", "interrupts", "races", "guards"})

    def setup_backend(self, backend):
        real = RealDatabases(self.lab, backend)
        self.reals[backend] = real
        if not self.needs_real_databases():
            return  # fuzz and config make no real database (and leave the servers' logs alone)
        if ENGINES[backend] == "mysql":
            real.make_user()
        real.make(self.lab.db_name("k", backend))  # kills, interrupts, races and tricks share them
        real.start_server_logs()
        oracle_env = {**self.lab.env(backend, self.lab.db_name("o", backend)), **real.env()}
        self.oracles[backend] = self.lab.run(self.lab.django_argv(self.options.labels), oracle_env, timeout=1800)
        if not self.oracles[backend].outcomes:
            raise RuntimeError(f"Django's runner gave no outcomes on {backend}:\n"
                               f"{self.oracles[backend].output[-2000:]}")

    def part(self, name, backend):
        counts, seed = self.options.counts, self.options.seed
        real, oracle = self.reals[backend], self.oracles.get(backend)
        if name in ("kills", "interrupts"):
            if backend not in self.signal_campaigns:
                self.signal_campaigns[backend] = kills.Campaign(self.lab, backend, real, oracle, seed,
                                                                self.options.labels)
            # Added as they end, so that an interrupted campaign still counts them.
            kills.run_part(self.signal_campaigns[backend], name, counts[name], seed, log, self.cases)
            if name == "kills" and counts["parallel"]:
                parallel = kills.ParallelCampaign(self.lab, backend, real, oracle, seed, self.options.labels)
                kills.run_parallel(parallel, counts["parallel"], log, self.cases)
            return []
        if name == "races":
            from chaos import races

            if backend == "sqlite" or self.options.quick and ENGINES[backend] != "postgresql":
                return []  # the in-memory kept database is locked only while it loads; quick: one server
            return races.run_part(self.lab, backend, real, oracle, counts["races"], self.options.labels, log)
        if name == "fuzz":
            from chaos import fuzz

            return fuzz.run_part(self.lab, backend, real, self._fuzz_count(backend), seed, log)
        if name == "guards":
            from chaos import guards

            return guards.run_part(self.lab, backend, real, self.options.labels, log, self.options.quick,
                                   first=backend == self.options.backends[0])
        if name == "config":
            from chaos import bad_config

            places = bad_config.PLACES if backend == self.options.backends[0] else ("flag",)
            return bad_config.run_part(self.lab, backend, real, log, places, self.options.quick)
        raise ValueError(name)

    def _fuzz_count(self, backend):
        # The 10,000 go through SQLite, where a case costs least; the servers get a tenth each.
        total = self.options.counts["fuzz"]
        if backend == "sqlite-file":
            return 0  # the same loading paths as "sqlite", on a file: the servers are the other cases
        return total if backend == "sqlite" else max(total // 20, 20)

    def check_real_databases(self, backend):
        if self.needs_real_databases() and backend not in self.checked and self.reals[backend].names:
            self.checked.add(backend)
            self.cases.append(self.real_databases_case(backend))

    def real_databases_case(self, backend):
        """The real databases after the whole campaign: never written by us."""
        real = self.reals[backend]
        case = report.Case("guards", backend, "real databases across the campaign")
        logged = real.server_statements()
        wrapper_log = Path(self.lab.logs / f"statements-{backend}.log")
        wrapped = wrapper_log.read_text().splitlines() if wrapper_log.exists() else []
        writes = [statement for statement in logged if _is_write(statement)]
        wrapped_writes = [line for line in wrapped if _is_write(line.split(" ", 4)[-1])]
        case.notes += [f"server log: {len(logged)} statements on real databases, {len(writes)} writes",
                       f"wrapper log: {len(wrapped)} statements, {len(wrapped_writes)} writes"] + real.notes
        changed = real.changed()
        if writes or wrapped_writes or changed:
            case.lost_data = True
            case.fail(f"real databases written: server log {writes[:3]}, wrapper {wrapped_writes[:3]}, "
                      f"changed {changed}")
        return case

    def cleanup(self):
        for backend, real in self.reals.items():
            real.stop()
        for engine in {ENGINES[backend] for backend in self.options.backends} - {"sqlite"}:
            try:
                servers.drop(engine, servers.databases(engine, f"chaos{self.lab.token}"))
            except Exception as exc:  # noqa: BLE001 - reported, never fatal
                log(f"chaos: could not drop the campaign's {engine} databases: {exc}")
        for real in self.reals.values():
            if real.audit_log and os.path.exists(real.audit_log) and self.lab.token in real.audit_log:
                os.unlink(real.audit_log)  # this campaign's file (another may still be reading it otherwise)
        self.lab.cleanup(keep_logs=self.options.keep_logs)


def _is_write(statement):
    from chaos.realdb import is_write

    return is_write(statement)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def merge(paths):
    cases, headers = [], []
    for path in paths:
        data = json.loads(Path(path).read_text())
        headers.append(data.get("header", path))
        cases += [report.Case(**case) for case in data["cases"]]
    lines = [*headers, *report.format_table(cases)]
    for part in ("kills", "interrupts"):
        lines += report.format_phases(cases, part, ("start",) + moments.PHASES + ("exit",))
    lines += report.failures(cases)
    survived = sum(case.survived for case in cases)
    lines.append(f"chaos: {survived} passed, {len(cases) - survived} failed")
    print("\n".join(lines))
    return 0 if report.passed(cases) else 1


def main(argv):
    options = parse_args(argv)
    if options.merge:
        return merge(options.merge)
    options.backends = reachable(options.backends)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    campaign = Run(options)
    log(f"chaos: token {campaign.lab.token}, scratch {campaign.lab.root}, parts {','.join(options.parts)}, "
        f"backends {','.join(options.backends)}, counts {options.counts}, seed {options.seed}")
    interrupted = False
    try:
        for backend in options.backends:
            campaign.setup_backend(backend)
            for part in options.parts:
                part_started = time.monotonic()
                campaign.cases += campaign.part(part, backend)
                log(f"chaos: {part} on {backend} took {time.monotonic() - part_started:.0f} s")
            campaign.check_real_databases(backend)
    except KeyboardInterrupt:
        interrupted = True
        log("chaos: interrupted; the table has the cases done so far")
    except Exception:  # noqa: BLE001 - a broken campaign still reports what it did
        crashed = report.Case("campaign", "-", "the campaign itself")
        crashed.fail(traceback.format_exc().strip().splitlines()[-1])
        log(traceback.format_exc())
        campaign.cases.append(crashed)
    finally:
        for backend in list(campaign.reals):  # interrupted: the real databases are checked all the same
            campaign.check_real_databases(backend)
        campaign.cleanup()
    return finish(options, campaign.cases, time.monotonic() - started, interrupted)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def finish(options, cases, seconds, interrupted):
    header = (f"chaos: {'quick' if options.quick else 'full'} campaign, {platform.node()}: "
              f"{os.cpu_count()} cores, took {seconds / 60:.1f} min ({_children_cpu() / 60:.1f} min CPU in its "
              f"runs, load average {os.getloadavg()[0]:.1f}), seed {options.seed}")
    lines = [header, *report.format_table(cases)]
    lines += report.format_phases(cases, "kills", ("start",) + moments.PHASES + ("exit",))
    lines += report.format_phases(cases, "interrupts", ("start",) + moments.PHASES + ("exit",))
    lines += report.failures(cases)
    survived = sum(case.survived for case in cases)
    lines.append(f"chaos: {survived} passed, {len(cases) - survived} failed")  # CI's closing line
    log("\n" + "\n".join(lines))
    Path(options.json).parent.mkdir(parents=True, exist_ok=True)
    Path(options.json).write_text(report.to_json(cases, {"header": header, "counts": options.counts}))
    if interrupted:
        return 130
    return 0 if report.passed(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
