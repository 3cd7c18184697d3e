"""The project's ``TEST_RUNNER`` under nose: which of its hooks run, which cannot, and the line that says so.

Under ``--with-django`` the runner class named by ``settings.TEST_RUNNER`` prepares the
run as it does under ``manage.py test`` (its environment, databases and checks), while
nose collects, orders and runs the tests. The hooks that do nose's part cannot run; a
runner that overrides one of them is named in one line at the start.
"""

# The DiscoverRunner hooks whose work nose does: a runner's override of any of them is
# not called under nosetests. In DiscoverRunner's own order of use.
NOSE_OWNED_HOOKS = (
    "run_tests", "build_suite", "load_tests_for_label", "test_loader", "test_suite",
    "parallel_test_suite", "get_resultclass", "get_test_runner_kwargs", "test_runner",
    "run_suite", "suite_result",
)

# The hooks that run under nosetests, as manage.py test runs them.
HONOURED_HOOKS = (
    "__init__", "setup_test_environment", "get_databases", "setup_databases", "run_checks",
    "teardown_databases", "teardown_test_environment",
)

# Test runners that hand the run to nose (ours, django-nose's): under nosetests they are
# the run itself, so their hooks must not be called again; Django's plain hooks are used.
NOSE_RUNNER_PACKAGES = ("nose_fastfixtures", "django_nose")

DISCOVER_RUNNER = "django.test.runner.DiscoverRunner"


def is_nose_runner(module_name):
    """Whether a runner class defined in *module_name* is a nose runner (see NOSE_RUNNER_PACKAGES)."""
    return any(module_name == package or module_name.startswith(package + ".")
               for package in NOSE_RUNNER_PACKAGES)


def unused_hooks(overridden):
    """The nose-owned hooks among *overridden* (names the runner defines below DiscoverRunner), in order."""
    return [name for name in NOSE_OWNED_HOOKS if name in overridden]


def describe(names):
    """'a', 'a and b', 'a, b and c' for a message."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def unused_hooks_warning(dotted, unused):
    """The one line for a DiscoverRunner subclass whose *unused* hooks nose does instead; None if none."""
    if not unused:
        return None
    plural = len(unused) > 1
    return (f"nose_fastfixtures: TEST_RUNNER {dotted!r} overrides {describe(unused)}, which nose does "
            f"instead: {'they do' if plural else 'it does'} not run under nosetests (its __init__, "
            f"setup_test_environment, setup_databases, run_checks and teardowns do); move that work into "
            f"those hooks or a nose plugin, or run it with manage.py test")


def not_a_discover_runner_warning(dotted):
    """The one line for a TEST_RUNNER that is not a DiscoverRunner subclass: none of its hooks run."""
    return (f"nose_fastfixtures: TEST_RUNNER {dotted!r} is not a DiscoverRunner subclass: none of its "
            f"hooks run under nosetests (Django's DiscoverRunner sets the run up instead); make it a "
            f"subclass of {DISCOVER_RUNNER} that overrides {describe(HONOURED_HOOKS[1:])}, "
            f"or run it with manage.py test")


def construction_options(defaults, verbosity, failfast=False, keepdb=False, parallel=0, shuffle=None,
                         pdb=False, debug_mode=False):
    """The keyword arguments ``manage.py test`` would give the runner, for this nose run.

    *defaults*: the options of ``manage.py test`` with nothing on its command line (the
    runner's own ``add_arguments`` included). The rest are nose's equivalents: ``-v``/``-q``
    (verbosity), ``-x`` (failfast), ``REUSE_DB`` (keepdb), ``--processes`` (parallel),
    ``--django-shuffle`` (shuffle), ``--pdb``, ``--django-debug-mode``. Nose never prompts
    (interactive off, as ``--noinput``).
    """
    options = dict(defaults)
    options.pop("args", None)  # the labels: manage.py passes them to run_tests, not to the class
    options.update(verbosity=verbosity, interactive=False, failfast=bool(failfast), keepdb=bool(keepdb),
                   parallel=parallel if parallel > 1 else options.get("parallel", 0),
                   pdb=bool(pdb), debug_mode=bool(debug_mode))
    if shuffle is not None:
        options["shuffle"] = shuffle
    return options
