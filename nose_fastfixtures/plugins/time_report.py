"""``--with-time-report``: where the run's time went, what was saved, and what the suite could change."""

import os
import sys
from pathlib import Path

from nose_fastfixtures.errors import UsageError, exit_with
from nose_fastfixtures.planning import option_values
from nose_fastfixtures.planning.timeline import TIMELINE
from nose_fastfixtures.plugins.base import FastFixturesPlugin


class TimeReportPlugin(FastFixturesPlugin):
    """At the end of the run, print time per phase, loaddata calls against Django's, the slowest
    tests, classes and fixture sets, and suggestions; optionally an HTML page with a timeline."""

    name = "time-report"
    # Its report() tears the databases down first, so that their teardown is measured:
    # after every plugin that reports on the run (they all come first, with higher scores).
    score = 50
    # Under --processes its startTest/stopTest watch writes where the tests run (its probes are
    # forked with the worker); its report() runs in the parent, over every worker's spans.
    parallel_role = "worker"

    def options(self, parser, env):
        super().options(parser, env)
        parser.add_option(
            "--time-report-html", dest="time_report_html", metavar="PATH",
            default=env.get("NOSE_TIME_REPORT_HTML"),
            help="also write the report with a timeline of the run as one self-contained HTML "
                 "page to PATH (implies --with-time-report) [NOSE_TIME_REPORT_HTML]")
        self.checked_options.add(
            "--time-report-slowest", "time_report_slowest", option_values.at_least_zero(int),
            "NOSE_TIME_REPORT_SLOWEST", default=10, metavar="N",
            help="how many of the slowest tests, classes and fixture sets to list (default 10) "
                 "[NOSE_TIME_REPORT_SLOWEST]")

    def configure(self, options, conf):
        super().configure(options, conf)
        self.html_path = options.time_report_html or None
        self.enabled = bool(self.enabled or self.html_path)
        if not self.enabled:
            return
        self.slowest = options.time_report_slowest  # checked by the option
        if self.html_path:
            self._check_writable(self.html_path)
        self.probes = None

    @staticmethod
    def _check_writable(value):
        """The page's path, checked before any test runs: a run must not end in a lost report."""
        path = Path(value)
        folder = path.parent
        if path.is_dir():
            problem = "it is a folder"
        elif not folder.is_dir():
            problem = f"there is no folder {str(folder)!r} (create it first)"
        elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            problem = "it cannot be written"
        else:
            return
        exit_with(UsageError(f"--time-report-html={value!r}: {problem}"))

    def begin(self):
        from nose_fastfixtures.harness.probes import Probes

        self.probes = Probes(TIMELINE).install()

    def startTest(self, test):
        from django.test import TestCase, TransactionTestCase

        from nose_fastfixtures.harness.suites import unwrap

        case = unwrap(test)
        transactional = isinstance(case, TransactionTestCase) and not isinstance(case, TestCase)
        self.probes.watch(case.id() if transactional else None)

    def stopTest(self, test):
        self.probes.watch(None)

    def report(self, stream):
        self._finish_databases()
        self.probes.uninstall()
        from nose_fastfixtures.harness import report_run

        started = TIMELINE.clock()
        TIMELINE.note_main_process()
        run = report_run.build(TIMELINE, self.conf.workingDir or os.getcwd(), self._fast_hasher_option())
        lines = report_run.text_lines(run, self.slowest)
        if self.html_path:
            try:
                report_run.write_html(run, self.html_path, self.slowest)
            except OSError as error:
                sys.stderr.write(f"nose_fastfixtures: warning: could not write {self.html_path}: {error}\n")
            else:
                lines.append(f"time report page: {self.html_path}")
        lines.append(f"time report made in {TIMELINE.clock() - started:.2f}s")
        stream.write("\n" + "\n".join(lines) + "\n")

    def _finish_databases(self):
        from nose_fastfixtures.plugins.django_plugin import DjangoPlugin

        for plugin in self.conf.plugins.plugins:
            if isinstance(plugin, DjangoPlugin) and plugin.enabled:
                plugin.finish_databases()

    def _fast_hasher_option(self):
        """The option to suggest for hashing: None when it is on or does not exist."""
        options = self.conf.options
        for dest in ("fast_password_hasher", "enable_plugin_fast_password_hasher"):
            if hasattr(options, dest):
                return None if getattr(options, dest) else "--fast-password-hasher"
        return None

    def finalize(self, result):
        if self.probes is not None:
            self.probes.uninstall()
