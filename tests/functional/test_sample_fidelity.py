"""The sample suite under nosetests gives exactly the outcomes of ``manage.py test``."""

from collections import Counter

from tests.helpers.backends import backend_env
from tests.helpers.oracle import compare, run_django, run_nose


def test_sample_suite_outcomes_match_djangos_runner(backend):
    env = backend_env(backend)
    django_run = run_django(env=env)
    nose_run = run_nose(env=env)

    assert django_run.outcomes, django_run.output[-3000:]
    counts = Counter(django_run.outcomes.values())
    assert counts["pass"] > 300, counts  # the whole suite ran, not a fraction of it
    assert compare(django_run, nose_run) == [], nose_run.output[-5000:]
    assert nose_run.returncode == django_run.returncode, nose_run.output[-3000:]
