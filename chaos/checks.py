"""What every case checks after its runs: tracebacks, outcomes, the kept databases, leftovers."""

import json
import os
import re
import sqlite3
import time
from pathlib import Path

from chaos import servers
from chaos.lab import ENGINES, ROOT

OUTPUTS = ROOT / ".chaos" / "outputs"  # the output of every run that printed a traceback

TRACEBACK = re.compile(r"^Traceback \(most recent call last\):\n(?:(?:  .*|\s*)\n)*", re.M)
OUR_FRAME = re.compile(r'File "[^"]*nose_fastfixtures/')


def tracebacks(output):
    """``(ours, others)``: tracebacks printed in *output*, those through nose_fastfixtures first."""
    ours = others = 0
    for match in TRACEBACK.finditer(output + "\n"):
        if OUR_FRAME.search(match.group(0)):
            ours += 1
        else:
            others += 1
    return ours, others


def count_tracebacks(case, run):
    """Add *run*'s tracebacks through our code to *case*; ``(ours, others)``.

    A run that printed any keeps its output (the campaign's scratch folder goes at
    its end): the case's notes name the file, so a rare one can be read afterwards.
    """
    ours, others = tracebacks(run.output)
    case.tracebacks += ours
    if ours or others:
        OUTPUTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w.-]+", "-", f"{case.part}-{case.backend}-{case.name}")
        path = OUTPUTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{slug}.txt"
        path.write_text(" ".join(map(str, run.argv)) + f"\nexit {run.returncode}\n\n" + run.output)
        case.notes.append(f"output in {path}")
    return ours, others


def check_run(case, run, expected, what="the next run"):
    """A run that had to complete: exit status, outcomes and tracebacks as Django's runner's."""
    ours, others = count_tracebacks(case, run)
    if run.timed_out:
        case.fail(f"{what} did not finish in time")
    if run.returncode != expected.returncode:
        case.fail(f"{what} exited {run.returncode} (Django's runner: {expected.returncode}): "
                  f"{last_line(run.output)}")
    if run.outcomes != expected.outcomes:
        differing = sorted(key for key in set(run.outcomes) | set(expected.outcomes)
                           if run.outcomes.get(key) != expected.outcomes.get(key))
        case.fail(f"{what}: {len(differing)} outcome(s) differ from Django's runner, e.g. {differing[0]}: "
                  f"{expected.outcomes.get(differing[0], 'missing')} -> {run.outcomes.get(differing[0], 'missing')}")
    if others and not ours and expected.returncode == 0:
        case.fail(f"{what} printed {others} traceback(s) outside our code")


def last_line(output):
    lines = [line for line in output.splitlines() if line.strip()]
    return (lines or ["no output"])[-1][:160]


def reuse_lines(output):
    """What the run said about each kept database (``reuse-db: alias: ...``)."""
    return [line.strip() for line in output.splitlines() if line.startswith("reuse-db: ")]


def reuse_verdict(line):
    """'reused', 'migrated', 'rebuilt: <why>' or 'created', from one ``reuse-db:`` line."""
    match = re.match(r"reuse-db: [^:]+: (\w+) \S+(?: \((.*)\))?", line)
    if not match:
        return line
    action, why = match.groups()
    if action == "rebuilt" and why:
        why = re.sub(r"\d+", "N", why.split(";")[0])[:70]
        return f"rebuilt ({why})"
    return action


# --- the kept databases --------------------------------------------------------------

def kept_databases(lab, backend, db_name):
    """``[(alias index, kept database name or file)]`` that exist now."""
    if ENGINES[backend] == "sqlite":
        found = sorted(path for path in lab.sample.rglob(f"test_{db_name}*.sqlite3"))
        return [(1 if "_archive" in path.name else 0, str(path)) for path in found]
    names = servers.databases(ENGINES[backend], db_name)
    wanted = {f"test_{db_name}": 0, f"test_{db_name}_archive": 1}
    return [(wanted[name], name) for name in names if name in wanted]


def state_entries(backend, name):
    """The kept database's state table, ``{entry: value}`` ({} when it has none)."""
    try:
        if ENGINES[backend] == "sqlite":
            connection = sqlite3.connect(Path(name).resolve().as_uri() + "?mode=ro", uri=True)
            try:
                found = connection.execute(f"SELECT entry, content FROM {servers.OURS[0]}").fetchall()
            finally:
                connection.close()
        else:
            with servers.server(ENGINES[backend], name) as connection:
                found = servers.rows(connection, f"SELECT entry, content FROM {servers.OURS[0]}")
    except Exception:  # noqa: BLE001 - no state table: nothing recorded
        return {}
    return {entry: json.loads(content) for entry, content in found}


def check_kept_fresh(case, lab, real, db_name, allow_marked=False):
    """Every kept database holds exactly the freshly migrated rows (or, if allowed, is marked for rebuild)."""
    kept = kept_databases(lab, real.backend, db_name)
    if not kept:
        case.fail("no kept database after the run")
    for index, name in kept:
        entries = state_entries(real.backend, name)
        marked = entries.get("marker") is not None
        if marked and allow_marked:
            continue
        if marked:
            case.fail(f"{Path(name).name} still marked after a complete run: {entries.get('marker')}")
        changed = servers.differences(real.reference_dump(index), servers.dump(real.backend, name))
        if changed:
            case.lost_data = True
            case.fail(f"{Path(name).name} differs from the freshly migrated database in: "
                      f"{', '.join(changed[:5])}")


def check_no_strays(case, lab, backend, db_name, files_before):
    """No test database, clone or file of the run is left but the kept ones."""
    if ENGINES[backend] != "sqlite":
        expected = {f"test_{db_name}", f"test_{db_name}_archive", db_name, f"{db_name}_archive"}
        clone = re.compile(rf"^test_{re.escape(db_name)}(_archive)?_\d+$")  # kept workers' clones
        stray = [name for name in servers.databases(ENGINES[backend], db_name)
                 if name not in expected and not clone.match(name)]
        if stray:
            case.fail(f"stray databases: {', '.join(stray)}")
    extra = sorted(set(project_files(lab)) - set(files_before))
    allowed = re.compile(rf"(^|/)(test_)?{re.escape(db_name)}[\w.]*\.sqlite3(\.lock)?$|"
                         r"(^|/)\.nose_fastfixtures/(.*/)?(\.gitignore|[\w-]+\.json|(?![\w.-]*\.reuse-)[\w.-]+\.sqlite3(\.lock)?)$")
    stray = [path for path in extra if not allowed.search(path)]
    if stray:
        case.fail(f"stray files: {', '.join(stray[:5])}")


def project_files(lab):
    return [str(path.relative_to(lab.sample)) for path in lab.sample.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts]
