"""The run's timeline: classes and tests measured with their outcomes; durations kept for the next run.

Always on with ``--with-django`` (it has no option of its own). It only listens, and
lists the slowest tests for ``--django-durations``.
At the end of a run that ran tests it adds their durations to
``.nose_fastfixtures/durations.json`` (scheduling and the time report read them), and
writes the whole timeline as JSON where ``NFF_TIMELINE_FILE`` says (for ``make bench``).
"""

import json
import os
import sys
from inspect import isclass

from nose.plugins import Plugin
from nose.plugins.skip import SkipTest

from nose_fastfixtures.planning import durations
from nose_fastfixtures.planning.timeline import TIMELINE

TIMELINE_FILE_ENV = "NFF_TIMELINE_FILE"
# Worst first, as unittest decides a test that failed a subtest and errored in another.
_SEVERITY = ("error", "fail", "xpass", "skip", "xfail", "pass")


def _class_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _test_id(test):
    try:
        return test.id()
    except Exception:  # a test that cannot name itself is measured under its text
        return str(test)


def durations_file_name(options):
    """``durations.json``; a CI shard keeps its own (``durations-shard-2-of-3.json``), so that
    every shard plans from the same file, and the shards' files are merged for the next run."""
    shard = getattr(options, "shard", None)
    if shard:
        index, count = (part.strip() for part in str(shard).split("/"))
        return f"durations-shard-{index}-of-{count}.json"
    return "durations.json"


class TimelinePlugin(Plugin):
    """Measure classes and tests into the run's timeline; keep the durations for the next run."""

    name = "timeline"
    # Low: its startContext/startTest run after the other plugins' (layer loads are
    # their own spans), its stopContext after per-class fixtures are removed.
    score = 10

    def options(self, parser, env):
        """No option: switched on with the Django plugin."""

    def configure(self, options, conf):
        from nose_fastfixtures.plugins.django_plugin import wants_django

        self.conf = conf
        self.enabled = wants_django(options)
        self.class_started = {}
        self.test_started = None
        self.outcome = None

    def startContext(self, context):
        if isclass(context):
            self.class_started[context] = TIMELINE.clock()

    def stopContext(self, context):
        started = self.class_started.pop(context, None)
        if started is not None:
            TIMELINE.add("class", _class_name(context), started, TIMELINE.clock())

    def startTest(self, test):
        self.test_started, self.outcome = TIMELINE.clock(), None

    def stopTest(self, test):
        if self.test_started is not None:
            TIMELINE.add("test", _test_id(test), self.test_started, TIMELINE.clock(),
                         outcome=self.outcome or "pass")
            self.test_started = None

    def prepareTestResult(self, result):
        """Outcomes as unittest names them, seen where the result records them."""
        def noting(method_name, outcome_of):
            original = getattr(result, method_name)

            def recorded(test, *args):
                self._note(outcome_of(*args))
                return original(test, *args)

            setattr(result, method_name, recorded)

        noting("addFailure", lambda err: "fail")
        noting("addError", lambda err: "skip" if isclass(err[0]) and issubclass(err[0], SkipTest) else "error")
        noting("addSkip", lambda reason: "skip")
        noting("addExpectedFailure", lambda err: "xfail")
        noting("addUnexpectedSuccess", lambda: "xpass")

    def _note(self, outcome):
        if self.outcome is None or _SEVERITY.index(outcome) < _SEVERITY.index(self.outcome):
            self.outcome = outcome

    def report(self, stream):
        """``--django-durations N``: the slowest tests, after the failures, as unittest does."""
        count = getattr(self.conf.options, "django_durations", None)
        if count is not None:
            from nose_fastfixtures.report.text import slowest_test_lines

            for line in slowest_test_lines(TIMELINE.durations().tests, count, self.conf.verbosity):
                stream.writeln(line)

    def finalize(self, result):
        measured = TIMELINE.durations()
        if measured.tests:
            self._keep_durations(measured)
        path = os.environ.get(TIMELINE_FILE_ENV)
        if path:
            TIMELINE.note_main_process()
            with open(path, "w") as stream:
                json.dump({**TIMELINE.as_json(), "totals": TIMELINE.phase_totals()}, stream)

    def _keep_durations(self, measured):
        from nose_fastfixtures.harness.cache_dir import cache_dir

        def warn(message):
            sys.stderr.write(f"nose_fastfixtures: warning: {message}\n")

        try:
            path = cache_dir(self.conf.workingDir or os.getcwd()) / durations_file_name(self.conf.options)
            durations.save(path, durations.load(path, warn).updated(measured))
        except OSError as error:  # a read-only checkout still runs its tests
            warn(f"could not keep the measured durations: {error}")
