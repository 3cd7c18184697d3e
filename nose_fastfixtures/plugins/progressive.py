"""``--with-progressive``: a progress bar, and compact tracebacks the moment a test fails."""

import _thread
import os
import sys
import time
import unittest
from contextlib import contextmanager

from nose.core import TextTestRunner
from nose.plugins import Plugin
from nose.result import TextTestResult

from nose_fastfixtures.errors import UsageError, exit_with
from nose_fastfixtures.progress import formatting, tracebacks
from nose_fastfixtures.progress import screen as screens
from nose_fastfixtures.progress.tally import PROBLEM_KINDS, Tally


def harness_dirs():
    """Directories whose frames are test machinery: unittest (mock included), nose, this
    package, Django's test runner (found without importing Django)."""
    import importlib.util
    import unittest

    import nose

    import nose_fastfixtures

    dirs = [os.path.dirname(module.__file__) for module in (unittest, nose, nose_fastfixtures)]
    django = importlib.util.find_spec("django")
    if django and django.submodule_search_locations:
        dirs.append(os.path.join(list(django.submodule_search_locations)[0], "test"))
    return dirs


def sections_of(err):
    """The chain of exceptions in *err* as tracebacks.Section tuples, oldest first."""
    import traceback

    exc_type, value, tb = err
    if not isinstance(value, BaseException):  # some plugins hand on a message, not an exception
        return [tracebacks.Section(_frames(traceback.extract_tb(tb)), [f"{exc_type.__name__}: {value}"], None)]
    chain = []  # newest first, each with the sentence that links it to the one before it
    current = traceback.TracebackException(exc_type, value, tb)
    while current is not None:
        if current.__cause__ is not None:
            older, sentence = current.__cause__, tracebacks.CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            older, sentence = current.__context__, tracebacks.CONTEXT
        else:
            older, sentence = None, None
        chain.append((current, sentence))
        current = older
    return [_section(exc)._replace(preamble=sentence) for exc, sentence in reversed(chain)]


def _frames(summaries):
    return [tracebacks.Frame(s.filename, s.lineno, s.name, s.line) for s in summaries]


def _section(exc):
    frames = _frames(exc.stack)
    if issubclass(exc.exc_type, SyntaxError) and exc.filename:
        # Python names the file with its absolute path; show it like the other frames.
        frames.append(tracebacks.Frame(exc.filename, exc.lineno or 0, "<module>", exc.text or ""))
        lines = [f"{exc.exc_type.__name__}: {exc.msg}"]
    else:
        lines = "".join(exc.format_exception_only()).rstrip("\n").split("\n")
    return tracebacks.Section(frames, lines, None)


def test_address(test):
    """nose's ``(file, module, call)`` of a test, or of the class or module a fixture failed in."""
    from nose.util import test_address as address_of

    try:
        return test.address()
    except Exception:  # no address(), or a test class whose own ``address`` attribute hides nose's
        pass
    inner = getattr(test, "test", None)
    if isinstance(inner, unittest.TestCase) and hasattr(inner, "_testMethodName"):
        return _case_address(inner)
    context = getattr(test, "context", None)
    try:
        return address_of(context) if context is not None else None
    except Exception:  # a test that cannot say where it is is still reported, by its name
        return None


def _case_address(case):
    cls = type(case)
    module = sys.modules.get(cls.__module__)
    return (getattr(module, "__file__", None), cls.__module__, f"{cls.__qualname__}.{case._testMethodName}")


def test_name(test):
    try:
        return test.id()
    except Exception:
        return str(test)


class Reporter:
    """The reporter's state: the screen, the tally, the options; fed by ProgressiveResult."""

    def __init__(self, stream, settings, started):
        self.settings = settings
        self.cwd = os.getcwd()
        self.started = started
        isatty = getattr(stream, "isatty", lambda: False)()
        term = os.environ.get("TERM")
        self.screen = screens.Screen(
            stream, smart=screens.is_smart_terminal(isatty, term),
            color=screens.use_color(settings.color, os.environ, isatty, term),
            width=lambda: _terminal_width(stream), plain_interval=settings.interval)
        self.tally = Tally()
        self.tests_started = None
        self.current = None
        self.current_started = None
        self.harness = None

    def label(self, test):
        return tracebacks.rerun_label(test_address(test), self.cwd, self.settings.absolute) or str(test)

    def test_started(self, test):
        now = time.monotonic()
        if self.tests_started is None:
            self.tests_started = now
        self.current, self.current_started = test, now
        self.show_progress(plain=False)

    def test_stopped(self, test):
        seconds = getattr(test, "parallel_seconds", None)  # measured by a worker, replayed here
        if seconds is None and self.current is test:
            seconds = time.monotonic() - self.current_started
        self.tally.finished(test, seconds)
        self.current = None
        self.show_progress()

    def tests_will_not_run(self, suite):
        """A class or module whose setup failed: its tests leave the bar's total."""
        from nose_fastfixtures.harness import suites

        skipped = sum(1 for _ in suites.iter_tests(suite))
        self.tally.total = max(self.tally.done, self.tally.total - skipped)

    def outcome(self, outcome, test, err=None):
        if outcome not in PROBLEM_KINDS:
            self.tally.record(outcome)
            return
        label = self.label(test)
        sections = sections_of(err) if err else []
        message = sections[-1].exception_lines[0] if sections and sections[-1].exception_lines else ""
        self.tally.record(outcome, label, message)
        kind = PROBLEM_KINDS[outcome]
        if self.harness is None:
            self.harness = harness_dirs()
        sections = [s._replace(frames=tracebacks.user_frames(s.frames, self.harness)) for s in sections]
        lines = tracebacks.render_failure(kind, label, sections, self.cwd, self.settings.editor,
                                          self.settings.template, self.settings.absolute)
        self.screen.write_lines(lines + [("plain", "")])
        self.show_progress(force=True)

    def show_progress(self, force=False, plain=True):
        self.screen.progress(self.bar, self.plain_line if plain else None, force=force)

    def elapsed(self):
        return time.monotonic() - self.tests_started if self.tests_started is not None else 0.0

    def bar(self, width):
        current = self.current
        name = test_name(current) if current is not None else ""
        return formatting.bar_line(self.tally.done, self.tally.total, self.elapsed(), name, width)

    def plain_line(self):
        return formatting.plain_progress_line(self.tally.done, self.tally.total, self.elapsed())

    def print_end(self, stopped, interrupted):
        """The problems in brief, the slowest tests, and why tests did not run, in blank-separated groups."""
        brief = [formatting.brief_line(kind, label, message) for kind, label, message in self.tally.problems]
        durations = [(seconds, self.label(test)) for seconds, test in
                     formatting.slowest(self.tally.durations, self.settings.durations)]
        not_run = self.tally.total - self.tally.done
        why = []
        if interrupted:
            why = [f"interrupted: {not_run} of {self.tally.total} tests did not run"]
        elif stopped and not_run:
            why = [f"stopped at the first problem: {not_run} of {self.tally.total} tests did not run"]
        lines = []
        for group in (brief, formatting.duration_lines(durations, self.settings.durations), why):
            if group:
                lines += [("plain", "")] if lines else []
                lines += [("warning" if group is why else "plain", line) for line in group]
        if lines and not brief:
            lines.insert(0, ("plain", ""))  # each failure printed during the run already ends with one
        self.screen.write_lines(lines)

    def print_summary(self):
        outcomes = self.tally.outcomes
        note = formatting.recount_note(outcomes["xfail"], outcomes["xpass"])
        counts = self.tally.counts
        style = "failed" if counts["failed"] or counts["errors"] else "passed"
        line = formatting.summary_line(counts, time.monotonic() - self.started)
        self.screen.write_lines(([("plain", note)] if note else []) + [(style, line)])


def _terminal_width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 80


class ProgressiveResult(TextTestResult):
    """nose's result with its dots and reports silenced; every event goes to the Reporter."""

    def __init__(self, stream, descriptions, verbosity, config, reporter, plugin_stream):
        super().__init__(stream, descriptions, verbosity, config)
        self.showAll = self.dots = False
        self.reporter = reporter
        self.plugin_stream = plugin_stream
        self.interrupted = False

    def startTest(self, test):
        super().startTest(test)
        self.reporter.test_started(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.reporter.test_stopped(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.reporter.outcome("pass", test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.reporter.outcome("fail", test, err)

    def addError(self, test, err):
        super().addError(test, err)
        if getattr(test, "error_context", None) == "setup":
            self.reporter.tests_will_not_run(test)
        self.reporter.outcome(self._error_outcome(err[0]), test, err)

    def _error_outcome(self, exc_type):
        # nose's error classes (SkipTest, DeprecatedTest...): counted as skips unless they fail the run.
        for cls, (_storage, _label, isfail) in self.errorClasses.items():
            if isinstance(exc_type, type) and issubclass(exc_type, cls):
                return "error" if isfail else "skip"
        return "error"

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.reporter.outcome("skip", test)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.reporter.outcome("xfail", test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.reporter.outcome("xpass", test)

    def printErrors(self):
        self.reporter.print_end(stopped=self.shouldStop, interrupted=self.interrupted)
        self.config.plugins.report(self.plugin_stream)

    def printSummary(self, start, stop):
        self.reporter.print_summary()


@contextmanager
def bar_cleared_for_breakpoints(screen):
    """``breakpoint()`` takes the bar away before the debugger prints its prompt."""
    original = sys.breakpointhook

    def breakpointhook(*args, **kwargs):
        screen.clear(pause=True)
        return original(*args, **kwargs)

    sys.breakpointhook = breakpointhook
    try:
        yield
    finally:
        if sys.breakpointhook is breakpointhook:
            sys.breakpointhook = original


@contextmanager
def others_output_kept_apart(screen):
    """While tests run under the bar: what they print, warn or log goes on lines of its own.

    ``sys.stdout``, ``sys.stderr`` (which ``print`` and ``warnings`` look up at each
    call) and logging handlers already bound to either (Django's console handler) get
    a ClearingStream for the time of the run; nose's output capture still replaces
    ``sys.stdout`` around each test, and puts this one back.
    """
    if not screen.smart:
        yield
        return
    originals = {"stdout": sys.stdout, "stderr": sys.stderr}
    apart = {name: screens.ClearingStream(stream, screen) for name, stream in originals.items()}
    handlers = [(handler, apart[name]) for handler in _stream_handlers()
                for name, stream in originals.items() if handler.stream is stream]
    sys.stdout, sys.stderr = apart["stdout"], apart["stderr"]
    for handler, stream in handlers:
        handler.setStream(stream)
    try:
        yield
    finally:
        for name, stream in originals.items():
            if getattr(sys, name) is apart[name]:
                setattr(sys, name, stream)
        for handler, stream in handlers:
            if handler.stream is stream:
                handler.setStream(stream._stream)


def _stream_handlers():
    import logging

    loggers = [logging.getLogger()] + [logger for logger in logging.Logger.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger)]
    return {handler for logger in loggers for handler in logger.handlers
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)}


def count_tests(test):
    """Load every test now (as Django's runner does) and count them, for the bar's total."""
    from nose.suite import FinalizingSuiteWrapper

    from nose_fastfixtures.harness import suites

    inner = test.suite if isinstance(test, FinalizingSuiteWrapper) else test
    return sum(1 for _ in suites.iter_tests(suites.materialize(inner)))


class ProgressiveRunner(TextTestRunner):
    """nose's runner, with the Reporter's output in place of dots and the final report."""

    def __init__(self, runner, settings, started):
        super().__init__(stream=runner.stream, descriptions=runner.descriptions,
                         verbosity=runner.verbosity, config=runner.config)
        self.settings = settings
        self.started = started
        self.reporter = None

    def run(self, test):
        plugins = self.config.plugins
        wrapper = plugins.prepareTest(test)
        if wrapper is not None:
            test = wrapper
        reporter = self.reporter = Reporter(self.stream, self.settings, self.started)
        reporter.tally.total = count_tests(test)
        plugin_stream = screens.ClearingStream(self.stream, reporter.screen)
        replaced = plugins.setOutputStream(plugin_stream)
        if replaced is not None and replaced is not plugin_stream:
            reporter.screen.stream = plugin_stream = replaced
        result = ProgressiveResult(self.stream, self.descriptions, self.verbosity, self.config,
                                   reporter, plugin_stream)
        main_thread = _thread.get_ident()
        reporter.screen.start_ticker(lambda: not screens.debugger_active(main_thread))
        try:
            with bar_cleared_for_breakpoints(reporter.screen), others_output_kept_apart(reporter.screen):
                test(result)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            reporter.screen.stop()
        result.printErrors()
        # Other plugins finish (Django destroys its test databases) before the summary,
        # so that the summary stays the last line.
        plugins.finalize(result)
        result.printSummary(None, None)
        return result


class Settings:
    """The reporter's options, checked once."""

    def __init__(self, options, env):
        self.editor = tracebacks.choose_editor(options.progressive_editor, env)
        self.template = options.progressive_editor_shortcut_template
        self.absolute = bool(options.progressive_absolute_paths)
        self.color = options.progressive_color
        self.durations = _number("--progressive-durations", options.progressive_durations, int)
        self.interval = _number("--progressive-interval", options.progressive_interval, float)
        if self.color not in screens.COLOR_CHOICES:
            raise UsageError(f"--progressive-color must be one of {', '.join(screens.COLOR_CHOICES)}, "
                             f"not {self.color!r}")
        try:
            tracebacks.check_template(self.template)
        except ValueError as error:
            raise UsageError(f"--progressive-editor-shortcut-template: {error}") from None


def _number(option, value, kind):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise UsageError(f"{option} needs a number of 0 or more, not {value!r}")
    return number


class ProgressivePlugin(Plugin):
    """Progress bar, failures and errors as they happen, a summary line at the end."""

    name = "progressive"
    score = 100  # its addError/addFailure clear the bar before --pdb's debugger (score 5) speaks

    def options(self, parser, env):
        super().options(parser, env)
        add = parser.add_option
        add("--progressive-editor", dest="progressive_editor", metavar="EDITOR",
            default=env.get("NOSE_PROGRESSIVE_EDITOR"),
            help="editor named in the editor lines; default $EDITOR, else vi [NOSE_PROGRESSIVE_EDITOR]")
        add("--progressive-editor-shortcut-template", dest="progressive_editor_shortcut_template",
            metavar="TEMPLATE",
            default=env.get("NOSE_PROGRESSIVE_EDITOR_SHORTCUT_TEMPLATE", tracebacks.DEFAULT_TEMPLATE),
            help="editor line of each traceback frame, with {editor} {path} {line_number} {function}; "
                 "default %r [NOSE_PROGRESSIVE_EDITOR_SHORTCUT_TEMPLATE]" % tracebacks.DEFAULT_TEMPLATE)
        add("--progressive-durations", dest="progressive_durations", metavar="N",
            default=env.get("NOSE_PROGRESSIVE_DURATIONS", "0"),
            help="list the N slowest tests at the end [NOSE_PROGRESSIVE_DURATIONS]")
        add("--progressive-color", dest="progressive_color", metavar="WHEN",
            default=env.get("NOSE_PROGRESSIVE_COLOR", "auto"),
            help="auto (NO_COLOR, FORCE_COLOR, then a terminal), always or never [NOSE_PROGRESSIVE_COLOR]")
        add("--progressive-absolute-paths", dest="progressive_absolute_paths", action="store_true",
            default=bool(env.get("NOSE_PROGRESSIVE_ABSOLUTE_PATHS")),
            help="show absolute paths instead of paths relative to the current directory "
                 "[NOSE_PROGRESSIVE_ABSOLUTE_PATHS]")
        add("--progressive-interval", dest="progressive_interval", metavar="SECONDS",
            default=env.get("NOSE_PROGRESSIVE_INTERVAL", "10"),
            help="without a terminal, a progress line at most this often [NOSE_PROGRESSIVE_INTERVAL]")

    def configure(self, options, conf):
        super().configure(options, conf)
        if not self.enabled:
            return
        try:
            self.settings = Settings(options, os.environ)
        except UsageError as error:
            exit_with(error)
        self.started = time.monotonic()
        self.runner = None

    def prepareTestRunner(self, runner):
        self.runner = ProgressiveRunner(runner, self.settings, self.started)
        return self.runner

    def _clear_bar(self):
        if self.runner is not None and self.runner.reporter is not None:
            self.runner.reporter.screen.clear(pause=True)

    def addError(self, test, err):
        self._clear_bar()

    def addFailure(self, test, err):
        self._clear_bar()
