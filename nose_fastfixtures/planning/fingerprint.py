"""The schema fingerprint of a kept test database, and what to do when it changed."""

import hashlib
import json
import re
from dataclasses import dataclass, field

# Bumped when the fingerprint's layout, or that of the fresh-state digests stored beside
# it, changes: a kept database of another layout is rebuilt.
# 2: PostgreSQL's schema digest reads its catalogs (type modifiers included).
FORMAT = 2

CREATE, REUSE, MIGRATE, REBUILD = "create", "reuse", "migrate", "rebuild"

# Settings keys that shape the test schema. HOST, USER and PASSWORD name *where* the
# database is, and the fingerprint is stored inside it, so they need not be part of it.
SCHEMA_SETTINGS = ("ENGINE", "OPTIONS", "TEST")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def digest(data):
    """A short hex digest of bytes or text."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def canonical(value):
    """Deterministic text for settings and model descriptions (no memory addresses)."""
    text = json.dumps(value, sort_keys=True, default=repr)
    return _ADDRESS.sub("", text)


def settings_digest(settings_dict, routers=()):
    """Digest of the parts of one alias's DATABASES entry (and the routers) that shape its schema."""
    relevant = {key: settings_dict.get(key) for key in SCHEMA_SETTINGS}
    return digest(canonical({"database": relevant, "routers": list(routers)}))


def compute(django_version, settings_dict, routers, migrations, unmigrated, global_fixtures=None,
            project_setup=None):
    """The fingerprint of one alias's test schema, as a JSON-serializable dict.

    *migrations*: ``{app_label: {migration_name: file_digest}}``; *unmigrated*:
    ``{app_label: description_text}`` for apps whose tables come from their models;
    *global_fixtures*: the digest of the global fixtures loaded into it, if any;
    *project_setup*: the digest of the TEST_RUNNER's own ``setup_databases``, which
    adds to the kept database every run, if it has one.
    """
    computed = {
        "format": FORMAT,
        "django": django_version,
        "settings": settings_digest(settings_dict, routers),
        "unmigrated": {label: digest(text) for label, text in sorted(unmigrated.items())},
        "migrations": {label: dict(sorted(names.items())) for label, names in sorted(migrations.items())},
    }
    if global_fixtures:
        computed["global_fixtures"] = global_fixtures
    if project_setup:
        computed["project_setup"] = project_setup
    return computed


@dataclass
class Decision:
    """What to do with a kept test database, why, and which migrations are new."""

    action: str
    reason: str
    new_migrations: list = field(default_factory=list)


def names(items, limit=3):
    """'a, b, c and 2 more' for a message."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _migration_changes(old, new):
    removed, edited, added = [], [], []
    for app in sorted(set(old) | set(new)):
        before, after = old.get(app, {}), new.get(app, {})
        for name in sorted(set(before) | set(after)):
            label = f"{app}.{name}"
            if name not in after:
                removed.append(label)
            elif name not in before:
                added.append(label)
            elif before[name] != after[name]:
                edited.append(label)
    return removed, edited, added


def classify(old, new):
    """Compare the stored fingerprint *old* (None if there is none) with *new*."""
    if old is None:
        return Decision(CREATE, "no kept test database yet")
    if old.get("format") != FORMAT:
        return Decision(REBUILD, "it was kept by another version of nose_fastfixtures")
    if old.get("django") != new["django"]:
        return Decision(REBUILD, f"Django changed from {old.get('django')} to {new['django']}")
    if old.get("settings") != new["settings"]:
        return Decision(REBUILD, "its DATABASES settings (ENGINE, OPTIONS, TEST) or the routers changed")
    old_unmigrated, new_unmigrated = old.get("unmigrated", {}), new["unmigrated"]
    changed_apps = [app for app in sorted(set(old_unmigrated) | set(new_unmigrated))
                    if old_unmigrated.get(app) != new_unmigrated.get(app)]
    if changed_apps:
        return Decision(REBUILD, f"the models of app(s) without migrations changed: {names(changed_apps)}")
    if old.get("project_setup") != new.get("project_setup"):
        return Decision(REBUILD, "the TEST_RUNNER's setup_databases changed" if old.get("project_setup")
                        and new.get("project_setup") else "the TEST_RUNNER's own setup_databases "
                        + ("runs on it now" if new.get("project_setup") else "is gone"))
    if old.get("global_fixtures") != new.get("global_fixtures"):
        return Decision(REBUILD, _global_fixtures_change(old.get("global_fixtures"), new.get("global_fixtures")))
    removed, edited, added = _migration_changes(old.get("migrations", {}), new["migrations"])
    if removed and added:
        return Decision(REBUILD, f"migrations were replaced (branch switch?): {names(removed)} gone, "
                                 f"{names(added)} new")
    if removed:
        return Decision(REBUILD, f"applied migration(s) removed: {names(removed)}")
    if edited:
        return Decision(REBUILD, f"applied migration(s) edited: {names(edited)}")
    if added and new.get("global_fixtures"):
        # Fresh, the migrations would run before the global fixtures load, not after.
        return Decision(REBUILD, f"new migration(s) under its global fixtures: {names(added)}")
    if added:
        plural = "s" if len(added) > 1 else ""
        return Decision(MIGRATE, f"{len(added)} new migration{plural}: {names(added)}", added)
    return Decision(REUSE, "schema fingerprint unchanged")


def _global_fixtures_change(old, new):
    if not old:
        return "global fixtures are loaded now"
    if not new:
        return "it holds global fixtures this run does not load"
    return "its global fixtures changed"


def after_interrupted(decision, marker):
    """*decision*, turned into a rebuild when the last run left the database not fresh.

    *marker* is what that run left in the database (None after a clean run). A
    rebuild is Django's own create-and-migrate, so the result is the freshly
    migrated state by construction, whatever the interrupted run committed.
    """
    if marker is None or decision.action in (CREATE, REBUILD):
        return decision
    return Decision(REBUILD, describe_marker(marker))


def describe_marker(marker):
    """Why a database with *marker* is not in its freshly migrated state."""
    if marker.get("changed"):
        return f"the last run changed it in ways that could not be put back: {names(marker['changed'])}"
    return (f"the run started at {marker.get('started', '?')} (pid {marker.get('pid', '?')}) "
            f"did not finish and may have left rows behind")


def changed_tables(fresh, current):
    """Tables whose content or sequence differs between two state digests."""
    return sorted(table for table in set(fresh) | set(current) if fresh.get(table) != current.get(table))


def summary(alias, test_name, decision):
    """The one line a run prints for a kept database."""
    verbs = {CREATE: "created", REUSE: "reused", MIGRATE: "migrated", REBUILD: "rebuilt"}
    return f"reuse-db: {alias}: {verbs[decision.action]} {test_name} ({decision.reason})"


def parse_switch(value, source):
    """True/False for a REUSE_DB-style value (1, 0, true, false; empty is 0); ValueError otherwise."""
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false", ""):
        return False
    raise ValueError(f"{source}={value!r} is not a valid value; use 1 or 0 (or true/false)")
