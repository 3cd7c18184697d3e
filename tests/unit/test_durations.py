"""The durations file: read, written atomically, merged, and ignored with a warning when bad."""

import json
import os

import pytest

from nose_fastfixtures.planning import durations as d


def test_save_then_load_gives_the_same_durations(tmp_path):
    path = tmp_path / "cache" / "durations.json"
    kept = d.Durations(tests={"a.T.test_x": 0.5}, classes={"a.T": 1.25},
                       layers={d.layer_key(["default"], ["customers", "catalog"]): 0.4})
    d.save(path, kept)
    assert d.load(path, warn=pytest.fail) == kept
    assert json.loads(path.read_text())["layers"] == {"default:customers+catalog": 0.4}
    assert [p.name for p in path.parent.iterdir()] == ["durations.json"]  # no temporary left


def test_a_missing_file_is_empty_and_silent(tmp_path):
    assert d.load(tmp_path / "none.json", warn=pytest.fail) == d.Durations()


@pytest.mark.parametrize("text, why", [
    ("{not json", "Expecting property name"),
    ('{"format": 99}', "not a durations file of format 1"),
    ('[]', "not a durations file"),
    ('{"format": 1, "tests": {"a": -1}}', "'tests' must map names to seconds"),
    ('{"format": 1, "classes": []}', "'classes' must map names to seconds"),
])
def test_an_unreadable_file_is_ignored_with_a_warning(tmp_path, text, why):
    path = tmp_path / "durations.json"
    path.write_text(text)
    warnings = []
    assert d.load(path, warn=warnings.append) == d.Durations()
    assert len(warnings) == 1 and str(path) in warnings[0] and why in warnings[0]


def test_merging_shards_keeps_every_measurement_and_later_ones_win(tmp_path):
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    d.save(first, d.Durations(tests={"a": 1.0, "b": 2.0}))
    d.save(second, d.Durations(tests={"b": 3.0, "c": 4.0}, classes={"K": 5.0}))
    merged = d.merge([first, second, tmp_path / "missing.json"], warn=pytest.fail)
    assert merged == d.Durations(tests={"a": 1.0, "b": 3.0, "c": 4.0}, classes={"K": 5.0})


def test_the_merge_command_writes_one_file_from_the_shards(tmp_path):
    first, second, out = tmp_path / "1.json", tmp_path / "2.json", tmp_path / "out" / "durations.json"
    d.save(first, d.Durations(classes={"A": 1.0}))
    d.save(second, d.Durations(classes={"B": 2.0}))
    assert d.main(["merge", str(out), str(first), str(second)]) == 0
    assert d.load(out, warn=pytest.fail) == d.Durations(classes={"A": 1.0, "B": 2.0})
    assert d.main(["merge", str(out)]) == 2


def test_a_copy_left_by_a_killed_run_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "durations.json"
    dead = tmp_path / ".durations.json.999999999.tmp"  # above any pid: no such process
    alive = tmp_path / f".durations.json.{os.getppid()}.tmp"  # a run still writing its own
    dead.write_text("{")
    alive.write_text("{")
    d.save(path, d.Durations())
    assert not dead.exists() and alive.exists()
