"""Unit tests of bench/stats.py and the pure parts of bench/contenders.py and bench/run.py."""

import pytest

from bench import contenders, stats
from bench.run import bench_databases, failure_note


@pytest.mark.parametrize("values, expected", [
    ([3.0, 1.0, 2.0], 2.0),
    ([4.0, 1.0, 2.0, 3.0], 2.5),
    ([None, 5.0], 5.0),
    ([], None),
    ([None], None),
])
def test_median(values, expected):
    assert stats.median(values) == expected


def test_pairwise_ratio_is_taken_round_by_round():
    # Round 2 ran on a busy machine: both sides slowed down, the ratio did not.
    assert stats.pairwise_ratio([5.0, 10.0, 5.0], [10.0, 20.0, 10.0]) == 0.5


def test_pairwise_ratio_leaves_out_failed_rounds():
    assert stats.pairwise_ratio([None, 3.0, 6.0], [10.0, 6.0, 0.0]) == 0.5
    assert stats.pairwise_ratio([], []) is None


def test_outcome_differences_name_missing_tests():
    expected = {"a.T.test_1": "pass", "a.T.test_2": "skip"}
    actual = {"a.T.test_1": "fail", "a.T.test_3": "pass"}
    assert stats.outcome_differences(expected, actual) == [
        ("a.T.test_1", "pass", "fail"),
        ("a.T.test_2", "skip", "missing"),
        ("a.T.test_3", "missing", "pass"),
    ]


@pytest.mark.parametrize("expected, actual, verdict", [
    ({"t": "pass"}, {"t": "pass"}, "same"),
    ({"t": "pass", "u": "xfail"}, {"t": "error", "u": "pass"}, "2 differ"),
    ({}, {"t": "pass"}, "-"),
    ({"t": "pass"}, {}, "-"),
])
def test_fidelity(expected, actual, verdict):
    assert stats.fidelity(expected, actual) == verdict


def test_floor_share_divides_by_processes():
    assert stats.floor_share(2.0, 10.0) == 0.2
    assert stats.floor_share(2.0, 10.0, processes=2) == 0.1
    assert stats.floor_share(None, 10.0) is None


def test_merge_counts_adds_up_and_keeps_the_worst_outcome():
    merged = stats.merge_counts([
        {"statements": 10, "fixture_loads": 1, "test_seconds": 1.5, "outcomes": {"t": "pass", "u": "skip"}},
        {"statements": 5, "fixture_objects": 7, "outcomes": {"t": "error"}},
    ])
    assert merged["statements"] == 15
    assert merged["fixture_loads"] == 1
    assert merged["fixture_objects"] == 7
    assert merged["test_seconds"] == 1.5
    assert merged["outcomes"] == {"t": "error", "u": "skip"}


def test_summarize():
    row = stats.summarize([4.0, 6.0], [8.0, 12.0],
                          {"statements": 3, "test_seconds": 1.0, "wall": 5.0, "db_setup_seconds": 1.0,
                           "fixture_seconds": 0.5}, cpu_times=[3.0, None, 4.0])
    assert row["wall"] == 5.0
    assert row["cpu"] == 3.5
    assert row["runs"] == 2
    assert row["ratio"] == 0.5
    assert row["statements"] == 3
    assert row["floor"] == 0.2
    assert row["harness"] == 1.5


def test_format_table_is_an_rst_simple_table():
    table = stats.format_table([
        {"suite": "sample", "backend": "sqlite", "contender": "django", "wall": 12.34, "ratio": 1.0,
         "statements": 71352, "floor": 0.04, "fidelity": "same", "note": ""},
        {"suite": "sample", "backend": "sqlite", "contender": "x", "fidelity": "-", "note": "exit 1: boom"},
    ])
    lines = table.splitlines()
    assert lines[0] == lines[2] == lines[-1]
    assert set(lines[0]) == {"=", " "}
    assert lines[1].split()[:3] == ["suite", "backend", "contender"]
    assert "12.3 s" in lines[3] and "1.00x" in lines[3] and "71,352" in lines[3] and "4%" in lines[3]
    assert lines[4].split()[3:5] == ["-", "-"]
    assert lines[4].endswith("exit 1: boom")


def test_failure_note_quotes_the_last_exception_line():
    output = "Traceback (most recent call last):\n  File x\nValueError: unknown action \"callback\"\n"
    assert failure_note(output, 1) == 'exit 1: ValueError: unknown action "callback"'
    assert failure_note("", 3) == "exit 3: no output"
    output = ("ERROR: test_x\norders.models.ShippingMethod.DoesNotExist: no such row\n\n"
              "FAILED (errors=1)\nPreserving test database for alias 'default'...\n")
    assert failure_note(output, 1) == "exit 1: orders.models.ShippingMethod.DoesNotExist: no such row"


def test_our_contenders_follow_the_plugins_found():
    slugs = [c.slug for c in contenders.all_contenders([]) if c.ours]
    assert slugs == ["nosetests --with-django"]
    found = contenders.all_contenders(["class-fixtures", "reuse-db"])
    ours = {c.slug: c for c in found if c.ours}
    assert list(ours) == ["nosetests --with-django", "nosetests --with-class-fixtures",
                          "nosetests --with-reuse-db", "nosetests all plugins",
                          "nosetests all + REUSE_DB=1 (warm)"]
    assert ours["nosetests all plugins"].args == ("--with-class-fixtures",)
    assert ours["nosetests all + REUSE_DB=1 (warm)"].warm
    parallel = {c.slug: c for c in contenders.all_contenders(["class-fixtures", "reuse-db", "parallel"]) if c.ours}
    assert parallel["nosetests all x2"].args == ("--with-class-fixtures", "--processes=2")
    assert parallel["nosetests all + REUSE_DB=1 x2 (warm)"].warm
    assert parallel["nosetests all + REUSE_DB=1 x2 (warm)"].processes == 2


def test_select_keeps_django_as_the_baseline():
    chosen = contenders.select(contenders.all_contenders([]), "pytest")
    assert [c.slug for c in chosen][0] == "django"
    assert all(c.slug == "django" or c.slug.startswith("pytest") for c in chosen)


def test_commands():
    suite = contenders.Suite("s", "sample", ("catalog", "orders.tests.test_checkout"))
    by_slug = {c.slug: c for c in contenders.all_contenders([])}
    assert contenders.command(by_slug["django --parallel 2"], suite, "py") == [
        "py", "manage.py", "test", "--noinput", "--parallel", "2", "catalog", "orders.tests.test_checkout"]
    assert contenders.command(by_slug["pytest-django"], suite, "py")[-2:] == [
        "catalog", "orders/tests/test_checkout.py"]
    wagtail = contenders.Suite("w", "wagtail", ("wagtail.sites",))
    assert contenders.command(by_slug["nosetests --with-django"], wagtail, "py") == [
        "py", "-m", "nose", "--with-django", "wagtail.sites"]
    assert contenders.command(by_slug["django"], wagtail, "py")[:3] == ["py", "-m", "django"]


def test_pytest_paths_take_class_and_method_labels():
    assert contenders.pytest_paths(["catalog", "orders.tests", "orders.tests.test_checkout",
                                    "orders.tests.test_checkout.PlaceOrderTest",
                                    "orders.tests.test_checkout.PlaceOrderTest.test_stock_is_taken"]) == [
        "catalog", "orders/tests", "orders/tests/test_checkout.py",
        "orders/tests/test_checkout.py::PlaceOrderTest",
        "orders/tests/test_checkout.py::PlaceOrderTest::test_stock_is_taken"]


def test_suite_env_names_bench_databases():
    assert contenders.SUITES["sample"].env("postgresql", "django --keepdb (warm)", "nffbench1a2b3c") == {
        "DB_BACKEND": "postgresql", "DB_NAME": "nffbench1a2b3c_django_keepdb_warm"}
    env = contenders.SUITES["wagtail"].env("mysql", "django", "nffbench1a2b3c")
    assert env["DATABASE_NAME"] == "nffbench1a2b3c_django"  # the settings make the test database test_<it>
    assert 'TEST"]["NAME"] = "test_" + os.environ["NFF_BENCH_DB_NAME"]' in contenders.WAGTAIL_SETTINGS_SOURCE
    assert env["DATABASE_ENGINE"] == "django.db.backends.mysql"
    assert env["DJANGO_SETTINGS_MODULE"] == contenders.WAGTAIL_SETTINGS
    assert "DATABASE_NAME" not in contenders.SUITES["wagtail"].env("sqlite", "django", "nffbench1a2b3c")


def test_a_bench_run_drops_only_its_own_databases():
    names = ["test_nffbench1a2b3c_django", "test_nffbench1a2b3c_django_archive", "test_nffbench1a2b3c_pytest_gw0",
             "test_nffbench9f8e7d_django", "test_nffbench_1a2b3c9", "test_nffbench1a2b3c", "test_sample_app",
             "nffbench1a2b3c_django"]
    assert bench_databases(names, "nffbench1a2b3c") == [
        "test_nffbench1a2b3c_django", "test_nffbench1a2b3c_django_archive", "test_nffbench1a2b3c_pytest_gw0"]


def test_database_names_fit_postgresql_and_mysql():
    # 63 characters at most on PostgreSQL: test_ + prefix + _ + slug + _archive (the longest suffix
    # here), and a worker's clone number.
    prefix = f"{contenders.DB_PREFIX}1a2b3c"
    for contender in contenders.all_contenders(list(contenders.OUR_PLUGINS)):
        name = contenders.SUITES["sample"].env("postgresql", contender.slug, prefix)["DB_NAME"]
        clone = f"_{contender.processes}" if contender.processes > 1 else ""
        assert len(f"test_{name}_archive{clone}") <= 63, contender.slug


def test_wagtail_gets_the_baseline_and_all_plugins_cold_and_warm_with_and_without_options():
    found = contenders.all_contenders(["class-fixtures", "reuse-db", "parallel"])
    assert [c.slug for c in found if "wagtail" in c.kinds] == [
        "django", "django --parallel 2", "nosetests all plugins", "nosetests all + REUSE_DB=1 (warm)",
        "all warm, fast hasher", "all warm, global test.json", "nosetests all x2",
        "nosetests all + REUSE_DB=1 x2 (warm)"]
    assert not any(c.ours for c in found if "," in c.slug)  # may change outcomes: not held to them


def test_phases_add_up_to_the_wall_time():
    from bench import stats

    ours = stats.phases_from_timeline({"startup": 1.0, "settings": 0.5, "db-setup": 2.0, "layer-load": 1.0,
                                       "class": 4.0, "restore": 0.5, "test": 3.0, "db-teardown": 0.2}, wall=9.0)
    assert ours["tests"] == 2.5 and ours["undo, restore"] == 0.5 and ours["start-up"] == 1.5
    assert ours["classes"] == 1.0
    assert abs(sum(ours.values()) - 9.0) < 1e-9
    django = stats.phases_from_counts({"setup_started": 1.0, "db_setup_seconds": 2.0, "fixture_seconds": 3.0,
                                       "flush_seconds": 1.0, "test_seconds": 4.0, "fixture_in_test_seconds": 1.0,
                                       "flush_in_test_seconds": 1.0, "teardown_seconds": 0.5}, wall=10.0)
    assert django["tests"] == 2.0 and abs(sum(django.values()) - 10.0) < 1e-9
    rows = [{"suite": "sample-full-pg", "backend": "postgresql", "contender": "django", "wall": 10.0,
             "phases": stats.median_phases([django, django])}]
    assert "fixture loads" in stats.format_phases(rows) and "3.0 s" in stats.format_phases(rows)


def test_simulate_keeps_each_names_median_over_its_rounds():
    from bench.simulate import median_durations
    from nose_fastfixtures.planning.durations import Durations

    runs = [Durations(classes={"a.A": 1.0, "a.B": 4.0}, layers={"default:x": 0.5}),
            Durations(classes={"a.A": 3.0}, layers={"default:x": 0.1}),  # a busy moment, and B not run
            Durations(classes={"a.A": 2.0, "a.B": 6.0}, layers={"default:x": 0.3})]
    assert median_durations(runs) == Durations(classes={"a.A": 2.0, "a.B": 5.0}, layers={"default:x": 0.3})


def test_workers_cores_from_a_timelines_processes():
    main = {"lane": 0, "cpu": 50.0, "start": 0.0, "end": 100.0}
    workers = [{"lane": 1, "cpu": 6.0, "start": 60.0, "end": 80.0}, {"lane": 2, "cpu": 4.0, "start": 61.0, "end": 79.0}]
    assert stats.workers_cores([main, *workers]) == 0.5  # 10 CPU seconds in the 20 s they ran
    assert stats.workers_cores([main]) is None
    assert stats.workers_cores([]) is None
