"""Parts 1 and 2: SIGKILL and SIGINT at drawn moments of kept-database runs, then the next run checked.

How moments are drawn (``chaos/moments.py``): the cases are split evenly over the
phases (stratified, shuffled with the campaign's seed); for each, a point is drawn
uniformly over the time a traced reference run of the same kind (cold for database
creation and migration, warm otherwise) spent innermost in that phase, and turned
into "the k-th entry into the phase, plus d seconds". The campaign watches the run's
own trace, waits for that entry, sleeps d and sends the signal; the phase the signal
really fell in is read back from the trace (a busy machine moves things), and that is
what the table counts.
"""

import os
import random
import signal
import time
from pathlib import Path

from chaos import checks, moments, servers
from chaos.lab import ALL_PLUGINS, ENGINES, read_outcomes
from chaos.report import Case

# The sample suite's chaos subset: every kind of class the plugins treat differently.
FULL_LABELS = (
    "accounts.tests.test_loyalty.LoyaltyPointsTests",                        # layer: customers
    "orders.tests.test_checkout.PlaceOrderTest",                             # + catalog
    "orders.tests.test_querysets.OrderStatusQuerySetTest",                   # + orders
    "orders.tests.test_models.OrderReferenceFromFixturesTest",               # + shipping
    "accounts.tests.test_staff.StaffUserFixtureTests",                       # another tree: staff
    "support.tests.test_archive.ArchiveLookupTest",                          # both aliases, fixtures
    "orders.tests.test_backoffice.ArchiveOrderTest",                         # both aliases, no fixtures
    "orders.tests.test_models.ShippingMethodModelTest",                      # data-migration rows
    "orders.tests.test_transactions.OrderCommitTransactionTest",             # per-class fixtures
    "catalog.tests.test_products.ProductStockTransactionTests",              # per-class fixtures
    "orders.tests.test_transactions.ShippingMethodsSerializedRollbackTest",  # Django's way
    "accounts.tests.test_loyalty.CustomerIntegrityTransactionTests",         # a flush, no fixtures
    "orders.tests.test_utils.MoneyFormattingTest",                           # no database
)
# CHAOS_QUICK: a layer, per-class fixtures, both aliases, a flush.
QUICK_LABELS = (FULL_LABELS[1], FULL_LABELS[5], FULL_LABELS[8], FULL_LABELS[11])
POLL = 0.003  # seconds between looks at the trace while waiting for the moment


class Campaign:
    """Kills or interrupts on one backend, with everything needed to check the next runs."""

    def __init__(self, lab, backend, real, oracle, seed, labels):
        self.lab = lab
        self.backend = backend
        self.real = real
        self.oracle = oracle
        self.rng = random.Random(seed)
        self.seed = seed
        self.labels = list(labels)
        self.db_name = lab.db_name("k", backend)
        self.env = {**lab.env(backend, self.db_name), **real.env()}
        self.files_before = checks.project_files(lab)
        self.references = {}

    def argv(self):
        return self.lab.nose_argv([*ALL_PLUGINS, *self.labels])

    def timeout(self):
        return 120 + 4 * max((run.seconds for run in self.references.values()), default=60)

    def drop_kept(self):
        for _, name in checks.kept_databases(self.lab, self.backend, self.db_name):
            if ENGINES[self.backend] == "sqlite":
                os.unlink(name)
            else:
                servers.drop(ENGINES[self.backend], [name])

    def prepare(self, kinds=("cold", "warm")):
        """Traced reference runs, cold then warm; both must already be right."""
        self.drop_kept()
        for kind in kinds:
            run = self.lab.run(self.argv(), self.env, timeout=1800, trace=True)
            case = Case("kills", self.backend, f"reference {kind} run")
            checks.check_run(case, run, self.oracle, f"the {kind} reference run")
            if not case.survived:
                raise RuntimeError(f"{self.backend}: {'; '.join(case.problems)}\n{run.output[-3000:]}")
            self.references[kind] = run
        self.segments = {kind: moments.segments(moments.parse(run.trace.splitlines()))
                         for kind, run in self.references.items()}

    def signal_run(self, part, aim, index, signum):
        case = Case(part, self.backend, f"{part[:-1]} {index + 1} aimed at {aim}")
        kind = "cold" if aim in moments.COLD_PHASES else "warm"
        if kind == "cold":
            self.drop_kept()
        for _ in range(3):  # a run faster than its reference may end before the moment
            moment = moments.draw(aim, self.segments[kind], self.rng)
            if moment is None:
                case.fail(f"the reference run never entered {aim}")
                return case
            run, phase = self.send_at(moment, signum)
            if phase is not None:
                break
            checks.check_run(case, run, self.oracle, "a run that ended before its moment")
        else:
            case.fail(f"three runs ended before their moment in {aim}")
            return case
        case.phase = phase
        if signum == signal.SIGINT:
            self.check_interrupted(case, run)
        self.check_next_run(case)
        return case

    def send_at(self, moment, signum):
        """Start a run, signal it at *moment*; ``(run, phase it fell in)``, phase None if it ended first."""
        trace_path = self.lab.scratch_file("trace")
        outcomes = self.lab.scratch_file("outcomes")
        from tests.helpers.outcomes import OUTCOMES_ENV

        argv = self.argv()
        process = self.lab.start(argv, {**self.env, "CHAOS_TRACE": trace_path, OUTCOMES_ENV: outcomes})
        sent_at = self._wait_and_send(process, trace_path, moment, signum)
        run = self.lab.finish(process, argv, timeout=None if signum == signal.SIGKILL else 90)
        run.trace = Path(trace_path).read_text()
        run.outcomes = read_outcomes(outcomes)  # a run that ended before its moment is checked on them
        if sent_at is None:
            return run, None
        events = moments.parse(run.trace.splitlines())
        return run, moments.phase_at(events, sent_at, pid=process.pid)

    def _wait_and_send(self, process, trace_path, moment, signum):
        deadline = time.monotonic() + self.timeout()
        while process.poll() is None and time.monotonic() < deadline:
            with open(trace_path) as stream:
                events = moments.parse(stream.readlines())
            entered = moments.enter_time(events, moment.phase, moment.occurrence, pid=process.pid)
            if entered is not None:
                time.sleep(max(0.0, entered + moment.delay - time.monotonic()))
                if process.poll() is not None:
                    return None
                sent_at = time.monotonic()
                if signum == signal.SIGINT:
                    os.killpg(process.pid, signum)  # as a terminal's Ctrl-C: the whole foreground group
                else:
                    os.kill(process.pid, signum)
                return sent_at
            time.sleep(POLL)
        return None

    def check_interrupted(self, case, run):
        ours, others = checks.count_tracebacks(case, run)
        if others:
            case.fail(f"Ctrl-C printed {others} traceback(s): {checks.last_line(run.output)}")
        if run.timed_out:
            case.fail("the interrupted run did not stop within 90 s")
        elif run.returncode == 0 and case.phase == moments.EXIT:
            # After its last teardown nothing is left to interrupt, and Python ignores a SIGINT
            # while it finalizes (under manage.py test too): the run must then be a complete one.
            checks.check_run(case, run, self.oracle, "a run Ctrl-C reached after its teardown")
        elif run.returncode == 0:
            case.fail("the interrupted run exited 0")
        case.notes.append(f"exit {run.returncode}")
        if self.backend == "sqlite":
            return  # its kept file is written only at creation, atomically; the next run checks it
        for index, name in checks.kept_databases(self.lab, self.backend, self.db_name):
            entries = checks.state_entries(self.backend, name)
            if "fingerprint" not in entries or entries.get("marker") is not None:
                continue  # marked: the next run rebuilds it
            changed = servers.differences(self.real.reference_dump(index), servers.dump(self.backend, name))
            if changed:
                case.lost_data = True
                case.fail(f"interrupted: {Path(name).name} neither clean nor marked for rebuild "
                          f"(differs in {', '.join(changed[:4])})")

    def check_next_run(self, case):
        run = self.lab.run(self.argv(), self.env, timeout=self.timeout())
        checks.check_run(case, run, self.oracle)
        said = checks.reuse_lines(run.output)
        if len(said) < 2:
            case.fail(f"the next run did not say what it found for every alias: {said}")
        case.notes += [checks.reuse_verdict(line) for line in said]
        checks.check_kept_fresh(case, self.lab, self.real, self.db_name)
        checks.check_no_strays(case, self.lab, self.backend, self.db_name, self.files_before)


class ParallelCampaign(Campaign):
    """Kills of a worker, or of the parent, of ``--processes=2`` runs with every plugin and REUSE_DB."""

    WORKERS = 2

    def argv(self):
        return self.lab.nose_argv([f"--processes={self.WORKERS}", *ALL_PLUGINS, *self.labels])

    def kill_case(self, target, index):
        case = Case("kills", self.backend, f"parallel {index + 1}: kill the {target}")
        trace_path = self.lab.scratch_file("trace")
        argv = self.argv()
        process = self.lab.start(argv, {**self.env, "CHAOS_TRACE": trace_path})
        victim, phase = self._kill_in_tests(process, trace_path, target)
        run = self.lab.finish(process, argv, timeout=self.timeout())
        case.phase = f"{target}: {phase or 'missed'}"
        if victim is None:
            checks.check_run(case, run, self.oracle, "a run that ended before its moment")
            case.fail("the run ended before a worker ran a test")
            return case
        if target == "parent":
            self._check_workers_gone(case, process.pid)
        else:
            ours, others = checks.count_tracebacks(case, run)
            if run.timed_out:
                case.fail("the run did not finish after its worker was killed")
            elif run.returncode == 0:
                case.fail("the run exited 0 after a worker was killed")
        self.check_next_run(case)
        return case

    def _kill_in_tests(self, process, trace_path, target):
        """SIGKILL the parent or a worker during a worker's k-th test; ``(pid, phase)``."""
        occurrence, delay = self.rng.randrange(8), self.rng.uniform(0, 0.3)
        deadline = time.monotonic() + self.timeout()
        while process.poll() is None and time.monotonic() < deadline:
            with open(trace_path) as stream:
                events = moments.parse(stream.readlines())
            workers = sorted({event.pid for event in events if event.pid != process.pid})
            for worker in workers:
                entered = moments.enter_time(events, "tests", occurrence, pid=worker)
                if entered is not None:
                    time.sleep(max(0.0, entered + delay - time.monotonic()))
                    victim = process.pid if target == "parent" else worker
                    sent_at = time.monotonic()
                    try:
                        os.kill(victim, signal.SIGKILL)
                    except ProcessLookupError:
                        return None, None
                    with open(trace_path) as stream:
                        events = moments.parse(stream.readlines())
                    return victim, moments.phase_at(events, sent_at, pid=worker)
            time.sleep(POLL)
        return None, None

    def _check_workers_gone(self, case, group):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        case.fail("workers outlived their killed parent by more than 30 s")
        os.killpg(group, signal.SIGKILL)


def run_parallel(campaign, count, log, cases=None):
    """*count* kills of a worker and *count* of the parent (appended to *cases* as they end)."""
    cases = [] if cases is None else cases
    for index in range(count):
        for target in ("worker", "parent"):
            case = campaign.kill_case(target, index)
            cases.append(case)
            log(f"chaos: kills {campaign.backend} parallel {index + 1}/{count}, the {target}: fell in "
                f"{case.phase}: {case.verdict()}"
                f"{' (' + ', '.join(case.notes) + ')' if case.notes else ''}")
    return cases


def run_part(campaign, part, count, seed, log, cases=None):
    """*count* cases of *part* ("kills" or "interrupts") on the campaign's backend, appended to *cases*."""
    signum = signal.SIGKILL if part == "kills" else signal.SIGINT
    # A quick campaign (one case or two) aims at the phases of a warm run only: no cold reference.
    phases = moments.PHASES if count > 2 else tuple(p for p in moments.PHASES if p not in moments.COLD_PHASES)
    # The reference runs an earlier part made are kept; a part that needs a cold one too (a kills
    # part of 0 or 1 cases made only the warm one) traces what is missing.
    needed = ("cold", "warm") if count > 2 else ("warm",)
    missing = [kind for kind in needed if kind not in campaign.references]
    if missing:
        campaign.prepare(tuple(missing))
    cases = [] if cases is None else cases
    backend = campaign.backend
    for index, aim in enumerate(moments.schedule(count, phases, seed + (part == "interrupts"))):
        case = campaign.signal_run(part, aim, index, signum)
        cases.append(case)
        log(f"chaos: {part} {backend} {index + 1}/{count}: aimed at {aim}, fell in {case.phase or '-'}: "
            f"{case.verdict()}"
            f"{' (' + ', '.join(case.notes) + ')' if case.notes else ''}")
    return cases
