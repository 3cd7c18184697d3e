"""nose_fastfixtures.parallel.worker: what a worker does when its parent is gone (without PR_SET_PDEATHSIG)."""

import multiprocessing

import pytest

from nose_fastfixtures.parallel.worker import WorkerResult


def test_a_worker_whose_parent_is_gone_stops_as_on_ctrl_c():
    # Its next result finds the pipe closed: a KeyboardInterrupt, the one exception nose lets
    # through a test, so the worker stops instead of running its unit for nobody.
    mine, parents = multiprocessing.Pipe()
    parents.close()
    with pytest.raises(KeyboardInterrupt):
        WorkerResult(mine, {}).send(("begin", 0))
