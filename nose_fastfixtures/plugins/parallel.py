"""``--processes=N`` and ``--shard=K/N`` under ``--with-django``: workers on cloned test databases, CI shards.

``--processes`` is nose's own option (``NOSE_PROCESSES``, ``processes = N`` in
``[nosetests]``); with ``--with-django`` this plugin runs the workers instead of nose's
multiprocess plugin, which cannot share Django's test databases. Without
``--with-django`` nose behaves as before.
"""

import multiprocessing
import os
import sys
from pathlib import Path

from nose_fastfixtures.errors import UsageError, exit_with
from nose_fastfixtures.harness import suites
from nose_fastfixtures.harness.contexts import teardown_pending_contexts
from nose_fastfixtures.harness.cache_dir import NAME as CACHE_DIR
from nose_fastfixtures.harness.options import PluginOptions
from nose_fastfixtures.planning import durations, option_values
from nose_fastfixtures.plugins.base import FastFixturesPlugin

DURATIONS_FILE = "durations.json"
PLAN_FILE_ENV = "NFF_PLAN_FILE"  # the run's units as the scheduler sees them (bench.simulate reads it)


def parse_shard(text):
    """scheduling.parse_shard; the scheduler is imported only by runs that shard or run in parallel
    (its dataclasses cost every run 1-3 ms)."""
    from nose_fastfixtures.planning import scheduling

    return scheduling.parse_shard(text)


def parse_processes(value, cpu_count):
    """nose's ``--processes`` value as a worker count: 0 or 1 serial, negative one per core."""
    try:
        count = int(value or 0)
    except (TypeError, ValueError):
        raise UsageError(f"--processes takes a whole number, not {value!r}") from None
    return cpu_count() if count < 0 else count


class ParallelPlugin(FastFixturesPlugin):
    """Run a Django suite in worker processes, one cloned test database each; or one CI shard of it."""

    name = "parallel"
    score = 900  # configured after nose's multiprocess plugin (1000), which it switches off

    def options(self, parser, env):
        """No --with-parallel: --processes (nose's option, which reports bad values on one
        line from here on) and --shard switch it on."""
        self.checked_options = PluginOptions(parser, env)
        self.checked_options.claim("processes")
        self.checked_options.add(
            "--shard", "shard", option_values.checked_by(parse_shard), "NOSE_SHARD", metavar="K/N",
            help="with --with-django: run only the K-th of N parts of the suite, balanced by measured "
                 "time, the same on every machine (a CI matrix) [NOSE_SHARD]")

    def configure(self, options, conf):
        from nose_fastfixtures.plugins.django_plugin import wants_django

        self.checked_options.report_errors()
        self.conf = conf
        self.enabled = False
        if not wants_django(options):
            return
        try:
            self.processes = parse_processes(getattr(options, "multiprocess_workers", 0),
                                             multiprocessing.cpu_count)
            self.shard = parse_shard(options.shard) if options.shard else None
        except ValueError as error:
            exit_with(UsageError(str(error)))
        except UsageError as error:
            exit_with(error)
        # Ours runs the workers under --with-django: nose's multiprocess plugin is kept off,
        # whichever of the two nose configures first.
        options.multiprocess_workers = 0
        multiprocess = self._plugin(conf, "multiprocess")
        if multiprocess is not None:
            multiprocess.enabled = False
        if getattr(options, "collect_only", False):
            self.processes = 1
        if self.processes > 1:
            self._check_can_fork(options)
        self.enabled = self.processes > 1 or self.shard is not None or bool(os.environ.get(PLAN_FILE_ENV))

    @staticmethod
    def _plugin(conf, name):
        return next((p for p in conf.plugins.plugins if getattr(p, "name", None) == name), None)

    def _check_can_fork(self, options):
        if getattr(options, "debugBoth", False) or getattr(options, "debugErrors", False) \
                or getattr(options, "debugFailures", False):
            exit_with(UsageError("you cannot use --pdb with parallel tests; pass --processes=1 to use it"))
        if "fork" not in multiprocessing.get_all_start_methods():
            exit_with(UsageError("--processes needs fork(), which this platform lacks; "
                                 "pass --processes=1"))

    def begin(self):
        django = self._plugin(self.conf, "django")
        if os.environ.get(PLAN_FILE_ENV):
            django.selection_hooks.insert(0, self.write_plan)
        if self.shard is not None:
            django.selection_hooks.append(self.select_shard)
        if self.processes > 1:
            django.run_hook = self.run_in_parallel

    # -- planning
    def _items(self, units, parts):
        """The scheduler's items for *units*, with a package group longer than a fair share of
        *parts* replaced by its own units (each worker or shard then runs the package's fixtures)."""
        from nose_fastfixtures.parallel import units as describing
        from nose_fastfixtures.plugins.django_plugin import unit_kind

        bundling = self._plugin(self.conf, "fixture-bundling")
        layers_for = getattr(bundling, "layers_for", {}) if bundling else {}

        def described(some_units):
            return describing.describe(some_units, unit_kind, layers_for)

        items = described(units)
        estimator = self._estimator(items)
        for item in items:
            if describing.is_package_group(item.key):
                classes = describing.class_names(item.key)
                estimator.classes.setdefault(item.name, sum(
                    estimator.classes.get(name, tests * estimator.per_test) for name, tests in classes.items()))
        share = sum(estimator.item(item) for item in items) / max(parts, 1)

        def expanded(some_items):
            for item in some_items:
                if parts > 1 and describing.is_package_group(item.key) and estimator.item(item) > share:
                    yield from expanded(described(suites.children(item.key)))
                else:
                    yield item

        return list(expanded(items)), estimator

    def _estimator(self, items):
        path = Path(self.conf.workingDir or os.getcwd()) / CACHE_DIR / DURATIONS_FILE
        from nose_fastfixtures.planning import scheduling

        measured = durations.load(path, warn=lambda message: sys.stderr.write(f"nose_fastfixtures: {message}\n"))
        return scheduling.Estimator.from_durations(items, measured.classes, measured.layers)

    def write_plan(self, units):
        """Write the run's units (packages with nose fixtures with their own inside) as JSON."""
        import json

        from nose_fastfixtures.parallel import units as describing
        from nose_fastfixtures.plugins.django_plugin import unit_kind

        bundling = self._plugin(self.conf, "fixture-bundling")
        layers_for = getattr(bundling, "layers_for", {}) if bundling else {}

        def tree(some_units):
            return [{"name": item.name, "kind": item.kind, "tests": item.tests, "bundle": item.bundle,
                     "layers": list(item.layers),
                     "children": tree(suites.children(item.key)) if describing.is_package_group(item.key) else []}
                    for item in describing.describe(some_units, unit_kind, layers_for)]

        with open(os.environ[PLAN_FILE_ENV], "w") as stream:
            json.dump({"format": 1, "items": tree(units)}, stream, indent=1)
        return units

    def select_shard(self, units):
        """The Django plugin's selection hook: keep this shard's units, in their order."""
        from nose_fastfixtures.planning import scheduling

        index, count = self.shard
        items, estimator = self._items(units, count)
        chosen = scheduling.shard(items, estimator, index, count)
        if self.conf.verbosity >= 1:
            tests = sum(item.tests for item in chosen)
            sys.stderr.write(f"shard {index}/{count}: {tests} of {sum(item.tests for item in items)} tests\n")
        if len(items) != len(units):  # a package was split: its fixtures' teardown is due at the end
            django = self._plugin(self.conf, "django")
            django.teardown_hooks.insert(0, lambda: teardown_pending_contexts([item.key for item in chosen]))
        return [item.key for item in chosen]

    def run_in_parallel(self, units, databases):
        """The Django plugin's run hook: the suite that runs *units* in workers, or None for serial."""
        from nose_fastfixtures.parallel.engine import ParallelSuite
        from nose_fastfixtures.planning import scheduling

        items, estimator = self._items(units, self.processes)
        work_units = scheduling.plan(items, estimator, self.processes)
        count = min(self.processes, len(work_units))
        if count <= 1:
            return None
        django = self._plugin(self.conf, "django")
        databases.clone_for_workers(count)
        suite = ParallelSuite(units, work_units, count, self.conf, databases, django.teardown_hooks)
        suite.start()
        return suite
