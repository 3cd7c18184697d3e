"""Backends for the project's tests: every reachable one; under CI=true, all of them."""

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
