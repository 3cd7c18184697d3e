"""Concrete changes a suite could make to run faster, found by looking at one run.

Pure: each finder takes the classes' ``ClassFacts`` and the run's ``Analysis`` and
returns ``Suggestion`` objects naming the classes and files to change. The thresholds
are deliberately conservative: a suggestion that is wrong for a suite costs its
readers more than a missed one.
"""

import json
from dataclasses import dataclass
from itertools import combinations

from nose_fastfixtures.planning.durations import layer_key
from nose_fastfixtures.report.facts import LIVE_SERVER, TESTCASE, TRANSACTION_TESTCASE

# Kinds, in the order they are shown when nothing else orders them.
MERGE_SETS = "fixture sets differ by one file"
SET_UP_TEST_DATA = "fixtures that could be setUpTestData"
NEVER_COMMITS = "TransactionTestCase that never commits"
HASHING = "password hashing"
WAITING = "tests that sleep or wait on the network"
KINDS = (MERGE_SETS, SET_UP_TEST_DATA, NEVER_COMMITS, HASHING, WAITING)

WAIT_MIN_SECONDS = 0.05      # a test that slept or waited this long gets named
HASHING_MIN_SECONDS = 0.1    # hashing below this across the run is not worth a line...
HASHING_MIN_SHARE = 0.01     # ...nor below this share of the wall time
FAST_HASHERS = frozenset({"md5", "unsalted_md5", "sha1", "unsalted_sha1"})  # the test settings' usual ones
SMALL_FIXTURE_OBJECTS = 50   # setUpTestData beats loaddata for a handful of objects
LISTED = 5                   # classes, tests or files named before "and N more"
MERGES_SHOWN = 3             # pairs of fixture sets to merge, the most load time at stake first
PASSING = ("pass", "xfail")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    text: str             # one sentence saying what to change and why
    classes: tuple = ()   # the classes concerned
    files: tuple = ()     # the files to edit
    seconds: float = 0.0  # the time at stake in this run, to order suggestions


def listed(names, limit=LISTED):
    """``a, b, c`` or ``a, b, c and 4 more``."""
    names = list(names)
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def _files(classes, *extra):
    seen = dict.fromkeys([facts.path for facts in classes if facts.path] + list(extra))
    return tuple(seen)


def _ran(classes, analysis):
    return [facts for facts in classes if facts.name in analysis.classes]


def merge_sets(classes, analysis):
    """TestCase fixture sets that share all their files but one each: merged, they share a bundle.

    Only the MERGES_SHOWN pairs with the most load time at stake (the smaller of the
    two sets' load times, which merging would save) are kept: a suite with many
    overlapping sets would otherwise get every pair.
    """
    groups = {}
    for facts in _ran(classes, analysis):
        if facts.kind == TESTCASE and facts.fixtures:
            groups.setdefault(facts.fixture_set, []).append(facts)
    found = []
    for (key_a, group_a), (key_b, group_b) in combinations(sorted(groups.items(), key=_set_order), 2):
        (aliases_a, set_a), (aliases_b, set_b) = key_a, key_b
        if aliases_a != aliases_b or len(set_a - set_b) != 1 or len(set_b - set_a) != 1 or not set_a & set_b:
            continue
        only_a, only_b = next(iter(set_a - set_b)), next(iter(set_b - set_a))
        members = group_a + group_b
        merged = "+".join(list(group_a[0].fixtures) + [only_b])
        at_stake = min(_load_seconds(group_a, only_a, analysis), _load_seconds(group_b, only_b, analysis))
        text = (f"fixture sets {group_a[0].set_label} ({plural(len(group_a), 'class')}) and "
                f"{group_b[0].set_label} ({plural(len(group_b), 'class')}) differ by one file: loading "
                f"{merged} in all {len(members)} would let them share one bundle, saving about "
                f"{at_stake:.2f}s of loads (add {only_b} to {listed(f.name for f in group_a)}; add {only_a} "
                f"to {listed(f.name for f in group_b)})")
        files = _fixture_files(members, (only_a, only_b))
        found.append(Suggestion(MERGE_SETS, text, tuple(f.name for f in members), _files(members, *files),
                                at_stake))
    return sorted(found, key=lambda suggestion: -suggestion.seconds)[:MERGES_SHOWN]


def _load_seconds(group, own_label, analysis):
    """Time spent loading a set: its classes' own loads, its layer, or the layer of its own file."""
    aliases, fixtures = group[0].aliases, group[0].fixtures
    return (sum(analysis.class_loads.get(facts.name, 0.0) for facts in group)
            + analysis.layer_loads.get(layer_key(aliases, fixtures), 0.0)
            + analysis.layer_loads.get(layer_key(aliases, [own_label]), 0.0) * (len(fixtures) > 1))


def _set_key(facts):
    """A class's fixture set as the timeline names layers."""
    return layer_key(facts.aliases, facts.fixtures)


def _set_order(item):
    (aliases, fixtures), group = item
    return (aliases, sorted(fixtures))


def plural(number, noun):
    """``1 class``, ``2 classes``, ``3 tests``."""
    return f"{number} {noun}" + ("" if number == 1 else ("es" if noun.endswith("s") else "s"))


def _fixture_files(classes, labels):
    """The files of *labels* among the classes' fixture files (by file name), else the labels."""
    files = []
    for label in labels:
        matches = [path for facts in classes for path in facts.fixture_files
                   if path.rsplit("/", 1)[-1].split(".")[0] == label]
        files.extend(dict.fromkeys(matches) or [label])
    return files


def alone_with_their_fixtures(classes, analysis):
    """The TestCase classes that ran and are the only ones loading their fixture set."""
    ran = _ran(classes, analysis)
    users = {}
    for facts in ran:
        if facts.fixtures:
            users.setdefault(facts.fixture_set, []).append(facts)
    return [facts for facts in ran
            if facts.kind == TESTCASE and facts.fixtures and len(users[facts.fixture_set]) == 1]


def set_up_test_data(classes, analysis, objects=None):
    """TestCase classes alone with a small fixture set: setUpTestData would skip loaddata.

    Bundling shares a set between the classes that use it; a set used by one class
    alone is loaded for it every run, file search and deserialization included, where
    ``setUpTestData`` would create its few objects directly. *objects* maps a class
    name to the number of objects in its fixture files (None: unknown, not suggested).
    """
    objects = objects or {}
    found = []
    for facts in alone_with_their_fixtures(classes, analysis):
        count = objects.get(facts.name)
        if count is None or count > SMALL_FIXTURE_OBJECTS:
            continue
        seconds = analysis.class_loads.get(facts.name, 0.0) + analysis.layer_loads.get(_set_key(facts), 0.0)
        where = "its setUpTestData" if facts.own_test_data else "a setUpTestData classmethod"
        took = f", {seconds:.2f}s" if seconds >= 0.005 else ""
        text = (f"{facts.name} is the only class loading {facts.set_label} ({plural(count, 'object')}{took}): "
                f"creating {'it' if count == 1 else 'them'} in {where} would skip loaddata's file search "
                f"and deserialization")
        found.append(Suggestion(SET_UP_TEST_DATA, text, (facts.name,),
                                _files([facts], *facts.fixture_files), seconds))
    return found


def never_commits(classes, analysis):
    """TransactionTestCase classes whose passing tests wrote nothing: a TestCase would do.

    A TestCase runs each test in a transaction rolled back at its end; a
    TransactionTestCase flushes every table after each test. Tests that never wrote
    (outside their fixtures) had nothing to commit. Not suggested when another thread
    queried the database (it would not see a TestCase's uncommitted rows), when a test
    did not pass (it may not have reached its writes) or when the class needs commits
    for another reason (a live server, serialized_rollback...).
    """
    by_class = {}
    for test in analysis.tests:
        by_class.setdefault(test.class_name, []).append(test)
    found = []
    for facts in _ran(classes, analysis):
        tests = by_class.get(facts.name, [])
        if (facts.kind != TRANSACTION_TESTCASE or facts.needs_commits or not tests
                or any(t.outcome not in PASSING or t.wrote or t.other_thread for t in tests)):
            continue
        seconds = analysis.classes.get(facts.name, 0.0)
        text = (f"{facts.name} is a TransactionTestCase whose {plural(len(tests), 'test')} never wrote to a "
                f"database, so never committed: as a TestCase it would skip the flush after each test "
                f"({seconds:.2f}s in this run)")
        found.append(Suggestion(NEVER_COMMITS, text, (facts.name,), _files([facts]), seconds))
    return found


def hashing(classes, analysis, fast_hasher_option=None):
    """Time spent hashing passwords (set-up and tests), with the classes that spent most of it.

    Not suggested when it is a small share of the run, or when every hash was made
    by a fast algorithm already (MD5, SHA1: the usual test settings).
    """
    seconds_by_class = {name: seconds for name, seconds in analysis.class_hashing.items() if seconds > 0}
    total = sum(seconds_by_class.values())
    slow = sorted(name for name in analysis.hashers if name not in FAST_HASHERS)
    if total < max(HASHING_MIN_SECONDS, HASHING_MIN_SHARE * analysis.wall) or not slow:
        return []
    ranked = [name for name, _ in sorted(seconds_by_class.items(), key=lambda pair: -pair[1])]
    if fast_hasher_option:
        fix = f"{fast_hasher_option} would make it close to nothing"
    else:
        fix = ("a fast hasher in the test settings (PASSWORD_HASHERS = "
               "['django.contrib.auth.hashers.MD5PasswordHasher']) would make it close to nothing")
    text = (f"password hashing ({', '.join(slow)}) took {total:.2f}s in {plural(len(ranked), 'class')} "
            f"(most in {listed(ranked, 3)}): {fix}")
    facts_by_name = {facts.name: facts for facts in classes}
    named = [facts_by_name[name] for name in ranked if name in facts_by_name]
    return [Suggestion(HASHING, text, tuple(ranked), _files(named), total)]


def waiting(classes, analysis):
    """Tests that slept or waited on the network, one suggestion per class.

    A live server's tests are left out: talking to it over the network is what they test.
    """
    facts_by_name = {facts.name: facts for facts in classes}
    by_class = {}
    for test in analysis.tests:
        facts = facts_by_name.get(test.class_name)
        live = facts is not None and facts.needs_commits == LIVE_SERVER
        if test.sleeping + test.network >= WAIT_MIN_SECONDS and not live:
            by_class.setdefault(test.class_name, []).append(test)
    found = []
    for name, tests in by_class.items():
        slept, network = sum(t.sleeping for t in tests), sum(t.network for t in tests)
        what = " and ".join(part for part in (
            f"slept {slept:.2f}s" if slept >= WAIT_MIN_SECONDS else "",
            f"waited {network:.2f}s on the network" if network >= WAIT_MIN_SECONDS else "") if part)
        what = what or f"slept or waited {slept + network:.2f}s"
        tests_named = listed(t.name.rsplit(".", 1)[-1] for t in tests)
        text = (f"{name}: {tests_named} {what}; a fake clock (mock time.sleep) or a fake server "
                f"would remove the wait")
        facts = facts_by_name.get(name)
        found.append(Suggestion(WAITING, text, (name,), _files([facts] if facts else []), slept + network))
    return found


def find(classes, analysis, objects=None, fast_hasher_option=None):
    """Every suggestion for the run, the most time at stake first."""
    found = (merge_sets(classes, analysis) + set_up_test_data(classes, analysis, objects)
             + never_commits(classes, analysis) + hashing(classes, analysis, fast_hasher_option)
             + waiting(classes, analysis))
    return sorted(found, key=lambda s: (-s.seconds, KINDS.index(s.kind), s.text))


def count_fixture_objects(text, extension):
    """The number of objects in a fixture file's *text*; None when it cannot tell (XML, YAML...)."""
    if extension != "json":
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return len(data) if isinstance(data, list) else None
