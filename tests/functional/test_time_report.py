"""``--with-time-report`` from the outside: its numbers for known phases, each suggestion, the page."""

import os
import re

import pytest

from tests.helpers import browser
from tests.helpers.backends import backend_env
from tests.helpers.oracle import run_nose
from tests.helpers.projects import item_fixture, make_project


def items(*pks):
    return item_fixture(pks)


FIXTURES = {"base.json": items(1, 2), "catalog.json": items(3), "orders.json": items(4),
            "tiny.json": items(5)}

# A hasher as slow as a real one, and no slower (Django 5.2's default is 1,000,000 iterations).
HASHERS = '''
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickerPBKDF2(PBKDF2PasswordHasher):
    iterations = 400_000
'''
SETTINGS = '\nPASSWORD_HASHERS = ["shop.hashers.QuickerPBKDF2"]\n'

# Two TestCase classes sharing a fixture set: nothing to suggest for them.
SHARED = '''
    from django.test import SimpleTestCase, TestCase, TransactionTestCase

    from shop.models import Item


    class CatalogA(TestCase):
        fixtures = ["base", "catalog"]

        def test_three(self):
            self.assertEqual(Item.objects.count(), 3)


    class CatalogB(TestCase):
        fixtures = ["base", "catalog"]

        def test_three(self):
            self.assertEqual(Item.objects.count(), 3)
'''

TRIGGERS = SHARED + '''
    import socket
    import threading
    import time

    from django.contrib.auth.hashers import check_password, make_password


    class Orders(TestCase):
        fixtures = ["base", "orders"]

        def test_three(self):
            self.assertEqual(Item.objects.count(), 3)


    class Tiny(TestCase):
        fixtures = ["tiny"]

        def test_one(self):
            self.assertEqual(Item.objects.count(), 1)


    class Passwords(TestCase):
        def test_hash_and_check(self):
            self.assertTrue(check_password("secret", make_password("secret")))


    class Sleeper(SimpleTestCase):
        def test_sleeps(self):
            time.sleep(0.3)


    class Network(SimpleTestCase):
        def test_waits_for_a_server(self):
            server = socket.create_server(("127.0.0.1", 0))
            answer = threading.Thread(target=self.answer_late, args=(server,))
            answer.start()
            with socket.create_connection(server.getsockname()) as client:
                self.assertEqual(client.recv(1), b"x")
            answer.join()
            server.close()

        @staticmethod
        def answer_late(server):
            connection, _ = server.accept()
            time.sleep(0.2)
            connection.sendall(b"x")
            connection.close()


    class AWriter(TransactionTestCase):
        def test_writes(self):
            Item.objects.create(name="new")


    class ReadOnly(TransactionTestCase):
        fixtures = ["base"]

        def test_reads(self):
            self.assertEqual(Item.objects.count(), 2)

        def test_reads_again(self):
            self.assertEqual(Item.objects.filter(name="item 1").count(), 1)
'''

CLEAN = SHARED + '''


    class Writer(TransactionTestCase):
        fixtures = ["base"]

        def test_writes(self):
            Item.objects.create(name="new")
'''


def project(tmp_path, tests):
    root = make_project(tmp_path, {"test_suite.py": tests}, fixtures=FIXTURES)
    (root / "shop" / "hashers.py").write_text(HASHERS)
    with open(root / "tinyproject" / "settings.py", "a") as settings:
        settings.write(SETTINGS)
    return root


def phase_seconds(output, label):
    match = re.search(rf"^  {re.escape(label)}\s+\d*\s+(\d+\.\d\d)s", output, re.M)
    assert match, f"no phase {label!r} in:\n{output}"
    return float(match.group(1))


def suggestions_of(output):
    """The suggestion texts, by number."""
    return re.findall(r"^  \d+\. (.*)$", output, re.M)


def find_one(suggestions, start):
    found = [text for text in suggestions if start in text]
    assert len(found) == 1, (start, suggestions)
    return found[0]


def chromium_or_skip():
    if browser.chromium() is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_numbers_and_suggestions_of_a_run_with_known_phases(tmp_path, backend):
    root = project(tmp_path, TRIGGERS)
    page = tmp_path / "page.html"
    run = run_nose(cwd=root, env=backend_env(backend), args=[
        "--with-time-report", f"--time-report-html={page}", "--with-fixture-bundling",
        "--with-class-fixtures"])
    assert run.returncode == 0, run.output
    out = run.output
    prefix = "shop.tests.test_suite."

    # Layers base+catalog, base+orders and tiny, then ReadOnly's one per-class load (AWriter
    # ran before it and left the database flushed); Django loads per class and per
    # TransactionTestCase test: 4 TestCase classes and ReadOnly's 2 tests.
    assert "loaddata calls: 4 (Django's runner: 6)" in out
    assert 0.3 <= phase_seconds(out, "sleeping") < 1.5
    assert 0.2 <= phase_seconds(out, "network") < 1.5
    assert phase_seconds(out, "password hashing") > 0.05
    assert re.search(rf"^  (0\.[3-9]\d|1\.\d\d)s  {prefix}Sleeper\.test_sleeps$", out, re.M), out
    assert f"time report page: {page}" in out

    found = suggestions_of(out)
    assert len(found) == 7, found
    hashing = find_one(found, "password hashing (pbkdf2_sha256) took")
    assert "(most in shop.tests.test_suite.Passwords)" in hashing
    assert "test_sleeps slept 0.3" in find_one(found, f"{prefix}Sleeper:")
    assert "test_waits_for_a_server waited 0.2" in find_one(found, f"{prefix}Network:")
    assert "never wrote to a database" in find_one(found, f"{prefix}ReadOnly is a TransactionTestCase")
    assert "differ by one file" in find_one(found, "fixture sets base+catalog (2 classes) and base+orders")
    assert "(3 objects" in find_one(found, f"{prefix}Orders is the only class loading base+orders")
    assert "(1 object" in find_one(found, f"{prefix}Tiny is the only class loading tiny")
    assert "files: shop/tests/test_suite.py, shop/fixtures/catalog.json, shop/fixtures/orders.json" in out
    assert page.exists()
    if backend == "sqlite":
        check_page_in_a_browser(page, lanes=1)


def check_page_in_a_browser(page, lanes):
    chromium_or_skip()
    visit = browser.open_page(page, expression=HOVER)
    assert visit.errors == [] and visit.requests == [page.resolve().as_uri()], (visit.errors, visit.requests)
    assert visit.value["lanes"] == lanes
    assert visit.value["tests"] >= 10
    assert visit.value["tip"].startswith("shop.tests.test_suite.") and "test (pass)" in visit.value["tip"]


# Counts what the page drew and hovers the first test's bar, as a user would.
HOVER = """(function () {
  var bars = document.querySelectorAll(".bar");
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var test = Array.prototype.find.call(bars, function (bar) {
    return data.spans[Number(bar.getAttribute("data-i"))][1] === "test"; });
  var box = test.getBoundingClientRect();
  test.dispatchEvent(new MouseEvent("mousemove",
                                    {bubbles: true, clientX: box.left + 1, clientY: box.top + 1}));
  return {lanes: document.querySelectorAll(".lane").length,
          tests: Array.prototype.filter.call(bars, function (bar) {
            return data.spans[Number(bar.getAttribute("data-i"))][1] === "test"; }).length,
          tip: document.getElementById("tip").textContent};
}())"""


def test_a_parallel_run_has_a_lane_per_worker_and_watches_writes_in_the_workers(tmp_path):
    root = project(tmp_path, TRIGGERS)
    page = tmp_path / "page.html"
    run = run_nose(cwd=root, env=backend_env("sqlite"), args=[
        "--time-report-html", str(page), "--processes=2", "--with-class-fixtures"])
    assert run.returncode == 0, run.output
    assert "time per phase (summed over the main process and 2 workers):" in run.output
    # Each worker's own CPU time (a forked worker counts from zero), beside the main process's.
    cpu = re.search(r"^CPU per process: main (\S+)s, worker 1 (\S+)s, worker 2 (\S+)s$", run.output, re.M)
    assert cpu and all(float(seconds) > 0 for seconds in cpu.groups()), run.output
    assert re.search(r"^  the 2 workers used \d+\.\d\d cores between them while they ran$", run.output, re.M)
    found = suggestions_of(run.output)
    assert find_one(found, "shop.tests.test_suite.ReadOnly is a TransactionTestCase")
    assert not [text for text in found if "AWriter" in text], found
    check_page_in_a_browser(page, lanes=3)


def test_a_suite_with_nothing_to_change_gets_no_suggestion(tmp_path):
    root = project(tmp_path, CLEAN)
    run = run_nose(cwd=root, env={**backend_env("sqlite"), "NOSE_WITH_TIME_REPORT": "1"})
    assert run.returncode == 0, run.output
    assert "suggestions: none" in run.output
    assert "loaddata calls: 3 (Django's runner: 3)" in run.output
    assert re.search(r"^CPU: \d+\.\d\ds in \d+\.\d\ds wall \(\d+\.\d\d of a core\)$", run.output, re.M)
    assert re.search(r"^time report made in \d+\.\d\ds$", run.output, re.M)


@pytest.mark.parametrize("args, message", [
    (["--with-time-report", "--time-report-slowest=many"],
     "option --time-report-slowest: needs a number of 0 or more, not 'many'"),
    (["--time-report-html=no-such-folder/page.html"],
     "--time-report-html='no-such-folder/page.html': there is no folder 'no-such-folder' (create it first)"),
])
def test_bad_options_are_usage_errors_before_any_test_runs(tmp_path, args, message):
    root = project(tmp_path, CLEAN)
    run = run_nose(cwd=root, args=args, env=backend_env("sqlite"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == f"nose_fastfixtures: error: {message}"
    assert not run.outcomes
