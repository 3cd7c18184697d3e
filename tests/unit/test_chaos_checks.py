"""chaos/checks.py: counting the tracebacks of a case's runs, and keeping the output of those that print one."""

from chaos import checks
from chaos.lab import Run
from chaos.report import Case

OURS = ('Traceback (most recent call last):\n  File "/x/nose_fastfixtures/database/reuse.py", line 1, in f\n'
        '    g()\nKeyboardInterrupt\n')


def test_a_run_with_a_traceback_keeps_its_output(tmp_path, monkeypatch):
    # make chaos once counted "1 traceback(s) through our code" that nobody could read afterwards.
    monkeypatch.setattr(checks, "OUTPUTS", tmp_path)
    case = Case("interrupts", "sqlite", "interrupt 2 aimed at tests")
    assert checks.count_tracebacks(case, Run(["nosetests"], 130, "", OURS, 1.0)) == (1, 0)
    assert checks.count_tracebacks(case, Run(["nosetests"], 0, "OK\n", "", 1.0)) == (0, 0)
    kept = list(tmp_path.iterdir())
    assert case.tracebacks == 1 and len(kept) == 1 and case.notes == [f"output in {kept[0]}"]
    assert kept[0].name.endswith("-interrupts-sqlite-interrupt-2-aimed-at-tests.txt")
    assert kept[0].read_text() == "nosetests\nexit 130\n\n" + OURS
