"""``--with-django``: run a Django project's tests under nose with Django's own outcomes."""

import atexit
import importlib.util
import os
import sys
import unittest
from inspect import isclass

from nose.suite import ContextSuiteFactory, LazySuite

from nose_fastfixtures.errors import FastFixturesError, exit_with
from nose_fastfixtures.harness import (
    collect_only,
    config_files,
    debug_sql,
    django_env,
    interrupts,
    loading,
    process_exit,
    project_runner,
    selection,
    suites,
)
from nose_fastfixtures.harness.clock import process_started
from nose_fastfixtures.harness.unittest_compat import (
    UnittestContextSuite,
    count_unexpected_successes,
    run_with_unittest_result,
)
from nose_fastfixtures.planning import labels, option_values, ordering
from nose_fastfixtures.planning.timeline import TIMELINE
from nose_fastfixtures.plugins.base import FastFixturesPlugin

# The other plugins of the suite that switch this one on.
NEEDS_DJANGO = ("class-fixtures", "fixture-bundling", "reuse-db", "time-report")
# Those that speed the run up: with any of them every loaddata of the run is batched.
SPEED_PLUGINS = ("class-fixtures", "fixture-bundling", "reuse-db")
# Django's test selection: (our option, its dest, manage.py test's option, what it runs).
DJANGO_SELECTION = (
    ("--django-tag", "django_tags", "--tag", "only tests with this Django @tag"),
    ("--django-exclude-tag", "django_exclude_tags", "--exclude-tag", "no test with this Django @tag"),
    ("--django-name-pattern", "django_name_patterns", "-k",
     "only test methods whose module.Class.method matches this pattern or substring"),
)


def wants_django(options):
    """Whether the run uses the Django plugin: asked for, or switched on by another plugin."""
    return bool(getattr(options, "time_report_html", None)) or any(
        getattr(options, "enable_plugin_" + name.replace("-", "_"), False) for name in ("django", *NEEDS_DJANGO))


def is_module(name):
    """Whether *name* imports as a module (its parent packages get imported to find out)."""
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:  # a parent that is not a package, or that fails to import
        return False


def test_kind(test):
    """Django's ordering group (ordering.KINDS) of one loaded test."""
    if suites.loading_failure(test):
        return "failure"
    from nose_fastfixtures.database.databases import test_kind as case_kind

    return case_kind(suites.unwrap(test))


# "generated" when manage.py test --shuffle drew the seed (runner.NoseTestSuiteRunner), as
# Django's runner says it
SHUFFLE_SEED_SOURCE = "given"


def _stop_if_interrupted():
    """A Ctrl-C that something swallowed (a test's ``except BaseException``, a driver that
    turned the interrupted call into its own error) still stops the run before the next
    class or test: nothing more starts on connections it may have left half-way."""
    if interrupts.received():
        raise KeyboardInterrupt


def _test_id(test):
    return suites.unwrap(test).id()


def _unit_name(unit):
    """What Django's shuffle orders a class by: its dotted name (a module group: the module's)."""
    context = getattr(unit, "context", None)
    if isclass(context):
        return f"{context.__module__}.{context.__qualname__}"
    if context is not None:
        return getattr(context, "__name__", str(context))
    return next((_test_id(test) for test in suites.iter_tests(unit)), "")


def _classes_in(units):
    """The test classes of *units*, in their order (groups opened)."""
    found = []
    for unit in units:
        if suites.is_group(unit):
            found += _classes_in(suites.children(unit))
        elif isclass(getattr(unit, "context", None)):
            found.append(unit.context)
    return found


def unit_kind(unit):
    return ordering.group_kind(test_kind(test) for test in suites.iter_tests(unit))


class DjangoPlugin(FastFixturesPlugin):
    """Run Django tests: settings, test databases, system checks and Django's test order."""

    name = "django"
    score = 5000  # before every plugin that needs Django set up

    def options(self, parser, env):
        super().options(parser, env)
        config_files.read_project_nose_cfg()  # every plugin of ours can be set there
        parser.add_option(
            "--django-settings", dest="django_settings", metavar="MODULE",
            default=env.get("NOSE_DJANGO_SETTINGS"),
            help="Django settings module; else django-settings in [nosetests] of "
                 "setup.cfg/nose.cfg, else DJANGO_SETTINGS_MODULE [NOSE_DJANGO_SETTINGS]",
        )
        self.checked_options.add(
            "--django-shuffle", "django_shuffle", option_values.whole_number, "NOSE_DJANGO_SHUFFLE",
            metavar="SEED",
            help="run the classes, and the tests inside each, in the order manage.py test "
                 "--shuffle SEED gives them [NOSE_DJANGO_SHUFFLE]",
        )
        self.checked_options.add(
            "--global-fixtures", "global_fixtures", option_values.fixture_names, "NOSE_GLOBAL_FIXTURES",
            metavar="NAMES",
            help="fixtures (comma-separated, as for loaddata) loaded once before the first test "
                 "and present for every test: changes what tests see [NOSE_GLOBAL_FIXTURES]",
        )
        self.selection_from_env = {}
        for flag, dest, django_flag, what in DJANGO_SELECTION:
            env_name = "NOSE_" + flag[2:].upper().replace("-", "_")
            # The environment's values when no other place gives any (a default list
            # would be appended to, and shared by every parse).
            self.selection_from_env[dest] = [value for value in env.get(env_name, "").split(",") if value]
            parser.add_option(
                flag, dest=dest, action="append", metavar=flag.rsplit("-", 1)[1].upper(),
                help=f"run {what}: the tests manage.py test {django_flag} selects; repeat for more "
                     f"[{env_name}, comma-separated]")
        self.checked_options.add(
            "--django-durations", "django_durations", option_values.at_least_zero(int), "NOSE_DJANGO_DURATIONS",
            metavar="N", help="list the N slowest tests (0: all) after the run, as manage.py test "
                              "--durations does [NOSE_DJANGO_DURATIONS]")
        self.checked_options.add_switch(
            "--django-debug-sql", "django_debug_sql", "NOSE_DJANGO_DEBUG_SQL",
            help="show the SQL a failing test ran after its traceback (as manage.py test "
                 "--debug-sql) [NOSE_DJANGO_DEBUG_SQL]")
        self.checked_options.add_switch(
            "--django-debug-mode", "django_debug_mode", "NOSE_DJANGO_DEBUG_MODE",
            help="settings.DEBUG = True for the run (as manage.py test --debug-mode) [NOSE_DJANGO_DEBUG_MODE]")
        self.checked_options.add_switch(
            "--fast-password-hasher", "fast_password_hasher", "NOSE_FAST_PASSWORD_HASHER",
            help="hash passwords with Django's fast MD5 hasher for the run (old hashes still "
                 "check); a test of the hash's algorithm may fail [NOSE_FAST_PASSWORD_HASHER]",
        )
        self.checked_options.add_switch(
            "--no-spare-connections", "no_spare_connections", "NOSE_NO_SPARE_CONNECTIONS",
            help="with a speed plugin on PostgreSQL, the connection Django opens after closing one "
                 "is kept ready ahead, one idle session more per test database; this opens it when "
                 "Django asks, for tests that must be alone on the database [NOSE_NO_SPARE_CONNECTIONS]",
        )

    def configure(self, options, conf):
        super().configure(options, conf)
        self.enabled = wants_django(options)
        if not self.enabled:
            return
        self.settings_option = options.django_settings
        self.shuffle_seed = options.django_shuffle  # a whole number or None (checked by the option)
        self.collect_only = bool(getattr(options, "collect_only", False))
        self.verbosity = conf.verbosity
        self.explicit_labels = bool(conf.testNames)
        # Test methods of unittest classes are the ones unittest (and Django) collects:
        # "test*" only, not every name nose's testMatch accepts ("create_test_user").
        conf.getTestCaseNamesCompat = True
        self.order_hooks = []     # fixture bundling plans its own order
        self.class_order = []     # the classes in Django's order (prepareTest)
        self.teardown_hooks = []  # ...and removes its layers before the databases go
        self.selection_hooks = []  # --shard keeps its part of the ordered units
        self.run_hook = None       # --processes: a suite that runs the ordered units in workers
        self.databases = None
        # Any speed plugin: every loaddata of the run in fewer statements, each fixture file
        # found and parsed once; the same result.
        self.fast_loads = any(getattr(options, "enable_plugin_" + name.replace("-", "_"), False)
                              for name in SPEED_PLUGINS)
        self.fast_hasher = bool(options.fast_password_hasher)
        self.spare_connections = self.fast_loads and not options.no_spare_connections
        self.global_labels = options.global_fixtures
        self.selection = selection.django_selection(
            *(getattr(options, dest) or self.selection_from_env[dest] for _, dest, _, _ in DJANGO_SELECTION))
        self.debug_mode = bool(options.django_debug_mode)
        self.sql_capture = debug_sql.SQLCapture() if options.django_debug_sql else None
        self.undo_at_end = []
        self.runner = None  # the project's TEST_RUNNER (or Django's DiscoverRunner), made in begin

    def begin(self):
        TIMELINE.begin_run(process_started())
        process_exit.skip_final_collection()  # the process ends 0.1-0.5 s sooner
        interrupts.install()
        self.undo_argv = django_env.argv_as_manage_py_test(sys.argv)
        try:
            with TIMELINE.span("settings"):
                if not django_env.started():  # under manage.py test it is, with its settings
                    settings = django_env.choose_settings(self.settings_option, os.environ, self._project_dirs(),
                                                          say=self._say_at_2)
                    django_env.start_django(settings, self.conf.workingDir)
                self.runner = self._make_runner()
        except FastFixturesError as error:
            exit_with(error)
        except KeyboardInterrupt:
            interrupts.leave("while Django started")
        project_runner.setup_test_environment(self.runner)
        if self.sql_capture is not None:
            self.sql_capture.begin()
        if self.fast_loads:
            from nose_fastfixtures.database import fast_load, fixture_cache

            self.undo_at_end += [fast_load.every_loaddata(), fixture_cache.install(),
                                 django_env.quick_live_server_stop()]
        if self.fast_hasher:
            self.undo_at_end.append(django_env.prefer_fast_hasher())

    def _project_dirs(self):
        """Where ./manage.py may be: the current folder, then nose's working folder (-w)."""
        return list(dict.fromkeys(filter(None, [os.getcwd(), self.conf.workingDir])))

    def _say_at_2(self, message):
        if self.verbosity >= 2:
            sys.stderr.write(f"nose_fastfixtures: {message}\n")

    def _make_runner(self):
        """The project's TEST_RUNNER, made with the options manage.py test would give it; its line, if any."""
        options = self.conf.options
        parallel = next((plugin.processes for plugin in self.conf.plugins.plugins
                         if getattr(plugin, "name", None) == "parallel" and plugin.enabled), 0)
        runner, warning = project_runner.make_runner(
            self.verbosity, failfast=getattr(options, "stopOnError", False),
            keepdb=getattr(options, "enable_plugin_reuse_db", False), parallel=parallel,
            shuffle=self.shuffle_seed, pdb=getattr(options, "debugErrors", False)
            or getattr(options, "debugFailures", False), debug_mode=self.debug_mode)
        project_runner.say(warning)
        if type(runner).__module__ != "django.test.runner":
            self._say_at_2(f"the run is set up by TEST_RUNNER {type(runner).__module__}.{type(runner).__qualname__}")
        return runner

    def prepareTestLoader(self, loader):
        self.undo_loading = loading.keep_unittest_classes_home()
        factory = ContextSuiteFactory(config=loader.config, suiteClass=UnittestContextSuite)
        loader.suiteClass = factory
        load_names = loader.loadTestsFromNames

        def loadTestsFromNames(names, module=None):
            loader.suiteClass = factory  # nose's collect-only takes it: the order needs the classes
            if not self.explicit_labels:
                return load_names(names, module)
            try:
                return loader.suiteClass([self._load_label(load_names, name, module) for name in names])
            except FastFixturesError as error:
                exit_with(error)
            except KeyboardInterrupt:
                interrupts.leave("while the tests were loading")

        loader.loadTestsFromNames = loadTestsFromNames

    def _load_label(self, load_names, label, module):
        nose_name = labels.to_nose_name(label, is_module)
        suite = suites.materialize(load_names([nose_name], module))
        labels.check_label_matched(label, [suites.loading_failure(t) for t in suites.iter_tests(suite)])
        if labels.names_one_method(nose_name):
            selection.named_by_label(suite)
        return suite

    def prepareTest(self, test):
        with TIMELINE.span("collect"):
            test = suites.merge_repeated_classes(suites.materialize(test))
            if self.selection is not None:
                suites.keep_only(test, self.selection)
            units = suites.split_into_units(test)
            if self.shuffle_seed is not None:
                sys.stderr.write(f"Using shuffle seed: {self._seed_display()}\n")  # Django's words
            units = self._order(units, self.shuffle_seed)
            # Django's order of the classes, before the order hooks move them (bundling
            # works out the sequence values each class starts from in it)
            self.class_order = _classes_in(units)
            ordered_units = self._reorder(units)
        for select in self.selection_hooks:
            ordered_units = select(ordered_units)
        ordered = LazySuite(ordered_units)
        self.tests_total = sum(1 for _ in suites.iter_tests(ordered))
        if self.collect_only:
            self._guard_databases()
            return collect_only.listed(ordered, sys.stdout)
        self._setup_databases(ordered)
        if self.run_hook is not None:
            try:
                parallel = self.run_hook(ordered_units, self.databases)
            except FastFixturesError as error:
                self._teardown()
                exit_with(error)
            if parallel is not None:
                return parallel
        self.databases.start_spares()
        return ordered

    def _order(self, units, seed=None):
        """*units* in Django's order, and the units inside each group (suites.is_group) too.

        A module or package with nose fixtures keeps its tests together, inside its
        fixtures; inside it, its classes get Django's order as the top-level units do (a
        whole run can sit inside one such package). With a shuffle *seed*, classes and the
        tests inside each class are shuffled as Django shuffles them.
        """
        for unit in units:
            if suites.is_group(unit):
                unit._tests = self._order(suites.children(unit), seed)
            else:
                suites.sort_inside(unit, key=lambda child: ordering.rank(unit_kind(child)))
                if seed is not None and isclass(getattr(unit, "context", None)):
                    unit._tests = ordering.shuffled(suites.children(unit), seed, key=_test_id)
        if seed is not None:
            units = ordering.shuffled(units, seed, key=_unit_name)
        return ordering.django_order(units, unit_kind)

    def _reorder(self, units):
        """*units* (in Django's order) as the order hooks move them, inside each group too."""
        for unit in units:
            if suites.is_group(unit):
                unit._tests = self._reorder(suites.children(unit))
        for reorder in self.order_hooks:
            units = reorder(units)
        return units

    def _setup_databases(self, suite):
        from nose_fastfixtures.database.databases import TestDatabases, databases_for

        from nose_fastfixtures.database.global_fixtures import GlobalFixtures, parse_labels

        cases = [suites.unwrap(test) for test in suites.iter_tests(suite)
                 if not suites.loading_failure(test)]
        try:
            global_fixtures = GlobalFixtures(parse_labels(self.global_labels))
        except FastFixturesError as error:
            exit_with(error)
        self.databases = TestDatabases(
            self.verbosity, reuse=bool(getattr(self.conf.options, "enable_plugin_reuse_db", False)),
            global_fixtures=global_fixtures, runner=self.runner, spare_connections=self.spare_connections)
        atexit.register(self._teardown)
        try:
            self.databases.setup(databases_for(cases, self.runner))
        except FastFixturesError as error:
            self._teardown()
            exit_with(error)

    def _guard_databases(self):
        """No test database: any query (a generator's body...) fails instead of reaching a real one."""
        from nose_fastfixtures.database.databases import TestDatabases

        self.databases = TestDatabases(self.verbosity)
        self.databases.guard_unused(set())

    # Names nose's testMatch accepts anywhere in a name ("make_test_page") are helpers
    # in Django suites: functions and plain classes are tests only by prefix, as
    # unittest and pytest decide.
    def wantClass(self, cls):
        """A model named like a test (``TestItem``) is not a test class, as for unittest.

        Nose would collect it, and transplant it into every module that imports it,
        which redefines a model outside its app.
        """
        from django.db import models

        if issubclass(cls, models.Model):
            return False
        if not issubclass(cls, unittest.TestCase) and not cls.__name__.startswith("Test"):
            return False
        return None

    def wantFunction(self, function):
        return None if function.__name__.startswith("test") else False

    def wantMethod(self, method):
        return None if method.__name__.startswith("test") else False

    def prepareTestRunner(self, runner):
        interrupts.exit_after_run(runner, lambda: getattr(self, "tests_total", 0))

    def prepareTestCase(self, test):
        if self.collect_only and not suites.loading_failure(test):
            return None  # nose's collect-only reports it as passed; a module that fails to import errs
        return run_with_unittest_result(test)

    def describeTest(self, test):
        """A unittest case with a docstring: its name, then the docstring's first line, as
        unittest's result (and so ``manage.py test``) describes it; nose gave the line alone."""
        case = suites.unwrap(test)
        if isinstance(case, unittest.TestCase):
            line = case.shortDescription()
            if line:
                return f"{case}\n{line}"
        return None

    def startContext(self, context):
        _stop_if_interrupted()

    def handleError(self, test, err):
        """After Ctrl-C an error is the interruption's doing (a driver turned the stopped
        call into its own error, a cleanup met the half-done statement): not reported, the
        run says it was interrupted and what did not run."""
        return True if interrupts.received() else None

    handleFailure = handleError

    def startTest(self, test):
        _stop_if_interrupted()
        if self.sql_capture is not None:
            self.sql_capture.start_test()

    def stopTest(self, test):
        if self.sql_capture is not None:
            self.sql_capture.stop_test()

    def formatError(self, test, err):
        return err if self.sql_capture is None else self.sql_capture.with_sql(err)

    def formatFailure(self, test, err):
        return self.formatError(test, err)

    def prepareTestResult(self, result):
        count_unexpected_successes(result)

    def _seed_display(self):
        return f"{self.shuffle_seed} ({SHUFFLE_SEED_SOURCE})"

    def finalize(self, result):
        if self.shuffle_seed is not None and not self.collect_only:
            sys.stderr.write(f"Used shuffle seed: {self._seed_display()}\n")  # after the run, as Django
        self._teardown()
        interrupts.uninstall()
        for undo in (getattr(self, "undo_loading", None), getattr(self, "undo_argv", None)):
            if undo is not None:
                undo()

    def finish_databases(self):
        """Tear the test databases down now, before finalize (the time report measures it)."""
        self._teardown()

    def _teardown(self):
        if self.databases is None:
            return
        with interrupts.shielded():
            databases, self.databases = self.databases, None
            if interrupts.received():
                interrupts.reset_connections()
            for hook in self.teardown_hooks:
                interrupts.cleanup_step(hook, "remove the fixture layers")
            interrupts.cleanup_step(databases.teardown, "tear down the test databases")
            project_runner.teardown_test_environment(self.runner)
        while self.undo_at_end:
            self.undo_at_end.pop()()
