"""Which tests Django's runner selects: ``--tag``/``--exclude-tag`` (Django's ``@tag``) and ``-k``.

Pure: the caller reads a test's tags and names; the rules are Django's
(``django.test.runner.test_match_tags`` and unittest's ``-k`` patterns, which Django uses).
"""

from fnmatch import fnmatchcase


def tags_match(test_tags, tags, exclude_tags):
    """Whether a test with *test_tags* runs: one of *tags* (when any is given), none of *exclude_tags*."""
    test_tags = set(test_tags)
    if tags and test_tags.isdisjoint(tags):
        return False
    return test_tags.isdisjoint(exclude_tags)


def name_patterns(patterns):
    """``-k`` values as unittest makes them: a value without ``*`` matches as a substring."""
    return {pattern if "*" in pattern else f"*{pattern}*" for pattern in patterns}


def name_matches(full_name, patterns):
    """Whether ``module.Class.method`` matches one of *patterns* (from ``name_patterns``), case counting."""
    return any(fnmatchcase(full_name, pattern) for pattern in patterns)
