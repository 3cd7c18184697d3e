"""Part 4: four runs at once on one kept database, serialised by the lock, none deadlocked.

A round starts four traced runs of the chaos subset together (the first round finds
no kept database: one creates it while the others wait). Each run's trace records
when it held the lock; the intervals must not overlap, every run must give Django's
outcomes, and the round must end within a bound (a deadlock would not).
"""

from chaos import checks, moments
from chaos.lab import ALL_PLUGINS
from chaos.report import Case

RUNS = 4


def run_part(lab, backend, real, oracle, rounds, labels, log):
    db_name = lab.db_name("k", backend)
    env = {**lab.env(backend, db_name), **real.env()}
    files_before = checks.project_files(lab)
    argv = lab.nose_argv([*ALL_PLUGINS, *labels])
    bound = RUNS * 2 * max(oracle.seconds, 30) + 180
    cases = []
    for number in range(1, rounds + 1):
        case = Case("races", backend, f"round {number}: {RUNS} runs at once")
        if number == 1:
            drop_kept(lab, backend, db_name)  # the first round finds nothing: one creates, three wait
        runs = race(lab, argv, env, bound)
        check_round(case, runs, oracle)
        checks.check_kept_fresh(case, lab, real, db_name)
        checks.check_no_strays(case, lab, backend, db_name, files_before)
        cases.append(case)
        log(f"chaos: races {backend} {number}/{rounds}: {case.verdict()}"
            f" ({', '.join(case.notes)})")
    return cases


def drop_kept(lab, backend, db_name):
    import os

    from chaos import servers
    from chaos.lab import ENGINES

    for _, name in checks.kept_databases(lab, backend, db_name):
        if ENGINES[backend] == "sqlite":
            os.unlink(name)
        else:
            servers.drop(ENGINES[backend], [name])


def race(lab, argv, env, bound):
    from pathlib import Path

    from tests.helpers.outcomes import OUTCOMES_ENV, load

    started = []
    for _ in range(RUNS):
        trace, outcomes = lab.scratch_file("trace"), lab.scratch_file("outcomes")
        started.append((lab.start(argv, {**env, "CHAOS_TRACE": trace, OUTCOMES_ENV: outcomes}), trace, outcomes))
    runs = []
    for process, trace, outcomes in started:
        run = lab.finish(process, argv, timeout=bound)
        run.trace = Path(trace).read_text()
        run.outcomes = load(outcomes) if Path(outcomes).stat().st_size else {}
        runs.append(run)
    return runs


def check_round(case, runs, oracle):
    events = []
    for index, run in enumerate(runs, 1):
        checks.check_run(case, run, oracle, f"run {index}")
        if run.timed_out:
            case.fail(f"run {index} still running after the bound: deadlock?")
        events += moments.parse(run.trace.splitlines())
    events.sort(key=lambda event: event.time)
    intervals = moments.lock_intervals(events)
    for first, second in moments.overlaps(intervals):
        case.fail(f"two runs held the lock on {first[0]} at once")
    waited = sum("waiting for it to finish" in run.stderr for run in runs)
    verdicts = sorted(checks.reuse_verdict(line) for run in runs for line in checks.reuse_lines(run.output)
                      if "waiting" not in line)
    case.notes.append(f"{waited} waited, {len(intervals)} lock holds")
    case.notes.append(", ".join(f"{verdicts.count(verdict)} {verdict}" for verdict in sorted(set(verdicts))))
