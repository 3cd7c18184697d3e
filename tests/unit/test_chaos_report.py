"""chaos/report.py: counting cases into the campaign's table."""

from chaos.report import Case, failures, format_phases, format_table, passed, rows


def cases():
    lost = Case("kills", "postgresql", "kill 2", lost_data=True, phase="tests")
    lost.fail("test_x differs")
    return [Case("kills", "sqlite", "kill 1", phase="layers"), lost,
            Case("fuzz", "sqlite", "fixture 1", tracebacks=1), Case("guards", "sqlite", "trick")]


def test_rows_per_part_and_backend_then_all():
    found = [(row.part, row.backend, row.cases, row.survived, row.lost_data, row.tracebacks) for row in rows(cases())]
    assert found == [("kills", "sqlite", 1, 1, 0, 0), ("kills", "postgresql", 1, 0, 1, 0),
                     ("fuzz", "sqlite", 1, 0, 0, 1), ("guards", "sqlite", 1, 1, 0, 0),
                     ("all", "sqlite", 3, 2, 0, 1), ("all", "postgresql", 1, 0, 1, 0)]


def test_table_lines_are_aligned():
    lines = format_table(cases())
    assert lines[1].split() == ["part", "backend", "cases", "survived", "lost", "data", "tracebacks"]
    assert lines[3].split() == ["kills", "sqlite", "1", "1", "0", "0"]
    assert len({len(line) for line in (lines[0], lines[2], lines[-1])}) == 1


def test_phases_failures_and_verdict():
    assert format_phases(cases(), "kills", ("layers", "tests")) == [
        "kills by phase, sqlite: layers 1", "kills by phase, postgresql: tests 1"]
    assert failures(cases()) == ["FAILED kills/postgresql kill 2: test_x differs",
                                 "FAILED fuzz/sqlite fixture 1: 1 traceback(s)"]
    assert not passed(cases()) and passed(cases()[:1]) and not passed([])
