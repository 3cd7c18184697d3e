"""The sample suite under nosetests gives exactly the outcomes of ``manage.py test``.

Django's runner runs once per backend; every set of plugins is compared with it.
"""

from collections import Counter

import pytest

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose

PLUGIN_SETS = {
    "django": [],
    "class-fixtures": ["--with-class-fixtures"],
}
_django_runs = {}


def djangos_run(backend):
    if backend not in _django_runs:
        _django_runs[backend] = run_django(env=backend_env(backend))
    return _django_runs[backend]


@pytest.mark.parametrize("plugins", PLUGIN_SETS.values(), ids=PLUGIN_SETS.keys())
def test_sample_suite_outcomes_match_djangos_runner(backend, plugins):
    django_run = djangos_run(backend)
    nose_run = run_nose(args=plugins, env=backend_env(backend))

    assert django_run.outcomes, django_run.output[-3000:]
    counts = Counter(django_run.outcomes.values())
    assert counts["pass"] > 450, counts  # the whole suite ran, not a fraction of it
    assert compare(django_run, nose_run) == [], nose_run.output[-5000:]
    assert nose_run.returncode == django_run.returncode, nose_run.output[-3000:]
