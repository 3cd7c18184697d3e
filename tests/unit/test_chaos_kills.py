"""chaos/kills.py: how an interrupted run and a run that ended before its moment are judged."""

import signal
import sys

from chaos.kills import Campaign
from chaos.lab import Lab, Run
from chaos.moments import EXIT, Moment
from chaos.report import Case

OUTCOMES = {"shop.tests.ItemTest.test_one": "pass"}
# A run that ends before any traced phase: writes what the outcome recorder would, exits 0.
QUICK_RUN = ("import json, os\n"
             "json.dump({'shop.tests.ItemTest.test_one': 'pass'}, open(os.environ['NFF_OUTCOMES_FILE'], 'w'))\n")


class TinyLab:
    """The parts of chaos.lab.Lab that a signal run uses, with a tiny process for nosetests."""

    start = Lab.start
    finish = staticmethod(Lab.finish)

    def __init__(self, folder):
        self.logs = self.sample = folder

    def scratch_file(self, name):
        path = self.logs / name
        path.write_text("")
        return str(path)

    def nose_argv(self, args=()):
        return [sys.executable, "-c", QUICK_RUN]


def campaign(tmp_path=None, backend="sqlite"):
    made = object.__new__(Campaign)
    made.lab, made.backend, made.env, made.labels, made.references = TinyLab(tmp_path), backend, {}, [], {}
    made.oracle = Run([], 0, "", "", 1.0, outcomes=OUTCOMES)
    return made


def test_a_run_that_ended_before_its_moment_is_judged_on_its_outcomes(tmp_path):
    # Its outcomes were never read: every test counted "missing" (make chaos, MariaDB).
    run, phase = campaign(tmp_path).send_at(Moment("tests", 0, 0.0), signal.SIGINT)
    assert phase is None and run.returncode == 0
    assert run.outcomes == OUTCOMES


def interrupted(phase, returncode, outcomes):
    case = Case("interrupts", "sqlite", "interrupt 1", phase=phase)
    campaign().check_interrupted(case, Run([], returncode, "", "", 1.0, outcomes=outcomes))
    return case.problems


def test_a_ctrl_c_after_the_last_teardown_may_leave_a_complete_run():
    # It came when the run had reported and cleaned up: exit 0 with every outcome is right
    # (make chaos, "fell in exit": PostgreSQL, SQLite file).
    assert interrupted(EXIT, 0, OUTCOMES) == []
    assert interrupted(EXIT, 130, {}) == []
    assert interrupted(EXIT, 0, {})[0].startswith("a run Ctrl-C reached after its teardown: 1 outcome(s) differ")
    assert interrupted("teardown", 0, OUTCOMES) == ["the interrupted run exited 0"]


def test_a_part_traces_only_the_reference_runs_an_earlier_part_did_not_make(tmp_path):
    # A kills part of 0 cases traces a warm reference only; interrupts after it aim at cold phases too.
    from chaos import kills

    class Stop(Exception):
        pass

    def stop(*args):
        raise Stop  # what follows needs real runs

    made = campaign(tmp_path)
    made.references = {"warm": object()}
    prepared = []

    def prepare(kinds):
        prepared.append(kinds)
        stop()

    made.prepare = prepare
    try:
        kills.run_part(made, "interrupts", 20, 2012, lambda line: None)
    except Stop:
        pass
    assert prepared == [("cold",)]
    prepared.clear()
    made.references = {"cold": object(), "warm": object()}
    made.signal_run = stop
    try:
        kills.run_part(made, "interrupts", 20, 2012, lambda line: None)
    except Stop:
        pass
    assert prepared == []
