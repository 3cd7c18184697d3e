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


class _SaysNothingFirst:
    """A real pipe end whose first poll() finds nothing: the worker had not written yet."""

    def __init__(self, connection):
        self.connection, self.polled = connection, False

    def poll(self):
        if not self.polled:
            self.polled = True
            return False
        return self.connection.poll()

    def recv(self):
        return self.connection.recv()


def _say_bye_and_exit(connection):
    connection.send(("bye",))
    connection.close()


def test_what_a_worker_sent_just_before_it_exited_is_read():
    """Found under load: a worker that said bye and exited between poll() and is_alive() was
    reported dead (exit status 0)."""
    from types import SimpleNamespace

    from nose_fastfixtures.parallel.engine import read_messages

    parents, workers = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_say_bye_and_exit, args=(workers,))
    process.start()
    workers.close()
    process.join()  # gone, its bye still in the pipe
    received = []
    assert read_messages(SimpleNamespace(connection=_SaysNothingFirst(parents), process=process),
                         received.append)
    assert received == [("bye",)]
