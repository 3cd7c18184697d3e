"""Suggestions: each kind found for a suite built to trigger it, and not for one that is not."""

import pytest

from nose_fastfixtures.report import suggestions as s
from nose_fastfixtures.report.analysis import Analysis, RanTest
from nose_fastfixtures.report.facts import OTHER, TESTCASE, TRANSACTION_TESTCASE, ClassFacts


def facts(name, kind=TESTCASE, fixtures=(), **more):
    files = tuple(f"app/fixtures/{label}.json" for label in fixtures)
    return ClassFacts(f"app.tests.{name}", path=f"app/tests/test_{name.lower()}.py", kind=kind,
                      fixtures=tuple(fixtures), fixture_files=files,
                      aliases=("default",) if fixtures else (), **more)


def run(classes, tests=(), class_loads=None, class_hashing=None, hashers=None):
    """An Analysis in which every class ran (1s each, 10s in all) and *tests* ran."""
    tests = list(tests) or [RanTest(f"{c.name}.test_it", 0.1, "pass") for c in classes]
    hashers = hashers or ({"pbkdf2_sha256": sum(class_hashing.values())} if class_hashing else {})
    return Analysis(wall=10.0, lanes=[0], phases=[], tests=tests, classes={c.name: 1.0 for c in classes},
                    class_loads=class_loads or {}, class_hashing=class_hashing or {}, hashers=hashers)


def kinds(found):
    return [suggestion.kind for suggestion in found]


def test_fixture_sets_differing_by_one_file_each_way():
    classes = [facts("A", fixtures=("users", "catalog")), facts("B", fixtures=("users", "catalog")),
               facts("C", fixtures=("users", "orders"))]
    (found,) = s.merge_sets(classes, run(classes))
    assert found.classes == ("app.tests.A", "app.tests.B", "app.tests.C")
    assert "users+catalog (2 classes) and users+orders (1 class) differ by one file" in found.text
    assert "loading users+catalog+orders in all 3" in found.text
    assert found.files == ("app/tests/test_a.py", "app/tests/test_b.py", "app/tests/test_c.py",
                           "app/fixtures/catalog.json", "app/fixtures/orders.json")


@pytest.mark.parametrize("other", [
    ("users",),                                  # contained: bundling stacks it as a layer
    ("users", "catalog", "orders", "reviews"),  # two files apart
    ("catalog",),                                # disjoint but for nothing shared
])
def test_sets_that_bundling_already_shares_or_that_differ_more_are_left_alone(other):
    classes = [facts("A", fixtures=("users", "catalog")), facts("B", fixtures=other)]
    assert s.merge_sets(classes, run(classes)) == []


def test_sets_in_other_databases_or_of_transactional_classes_are_not_merged():
    classes = [facts("A", fixtures=("users", "catalog")),
               facts("B", fixtures=("users", "orders")).__class__(
                   "app.tests.B", kind=TESTCASE, fixtures=("users", "orders"), aliases=("other",)),
               facts("C", kind=TRANSACTION_TESTCASE, fixtures=("users", "orders"))]
    assert s.merge_sets(classes, run(classes)) == []


def test_a_class_alone_with_a_small_fixture_set_could_use_set_up_test_data():
    classes = [facts("Alone", fixtures=("tiny",)), facts("Shared1", fixtures=("big",)),
               facts("Shared2", fixtures=("big",))]
    analysis = run(classes, class_loads={"app.tests.Alone": 0.25})
    objects = {"app.tests.Alone": 3, "app.tests.Shared1": 3, "app.tests.Shared2": 3}
    (found,) = s.set_up_test_data(classes, analysis, objects)
    assert found.classes == ("app.tests.Alone",)
    assert "only class loading tiny (3 objects, 0.25s)" in found.text
    assert found.files == ("app/tests/test_alone.py", "app/fixtures/tiny.json")
    assert found.seconds == 0.25


@pytest.mark.parametrize("objects", [{}, {"app.tests.Alone": s.SMALL_FIXTURE_OBJECTS + 1}])
def test_large_or_uncounted_fixtures_stay_fixtures(objects):
    classes = [facts("Alone", fixtures=("tiny",))]
    assert s.set_up_test_data(classes, run(classes), objects) == []


def test_transactional_classes_are_not_told_to_use_set_up_test_data():
    classes = [facts("Alone", kind=TRANSACTION_TESTCASE, fixtures=("tiny",))]
    assert s.set_up_test_data(classes, run(classes), {"app.tests.Alone": 1}) == []


def test_a_transaction_test_case_that_never_wrote_could_be_a_test_case():
    classes = [facts("ReadOnly", kind=TRANSACTION_TESTCASE, fixtures=("users",)),
               facts("Writes", kind=TRANSACTION_TESTCASE), facts("Threads", kind=TRANSACTION_TESTCASE),
               facts("Live", kind=TRANSACTION_TESTCASE, needs_commits="a live server"),
               facts("Failing", kind=TRANSACTION_TESTCASE), facts("Plain", kind=TESTCASE)]
    tests = [RanTest("app.tests.ReadOnly.test_a", 0.1, "pass"),
             RanTest("app.tests.ReadOnly.test_b", 0.1, "pass"),
             RanTest("app.tests.Writes.test_a", 0.1, "pass"),
             RanTest("app.tests.Writes.test_b", 0.1, "pass", wrote=True),
             RanTest("app.tests.Threads.test_a", 0.1, "pass", other_thread=True),
             RanTest("app.tests.Live.test_a", 0.1, "pass"), RanTest("app.tests.Failing.test_a", 0.1, "error"),
             RanTest("app.tests.Plain.test_a", 0.1, "pass")]
    (found,) = s.never_commits(classes, run(classes, tests))
    assert found.classes == ("app.tests.ReadOnly",)
    assert "whose 2 tests never wrote to a database" in found.text
    assert found.files == ("app/tests/test_readonly.py",)


def test_password_hashing_names_the_classes_that_hash_most():
    classes = [facts("Logins", kind=OTHER), facts("Signup", kind=OTHER)]
    analysis = run(classes, class_hashing={"app.tests.Signup": 0.1, "app.tests.Logins": 0.6})
    (found,) = s.hashing(classes, analysis, fast_hasher_option="--fast-password-hasher")
    assert found.text.startswith("password hashing (pbkdf2_sha256) took 0.70s in 2 classes "
                                 "(most in app.tests.Logins, ")
    assert "--fast-password-hasher would" in found.text
    assert found.files == ("app/tests/test_logins.py", "app/tests/test_signup.py")
    (without_option,) = s.hashing(classes, analysis)
    assert "MD5PasswordHasher" in without_option.text


@pytest.mark.parametrize("seconds, hashers", [
    (s.HASHING_MIN_SECONDS / 2, None),        # little
    (0.099, None),                            # less than 1% of the run's 10s
    (5.0, {"md5": 4.0, "unsalted_sha1": 1.0}),  # already a fast hasher
])
def test_a_little_or_fast_hashing_is_not_worth_a_suggestion(seconds, hashers):
    analysis = run([facts("Logins")], class_hashing={"app.tests.Logins": seconds}, hashers=hashers)
    assert s.hashing([facts("Logins")], analysis) == []


def test_tests_that_slept_or_waited_on_the_network_are_named_by_class():
    classes = [facts("Polls", kind=OTHER), facts("Quick", kind=OTHER)]
    tests = [RanTest("app.tests.Polls.test_retry", 1, "pass", sleeping=0.5),
             RanTest("app.tests.Polls.test_fetch", 1, "pass", network=0.2),
             RanTest("app.tests.Quick.test_a", 1, "pass", sleeping=0.01, network=0.01)]
    (found,) = s.waiting(classes, run(classes, tests))
    assert found.text.startswith("app.tests.Polls: test_retry, test_fetch slept 0.50s and waited 0.20s "
                                 "on the network")
    assert found.files == ("app/tests/test_polls.py",)


def test_a_suite_with_nothing_to_change_gets_no_suggestion():
    classes = [facts("A", fixtures=("users", "catalog")), facts("B", fixtures=("users", "catalog")),
               facts("Flush", kind=TRANSACTION_TESTCASE), facts("Plain", kind=OTHER)]
    tests = [RanTest("app.tests.A.test", 0.1, "pass"), RanTest("app.tests.B.test", 0.1, "pass"),
             RanTest("app.tests.Flush.test", 0.1, "pass", wrote=True),
             RanTest("app.tests.Plain.test", 0.1, "pass", sleeping=0.001, hashing=0.001)]
    assert s.find(classes, run(classes, tests), objects={"app.tests.A": 3, "app.tests.B": 3}) == []


def test_find_puts_the_most_time_at_stake_first():
    classes = [facts("Polls", kind=OTHER), facts("Logins", kind=OTHER)]
    tests = [RanTest("app.tests.Polls.test_a", 1, "pass", sleeping=0.2)]
    analysis = run(classes, tests, class_hashing={"app.tests.Logins": 0.9})
    assert kinds(s.find(classes, analysis)) == [s.HASHING, s.WAITING]


def test_listed_names_a_few_then_counts():
    assert s.listed(["a", "b"]) == "a, b"
    assert s.listed("abcdefg", limit=3) == "a, b, c and 4 more"


@pytest.mark.parametrize("text, extension, count", [
    ('[{"model": "a.b", "pk": 1}, {"model": "a.b", "pk": 2}]', "json", 2),
    ("{broken", "json", None), ('{"model": "a.b"}', "json", None), ("<django-objects/>", "xml", None),
])
def test_count_fixture_objects(text, extension, count):
    assert s.count_fixture_objects(text, extension) == count


def test_a_live_servers_network_waits_are_its_purpose():
    classes = [facts("Browser", kind=TRANSACTION_TESTCASE, needs_commits="a live server")]
    tests = [RanTest("app.tests.Browser.test_page", 1, "pass", network=0.5)]
    assert s.waiting(classes, run(classes, tests)) == []


def test_sets_sharing_nothing_are_not_told_to_merge():
    classes = [facts("A", fixtures=("users",)), facts("B", fixtures=("catalog",))]
    assert s.merge_sets(classes, run(classes)) == []


def test_only_the_pairs_with_the_most_load_time_at_stake_are_kept():
    classes = [facts(f"C{index}", fixtures=("users", label)) for index, label in enumerate("abcde")]
    loads = {f"app.tests.C{index}": float(index) for index in range(5)}
    found = s.merge_sets(classes, run(classes, class_loads=loads))
    assert len(found) == s.MERGES_SHOWN
    assert [suggestion.seconds for suggestion in found] == [3.0, 2.0, 2.0]
