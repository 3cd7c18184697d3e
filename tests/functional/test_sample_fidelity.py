"""The sample suite under nosetests gives exactly the outcomes of ``manage.py test``.

Django's runner runs once per backend and session (tests/helpers/shared_runs.py); every set
of plugins is compared with it, and so is ``manage.py test`` through our TEST_RUNNER,
configured the django-nose way.
"""

from collections import Counter
from functools import partial

import pytest

from tests.helpers.backends import BACKENDS, backend_env, drop_kept_databases
from tests.helpers.oracle import SAMPLE_APP, compare, run_django, run_manage_py_test, run_nose
from tests.helpers.shared_runs import SharedRun, session_folder

SHUFFLE_SEED = 2012
PLUGIN_SETS = {
    "django": [],
    "class-fixtures": ["--with-class-fixtures"],
    "fixture-bundling": ["--with-fixture-bundling"],
    # A shuffled order gives the outcomes of `manage.py test --shuffle` with the same seed
    # (compared with that run: the sample has tests whose outcome depends on the order,
    # accounts/tests/test_group_keys.py).
    "bundling-class-fixtures-shuffled": ["--with-fixture-bundling", "--with-class-fixtures",
                                         f"--django-shuffle={SHUFFLE_SEED}"],
    # Every plugin at once, the database kept (REUSE_DB) and reused by a second run: that
    # one is `manage.py test` through our TEST_RUNNER, as a django-nose project has it
    # (tests/helpers/django_nose_settings.py: NOSE_ARGS with our plugins, REUSE_DB=1).
    "all": ["--with-class-fixtures", "--with-fixture-bundling", "--with-progressive", "--with-reuse-db"],
}


@pytest.fixture(scope="session")
def djangos_runs(tmp_path_factory):
    """Django's run over the sample suite per backend, once per session (under pytest-xdist too)."""
    folder = session_folder(tmp_path_factory)
    runs = {backend: SharedRun(folder, f"sample-suite-django-{backend}",
                               partial(run_django, env=backend_env(backend)))
            for backend in BACKENDS}
    runs.update({(backend, "shuffled"): SharedRun(folder, f"sample-suite-django-{backend}-shuffled",
                                                  partial(run_django, labels=["--shuffle", str(SHUFFLE_SEED)],
                                                          env=backend_env(backend)))
                 for backend in BACKENDS})
    return runs


@pytest.mark.parametrize("plugins", PLUGIN_SETS.values(), ids=PLUGIN_SETS.keys())
def test_sample_suite_outcomes_match_djangos_runner(backend, plugins, djangos_runs):
    reference = djangos_runs[(backend, "shuffled") if f"--django-shuffle={SHUFFLE_SEED}" in plugins else backend]
    reference.claim()  # the first test of a backend makes Django's run, before its own
    env = backend_env(backend)
    try:
        nose_runs = [run_nose(args=plugins, env=env)]
        if "--with-reuse-db" in plugins:
            warm = run_manage_py_test(args=["--settings=tests.helpers.django_nose_settings"],
                                      env={**env, "REUSE_DB": "1"})  # warm: the kept database
            assert "reuse-db: default: reused" in warm.output, warm.output[-3000:]
            assert "fixture loads:" in warm.output  # NOSE_ARGS' bundling ran
            nose_runs.append(warm)
    finally:
        if "--with-reuse-db" in plugins:
            drop_kept_databases(backend, env, SAMPLE_APP)

    django_run = reference.get()
    assert django_run.outcomes, django_run.output[-3000:]
    counts = Counter(django_run.outcomes.values())
    assert counts["pass"] > 450, counts  # the whole suite ran, not a fraction of it
    for nose_run in nose_runs:
        assert compare(django_run, nose_run) == [], nose_run.output[-5000:]
        assert nose_run.returncode == django_run.returncode, nose_run.output[-3000:]
