"""Part 6: every option of every plugin of ours, with a bad value, in every place it can be given.

The options are found the way nose finds them (the ``nose.plugins.0.10`` entry points
of nose_fastfixtures, each plugin's ``options()``), so an option added later without
a bad value here fails the campaign until it gets one. Places: the flag
(``--name=value``), the environment variable its help names (``[NOSE_...]``),
``nose.cfg`` and ``setup.cfg`` (``[nosetests]``). Each case must end in one line
``nose_fastfixtures: error: ...``, exit status 2, no traceback and no test database.
"""

import optparse
import re
from importlib.metadata import entry_points

from chaos import checks, servers
from chaos.lab import ALL_PLUGINS, ENGINES
from chaos.report import Case

# Bad values per option; None: every value is a valid one (a free text such as an editor).
BAD_VALUES = {
    "--with-django": ["maybe"],
    "--with-class-fixtures": ["maybe"],
    "--with-fixture-bundling": ["maybe"],
    "--with-progressive": ["maybe"],
    "--with-reuse-db": ["maybe"],
    "--progressive-absolute-paths": ["maybe"],
    "--django-settings": ["no_such_settings_module"],
    "--django-shuffle": ["abc", "1.5"],
    "--progressive-editor": None,
    "--progressive-editor-shortcut-template": ["{nosuch} {path}", "{editor"],
    "--progressive-durations": ["many", "-2"],
    "--progressive-color": ["sometimes"],
    "--progressive-interval": ["soon", "-1"],
    "--reuse-db": ["2", "yes"],
    "--with-time-report": ["maybe"],
    "--time-report-html": ["/nonexistent-folder/report.html"],
    "--time-report-slowest": ["many", "-1"],
    "--shard": ["4/3", "x", "0/2"],
    "--global-fixtures": ["no_such_fixture", ",,"],
    "--fast-password-hasher": ["maybe"],
    "--no-spare-connections": ["maybe"],
    "--django-tag": None,  # any tag name; a tag no test has selects no test, as in Django
    "--django-exclude-tag": None,
    "--django-name-pattern": None,
    "--django-durations": ["many", "-1"],
    "--django-debug-sql": ["maybe"],
    "--django-debug-mode": ["maybe"],
}
PLACES = ("flag", "env", "nose.cfg", "setup.cfg")
LABEL = "support.tests.test_archive.ArchiveLookupTest"
SETUP_CFG = "[nosetests]\nwith-django = 1\n"  # the settings come from DJANGO_SETTINGS_MODULE


def our_options():
    """``[(plugin name, optparse.Option, env variable or None)]`` of every plugin of ours."""
    found = []
    for entry in sorted(entry_points(group="nose.plugins.0.10"), key=lambda entry: entry.name):
        if not entry.value.startswith("nose_fastfixtures"):
            continue
        parser = optparse.OptionParser()
        entry.load()().options(parser, {})
        for option in parser.option_list:
            if option.get_opt_string() == "--help":
                continue
            names = [name for name in re.findall(r"\[(\w+)\]", option.help or "") if name.isupper()]
            found.append((entry.name, option, names[0] if names else None))
    return found


def is_flag(option):
    return option.action in ("store_true", "store_false")


def plan():
    """``[(option string, place, value, env variable)]``, and the options lacking bad values."""
    cases, unknown = [], []
    for _, option, env_name in our_options():
        name = option.get_opt_string()
        if name not in BAD_VALUES:
            unknown.append(name)
            continue
        for value in BAD_VALUES[name] or []:
            for place in PLACES:
                if place == "flag" and is_flag(option) or place == "env" and env_name is None:
                    continue  # a flag takes no value; no environment variable to set
                cases.append((name, place, value, env_name))
    return cases, unknown


def argv_for(name, place, value):
    plugins = [*ALL_PLUGINS, "--with-progressive", "--with-time-report"]
    plugins = [plugin for plugin in plugins if plugin != name]  # its bad value must decide
    if name == "--reuse-db":
        plugins.remove("--with-reuse-db")
    return [*plugins, *([f"{name}={value}"] if place == "flag" else []), LABEL]


def run_case(lab, backend, real, db_name, name, place, value, env_name):
    case = Case("config", backend, f"{name} {place} {value!r}")
    cfg_line = f"{name[2:]} = {value}\n"
    base = "[nosetests]\n" if name == "--with-django" else SETUP_CFG
    (lab.sample / "setup.cfg").write_text(base + (cfg_line if place == "setup.cfg" else ""))
    nose_cfg = lab.sample / "nose.cfg"
    if place == "nose.cfg":
        nose_cfg.write_text("[nosetests]\n" + cfg_line)
    env = {**lab.env(backend, db_name), **real.env(), **({env_name: value} if place == "env" else {})}
    try:
        run = lab.run(lab.nose_argv(argv_for(name, place, value)), env, timeout=300)
    finally:
        nose_cfg.unlink(missing_ok=True)
        (lab.sample / "setup.cfg").write_text(lab.SETUP_CFG)
    ours, others = checks.count_tracebacks(case, run)
    errors = [line for line in run.stderr.splitlines() if line.startswith("nose_fastfixtures: error:")]
    if run.returncode != 2:
        case.fail(f"exit {run.returncode}, not 2 ({checks.last_line(run.output)})")
    if len(errors) != 1:
        case.fail(f"{len(errors)} error lines from us")
    if others:
        case.fail("a traceback")
    case.notes.append(errors[0][len("nose_fastfixtures: error: "):][:160] if errors else checks.last_line(run.output))
    made = test_databases(lab, backend, db_name)
    if made:
        case.fail(f"a test database was made: {made}")
        drop(lab, backend, made)
    return case


def test_databases(lab, backend, db_name):
    if ENGINES[backend] == "sqlite":
        return [str(path) for path in lab.sample.rglob(f"test_{db_name}*.sqlite3")]
    return [name for name in servers.databases(ENGINES[backend], db_name) if name.startswith("test_")]


def drop(lab, backend, names):
    if ENGINES[backend] == "sqlite":
        for name in names:
            __import__("os").unlink(name)
    else:
        servers.drop(ENGINES[backend], names)


# CHAOS_QUICK: one case in each place.
QUICK_CASES = (("--reuse-db", "env"), ("--progressive-color", "setup.cfg"))


def run_part(lab, backend, real, log, places=PLACES, quick=False):
    db_name = lab.db_name("c", backend)
    planned, unknown = plan()
    if quick:
        planned = [case for case in planned if case[:2] in QUICK_CASES]
        planned = [case for index, case in enumerate(planned) if case[:2] not in {c[:2] for c in planned[:index]}]
    cases = []
    for name in unknown:
        case = Case("config", backend, f"{name}: no bad value known")
        case.fail(f"{name} is an option of ours with no bad values in chaos/bad_config.py")
        cases.append(case)
    for name, place, value, env_name in planned:
        if place not in places:
            continue
        case = run_case(lab, backend, real, db_name, name, place, value, env_name)
        cases.append(case)
        log(f"chaos: config {backend} {case.name}: {case.verdict()}"
            f" ({'; '.join(case.notes)})")
    return cases
