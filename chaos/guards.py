"""Part 5: settings that try to make us write to a real database; each must be refused.

Each trick is a settings module written into the sample copy on top of the
campaign's settings, run with every plugin, with and without ``REUSE_DB``. A refusal
is one line ``nose_fastfixtures: error: ...``, exit status 2, no traceback, no test
database made and the real databases untouched (the campaign's statement logs and
contents check, at its end, covers every trick too).
"""

from chaos import checks, servers
from chaos.lab import ALL_PLUGINS, ENGINES
from chaos.report import Case

HEADER = "from chaos_settings import *  # noqa: F401,F403\nfrom chaos_settings import DATABASES\n"

TRICKS = {
    # The test database of one alias would be the real database of another.
    "test-name-is-another-alias-name": 'DATABASES["default"]["TEST"] = {**DATABASES["default"].get("TEST", {}), '
                                       '"NAME": DATABASES["archive"]["NAME"]}\n',
    "test-name-is-its-own-name": 'DATABASES["default"]["TEST"] = {**DATABASES["default"].get("TEST", {}), '
                                 '"NAME": DATABASES["default"]["NAME"]}\n',
    # replica2 mirrors replica, which mirrors default: Django points replica2 at whatever
    # replica's NAME is when it gets there, the real one if replica comes later.
    "mirror-of-a-mirror": 'DATABASES = {"default": DATABASES["default"], '
                          '"replica2": {**DATABASES["archive"], "TEST": {"MIRROR": "replica"}}, '
                          '"replica": {**DATABASES["archive"], "TEST": {"MIRROR": "default"}}, '
                          '"archive": DATABASES["archive"]}\n',
    # Writes routed to the archive alias while the default test database is migrated:
    # a receiver's write reaches the real archive database under Django's own runner.
    "router-sends-writes-elsewhere": 'INSTALLED_APPS = [*INSTALLED_APPS, "chaos_trick_app"]\n'
                                     'DATABASE_ROUTERS = ["chaos_trick_app.WritesToArchive"]\n',
}
TRICK_APP = '''
"""A receiver that writes during migrations without naming a database, and a router sending it away."""
from django.db.models.signals import post_migrate


class WritesToArchive:
    def db_for_write(self, model, **hints):
        return "archive"


def _write(sender, **kwargs):
    if sender.label == "orders":
        from orders.models import ShippingMethod

        ShippingMethod.objects.update_or_create(code="trick", defaults={"name": "Trick", "price": 1})


post_migrate.connect(_write, dispatch_uid="chaos_trick_app")
'''
CHANGED_BETWEEN_RUNS = "databases-changed-between-runs"
# Labels that use both aliases, so that both get test databases.
TRICK_LABELS = ("support.tests.test_archive.ArchiveLookupTest", "orders.tests.test_models.ShippingMethodModelTest")


def write_tricks(lab):
    (lab.sample / "chaos_trick_app").mkdir(exist_ok=True)
    (lab.sample / "chaos_trick_app" / "__init__.py").write_text(TRICK_APP.lstrip())
    for name, body in TRICKS.items():
        (lab.sample / f"chaos_trick_{name.replace('-', '_')}.py").write_text(HEADER + body)


def refused(case, run, what):
    ours, others = checks.count_tracebacks(case, run)
    errors = [line for line in run.stderr.splitlines() if line.startswith("nose_fastfixtures: error:")]
    if run.returncode != 2:
        case.fail(f"{what}: exit {run.returncode}, not 2: {checks.last_line(run.output)}")
    if len(errors) != 1:
        case.fail(f"{what}: {len(errors)} error lines")
    elif others:
        case.fail(f"{what}: a traceback besides the error line")
    case.notes.append(errors[0][len("nose_fastfixtures: error: "):][:200] if errors else checks.last_line(run.output))


def run_part(lab, backend, real, labels, log, quick=False, first=True):
    """Every trick with and without REUSE_DB; quick: each once on the first backend, the router elsewhere."""
    write_tricks(lab)
    cases = []
    for name in TRICKS:
        if quick and not first and name != "router-sends-writes-elsewhere":
            continue
        for reuse in (True,) if quick else (True, False):
            case = Case("guards", backend, f"{name}{' (REUSE_DB=1)' if reuse else ''}")
            db_name = lab.db_name("k", backend)
            env = {**lab.env(backend, db_name), **real.env()}
            plugins = ALL_PLUGINS if reuse else tuple(p for p in ALL_PLUGINS if p != "--with-reuse-db")
            settings = f"--django-settings=chaos_trick_{name.replace('-', '_')}"
            before = test_databases(lab, backend, db_name)
            run = lab.run(lab.nose_argv([settings, *plugins, *TRICK_LABELS]), env, timeout=600)
            refused(case, run, name)
            check_no_test_database(case, lab, backend, db_name, before)
            cases.append(case)
            log(f"chaos: guards {backend} {case.name}: {case.verdict()}"
                f" ({'; '.join(case.notes)})")
    if first or not quick:
        cases.append(changed_between_runs(lab, backend, real, labels, log))
    return cases


def check_no_test_database(case, lab, backend, db_name, before):
    """A refused run made no new test database."""
    made = [name for name in test_databases(lab, backend, db_name) if name not in before]
    if made:
        case.fail(f"test databases were made: {made}")
        if ENGINES[backend] == "sqlite":
            for path in made:
                __import__("os").unlink(path)
        else:
            servers.drop(ENGINES[backend], made)


def test_databases(lab, backend, db_name):
    if ENGINES[backend] == "sqlite":
        return [str(path) for path in lab.sample.rglob(f"test_{db_name}*.sqlite3")]
    return [name for name in servers.databases(ENGINES[backend], db_name) if name.startswith("test_")]


def changed_between_runs(lab, backend, real, labels, log):
    """A first run keeps test databases; then the settings name one of them as a real alias's NAME."""
    case = Case("guards", backend, CHANGED_BETWEEN_RUNS + " (REUSE_DB=1)")
    db_name = lab.db_name("k", backend)  # the kills' kept databases exist by now
    kept = checks.kept_databases(lab, backend, db_name)
    if not kept:
        first = lab.run(lab.nose_argv([*ALL_PLUGINS, *labels]), {**lab.env(backend, db_name), **real.env()})
        kept = checks.kept_databases(lab, backend, db_name)
        if first.returncode or not kept:
            case.fail(f"the first run kept nothing: {checks.last_line(first.output)}")
            return case
    kept_name = kept[0][1]
    settings = lab.sample / "chaos_trick_changed.py"
    settings.write_text(HEADER + f'DATABASES["archive"]["NAME"] = {kept_name!r}\n')
    env = {**lab.env(backend, db_name), **real.env()}
    before = servers.dump(backend, kept_name)
    run = lab.run(lab.nose_argv(["--django-settings=chaos_trick_changed", *ALL_PLUGINS, *TRICK_LABELS]), env,
                  timeout=600)
    refused(case, run, CHANGED_BETWEEN_RUNS)
    if servers.dump(backend, kept_name) != before:
        case.lost_data = True
        case.fail(f"{kept_name}, now a real database, was written")
    log(f"chaos: guards {backend} {case.name}: {case.verdict()}"
        f" ({'; '.join(case.notes)})")
    return case
