"""``TEST_RUNNER = 'nose_fastfixtures.runner.NoseTestSuiteRunner'``: ``manage.py test`` runs nose with our plugins.

django-nose's class name, so that a django-nose project switches by one word in its
settings. As django-nose did, it reads ``settings.NOSE_ARGS`` (nose arguments always
passed) and ``settings.NOSE_PLUGINS`` (dotted paths of nose plugin classes to add);
nose's options are accepted on ``manage.py test``'s command line and anything after
``--`` goes to nose. Django's own options keep Django's meaning
(planning.django_options maps them). Django is already set up by ``manage.py``: the
Django plugin (``--with-django``, always on here) uses the settings in force.
"""

import random
import sys

from django.conf import settings
from django.test.runner import DiscoverRunner

from nose_fastfixtures.errors import FastFixturesError, UsageError, exit_with
from nose_fastfixtures.harness import project_runner, test_command
from nose_fastfixtures.planning import django_options
from nose_fastfixtures.planning.timeline import TIMELINE

__all__ = ("NoseTestSuiteRunner",)

NOSE_OPTIONS = "nose_options"  # where Django's parser keeps the nose options given...
AFTER_DASHES = "nose_after_dashes"  # ...and what came after --


class NoseTestSuiteRunner(DiscoverRunner):
    """Runs ``manage.py test [labels]`` with nose and nose_fastfixtures' plugins."""

    __test__ = False  # not a test class, whatever collects this module

    @classmethod
    def add_arguments(cls, parser):
        super().add_arguments(parser)
        if "--durations" not in parser._option_string_actions:  # Django adds it on Python 3.12+
            parser.add_argument("--durations", dest="durations", type=int, default=None, metavar="N",
                                help="Show the N slowest test cases (N=0 for all).")
        try:
            test_command.add_to_django_parser(parser, NOSE_OPTIONS, _settings_plugins())
            test_command.keep_after_dashes(parser, AFTER_DASHES)
            test_command.one_line_errors(parser)
            # argparse's usage would spell out every nose option: ~60 lines before the help.
            parser.usage = "%(prog)s [options] [test_label ...] [-- nose arguments ...]"
            parser.epilog = ("Tests run under nose with nose_fastfixtures' plugins (TEST_RUNNER = "
                             "nose_fastfixtures.runner.NoseTestSuiteRunner): settings.NOSE_ARGS are always "
                             "passed to nose, settings.NOSE_PLUGINS added, and anything after -- goes to nose.")
        except FastFixturesError as error:
            exit_with(error)

    def __init__(self, **options):
        self.nose_command_line = list(options.pop(NOSE_OPTIONS, None) or [])
        self.after_dashes = list(options.pop(AFTER_DASHES, None) or [])
        self.django_options = dict(options)
        try:  # before DiscoverRunner's, which says some of it in a traceback
            django_options.refuse_unsupported(options)
        except ValueError as error:
            exit_with(UsageError(str(error)))
        super().__init__(**options)

    def run_tests(self, test_labels, extra_tests=None, **kwargs):
        """Run nose over *test_labels*; return the number of failures, as Django's runner does."""
        try:
            argv, plugins = self.nose_argv(test_labels)
        except FastFixturesError as error:
            exit_with(error)
        if self.verbosity >= 2:
            print("nosetests " + " ".join(argv[1:]))
        with project_runner.handed_over(self):  # a project's subclass of ours sets the run up itself
            failures = test_command.run(argv, plugins)
        if self.django_options.get("timing"):
            for line in django_options.timing_lines(TIMELINE.totals()):
                sys.stderr.write(line + "\n")
        return failures

    def nose_argv(self, test_labels):
        """(nose's argv, the NOSE_PLUGINS instances): NOSE_ARGS checked first."""
        nose_args = test_command.args_from_settings(getattr(settings, "NOSE_ARGS", ()))
        test_command.check_args(nose_args, "settings.NOSE_ARGS", _settings_plugins())
        seed = random.randint(0, 10**10 - 1)  # Django's range for a seed it draws
        if self.django_options.get("shuffle", False) is None:
            from nose_fastfixtures.plugins import django_plugin

            django_plugin.SHUFFLE_SEED_SOURCE = "generated"
        try:
            argv = django_options.nose_argv(self.django_options, nose_args, self.nose_command_line,
                                            self.after_dashes, test_labels, shuffle_seed=seed)
        except ValueError as error:
            raise UsageError(str(error)) from None
        return ["manage.py test", *argv], _settings_plugins()


def _settings_plugins():
    return test_command.plugins_from_settings(getattr(settings, "NOSE_PLUGINS", ()))
