"""Failures ``make chaos`` found, each kept from coming back (see chaos/ and the README's campaign table)."""

import sqlite3

from nose_fastfixtures.database import reuse


def test_a_copy_half_written_by_a_killed_run_is_removed_by_the_next(tmp_path):
    # SIGKILL while the in-memory test database was being saved next to NAME left
    # ".reuse-*.sqlite3" and its journal behind, forever.
    kept = tmp_path / "test_shop.sqlite3"
    memory = sqlite3.connect(":memory:")
    memory.execute("CREATE TABLE t (x)")
    reuse._save_sqlite(memory, str(kept))
    prefix = reuse._copy_prefix(str(kept))
    stale = [tmp_path / f"{prefix}abc123.sqlite3", tmp_path / f"{prefix}abc123.sqlite3-journal"]
    someone_elses = tmp_path / f"{reuse._copy_prefix(str(tmp_path / 'test_other.sqlite3'))}def456.sqlite3"
    for path in [*stale, someone_elses]:
        path.write_bytes(b"half")

    reuse.remove_stale_copies(str(kept))

    assert not any(path.exists() for path in stale)
    assert someone_elses.exists()  # another kept database's run may be writing it under its own lock
    assert kept.exists() and sqlite3.connect(kept).execute("SELECT name FROM sqlite_master").fetchall()
