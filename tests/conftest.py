"""Backends for the project's tests: every reachable one; under CI=true, all of them.

Also where the tests are spread over pytest-xdist's workers (``make test``): see
``pytest_collection_modifyitems``.
"""

import os

import pytest

from tests.helpers.backends import BACKENDS, unavailable_reason

_reasons = {}


def _reason(backend):
    if backend not in _reasons:
        _reasons[backend] = unavailable_reason(backend)
    return _reasons[backend]


def _selected():
    wanted = os.environ.get("NFF_BACKENDS")
    return wanted.split(",") if wanted else list(BACKENDS)


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each database backend in turn; skipped (failed under CI) when it cannot be reached."""
    name = request.param
    if name not in _selected():
        pytest.skip(f"{name}: not in NFF_BACKENDS")
    reason = _reason(name)
    if reason:
        message = f"{name} backend unavailable: {reason}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (every backend is required under CI=true)")
        pytest.skip(message)
    return name


def pytest_report_header(config):
    lines = []
    for name in _selected():
        reason = _reason(name)
        lines.append(f"backend {name}: {'available' if reason is None else 'SKIPPED, ' + reason}")
    return lines


def pytest_terminal_summary(terminalreporter):
    skipped = [f"{name} ({_reasons[name]})" for name in _selected() if _reasons.get(name)]
    if skipped:
        terminalreporter.write_line("backends skipped: " + "; ".join(skipped))


# Under pytest-xdist (`make test`: -n auto --dist loadgroup, no test is in a group) each
# worker is handed the next test when it is free, in the order collected. The tests of
# these modules share one run per backend (tests/helpers/shared_runs.py): their backends
# are interleaved, slowest first, so that the first tests the workers take are the ones
# that make those runs, each for another backend, instead of one waiting for another's.
SHARED_RUN_MODULES = ("tests/functional/test_sample_fidelity.py",)
SLOWEST_FIRST = ("mysql", "postgresql", "sqlite")


def _backend_of(item):
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("backend") if callspec else None


def pytest_collection_modifyitems(config, items):
    """SHARED_RUN_MODULES' tests in their own places, backends interleaved (every worker
    collects alike); the order of every other test is left alone."""
    slots = [index for index, item in enumerate(items)
             if item.nodeid.partition("::")[0] in SHARED_RUN_MODULES and _backend_of(item) in SLOWEST_FIRST]
    seen = {}

    def turn(item):  # the k-th test of its backend, then the backend's place
        backend = _backend_of(item)
        seen[backend] = seen.get(backend, -1) + 1
        return seen[backend], SLOWEST_FIRST.index(backend)

    shared = sorted((items[index] for index in slots), key=turn)
    for index, item in zip(slots, shared):
        items[index] = item
