"""Measured durations kept between runs: what scheduling estimates from and the time report shows.

One small JSON file per project (``.nose_fastfixtures/durations.json`` by default),
written atomically at the end of a run and cached by CI between runs. Pure: no
Django, no nose. A file that cannot be read is ignored with a warning, never an error:
durations only make a run faster, they never decide what runs.

Layout (``FORMAT`` 1)::

    {"format": 1,
     "tests":   {"app.tests.test_x.OrderTests.test_total": 0.012, ...},
     "classes": {"app.tests.test_x.OrderTests": 0.31, ...},
     "layers":  {"default:customers+catalog": 0.42, ...}}

``tests`` are test ids as Django gives them (``TestCase.id()``), ``classes`` the
whole time of a class (``setUpClass`` to ``tearDownClass``, its tests included),
``layers`` the time to load one fixture layer (bundling) into the aliases named.
Seconds, wall clock.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
DEFAULT_PATH = Path(".nose_fastfixtures") / "durations.json"
KINDS = ("tests", "classes", "layers")


@dataclass
class Durations:
    """Seconds by test id, by class name and by fixture layer."""

    tests: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    layers: dict = field(default_factory=dict)

    def as_json(self):
        return {"format": FORMAT, **{kind: dict(sorted(getattr(self, kind).items())) for kind in KINDS}}

    def updated(self, newer):
        """These durations with *newer*'s measurements replacing theirs (a run's, a shard's)."""
        return Durations(**{kind: {**getattr(self, kind), **getattr(newer, kind)} for kind in KINDS})


def layer_key(aliases, fixtures):
    """The key of a fixture layer: ``"default,other:customers+catalog"``."""
    return f"{','.join(aliases)}:{'+'.join(fixtures)}"


def parse(data):
    """Durations from decoded JSON; ValueError naming what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a durations file of format {FORMAT}")
    values = {}
    for kind in KINDS:
        section = data.get(kind, {})
        if not isinstance(section, dict) or not all(
            isinstance(key, str) and isinstance(seconds, (int, float)) and seconds >= 0
            for key, seconds in section.items()
        ):
            raise ValueError(f"{kind!r} must map names to seconds")
        values[kind] = {key: float(seconds) for key, seconds in section.items()}
    return Durations(**values)


def load(path, warn):
    """The durations in *path*; empty ones if it does not exist, or (calling *warn*) if unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Durations()
    except OSError as error:
        warn(f"ignoring the durations file {path}: {error.strerror or error}")
        return Durations()
    try:
        return parse(json.loads(text))
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        warn(f"ignoring the durations file {path}: {error}")
        return Durations()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path):
    """Remove the half-written copies of *path* that runs killed while saving left (found by make chaos)."""
    path = Path(path)
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        pid = temporary.name[len(path.name) + 2:-len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            temporary.unlink(missing_ok=True)


def save(path, durations):
    """Write *durations* to *path* atomically (a reader sees the old file or the new one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump(durations.as_json(), stream, indent=1)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def merge(paths, warn):
    """The durations of several files (the shards of a CI matrix), later files winning."""
    merged = Durations()
    for path in paths:
        merged = merged.updated(load(path, warn))
    return merged


def main(argv=None):
    """``python -m nose_fastfixtures.planning.durations merge OUTPUT INPUT...``: one file from the shards'."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[0] != "merge":
        sys.stderr.write("usage: python -m nose_fastfixtures.planning.durations merge OUTPUT INPUT...\n")
        return 2
    save(args[1], merge(args[2:], warn=lambda message: sys.stderr.write(f"warning: {message}\n")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
