"""Part 3: malformed JSON, YAML and XML fixtures through loaddata and our loading paths.

The cases run inside one process per backend (``chaos/fuzz_worker.py``); this side
starts it and turns its lines into the table's cases.
"""

import json
import sys

from chaos.report import Case


def run_part(lab, backend, real, count, seed, log):
    if not count:
        return []
    out = lab.scratch_file("fuzz")
    db_name = lab.db_name("f", backend)
    argv = [sys.executable, "-m", "chaos.fuzz_worker", "--count", str(count), "--seed", str(seed), "--out", out]
    process = lab.start(argv, {**lab.env(backend, db_name), **real.env()})
    run = lab.finish(process, argv, timeout=max(600, count * 2))
    lines = [json.loads(line) for line in open(out) if line.strip()]
    totals = lines[-1] if lines and "tried" in lines[-1] else None
    if run.returncode or totals is None:
        case = Case("fuzz", backend, "the fuzzing process")
        case.fail(f"exit {run.returncode}{' (timed out)' if run.timed_out else ''}: {run.output[-1500:]}")
        return [case]
    failed = {line["case"]: line for line in lines[:-1]}
    cases = []
    for number in range(1, totals["tried"] + 1):
        case = Case("fuzz", backend, f"fixture {number}")
        line = failed.get(number)
        if line:
            for problem in line["problems"]:
                case.fail(problem)
            if line["escaped"]:
                case.tracebacks += 1
                case.fail("an exception escaped: " + line["escaped"].strip().splitlines()[-1])
            case.notes.append(f"{line['format']}: {line['fixture'][:300]}")
        cases.append(case)
    log(f"chaos: fuzz {backend}: {totals['tried']} fixtures, loaddata's verdicts {totals['outcomes']}, "
        f"{totals['failed']} failed a check, {totals['escaped']} exceptions escaped")
    return cases
