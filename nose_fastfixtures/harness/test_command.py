"""nose under ``manage.py test``: ``NOSE_PLUGINS``, nose's options in Django's parser, checks, the run.

Glue for nose_fastfixtures.runner: nose's option parser is built here once per use,
with the plugins nose finds and those ``settings.NOSE_PLUGINS`` names, so that
``manage.py test --help`` lists them, and ``NOSE_ARGS`` is checked by the same
option checks as a ``nosetests`` command line (one line, exit status 2).
"""

import argparse
import importlib
import optparse
import os

import nose.core
from nose.config import Config
from nose.plugins import Plugin

from nose_fastfixtures.errors import ConfigError, UsageError, exit_with

OWN_PACKAGE = "nose_fastfixtures"


def plugins_from_settings(paths):
    """Instances of the plugin classes ``settings.NOSE_PLUGINS`` names (dotted paths), as
    django-nose made them; a bad entry is one line naming the setting."""
    if isinstance(paths, str) or not all(isinstance(path, str) for path in paths):
        raise ConfigError(f"settings.NOSE_PLUGINS must be a list of dotted class paths, not {paths!r}")
    plugins = []
    for path in paths:
        module_name, _, class_name = path.rpartition(".")
        if not module_name:
            raise ConfigError(f"settings.NOSE_PLUGINS: {path!r} is not a dotted path to a nose plugin class")
        try:
            plugin_class = getattr(importlib.import_module(module_name), class_name)
        except ImportError as error:
            raise ConfigError(f"settings.NOSE_PLUGINS: cannot import {module_name!r} for {path!r}: {error}") from error
        except AttributeError:
            raise ConfigError(f"settings.NOSE_PLUGINS: module {module_name!r} has no {class_name!r}") from None
        plugins.append(plugin_class())
    return plugins


def args_from_settings(value):
    """``settings.NOSE_ARGS`` as a list of strings (a string alone would be split into characters)."""
    if isinstance(value, str) or not all(isinstance(arg, str) for arg in value):
        raise ConfigError(f"settings.NOSE_ARGS must be a list of strings, not {value!r}")
    return list(value)


class _OwnedOptionsConfig(Config):
    """nose's Config, noting which plugin added each option (for --help's groups)."""

    def pluginOpts(self, parser):
        self.owners = {}
        for plugin in self.plugins:
            before = len(parser.option_list)
            plugin.addOptions(parser, self.env)  # as nose's manager calls it (a conflict disables the plugin)
            for option in parser.option_list[before:]:
                self.owners[option] = plugin


def nose_parser(extra_plugins=(), env=None):
    """(nose's option parser with every plugin's options, {option: plugin that added it})."""
    manager = nose.core.DefaultPluginManager()
    manager.addPlugins(extraplugins=list(extra_plugins))
    config = _OwnedOptionsConfig(env=os.environ if env is None else env, files=[], plugins=manager)
    parser = config.getParser()
    return parser, config.owners


def check_args(args, place, extra_plugins=()):
    """Parse *args* with nose's parser as a command line is: a bad option or value is a
    UsageError saying *place* (``settings.NOSE_ARGS``) and what optparse said."""
    parser, _ = nose_parser(extra_plugins)

    def error(message):
        raise UsageError(f"{place}: {message}")

    parser.error = error
    parser.parse_args(list(args))


class ToNose(argparse.Action):
    """A nose option in Django's parser: kept as typed, in order, for nose to read again."""

    def __call__(self, parser, namespace, values, option_string=None):
        tokens = list(getattr(namespace, self.dest, None) or [])
        if self.nargs == 0:
            tokens.append(option_string)
        elif option_string.startswith("--"):
            tokens.append(f"{option_string}={values}")
        else:
            tokens += [option_string, values]
        setattr(namespace, self.dest, tokens)


def add_to_django_parser(parser, dest, extra_plugins=()):
    """Every nose option whose spelling Django's parser leaves free, in two groups (ours,
    then nose's and other plugins'); given ones reach the runner as ``dest``."""
    nose_options, owners = nose_parser(extra_plugins)
    taken = set(parser._option_string_actions)  # Django's own spellings keep Django's meaning
    ours = parser.add_argument_group("nose_fastfixtures (nose plugins; also in NOSE_ARGS, nose.cfg, setup.cfg)")
    others = parser.add_argument_group("nose (options of nose and its other plugins)")
    for option in nose_options.option_list:
        strings = [name for name in option._short_opts + option._long_opts if name not in taken]
        if not strings or option.dest is None:
            continue
        taken.update(strings)
        owner = owners.get(option)
        group = ours if owner is not None and type(owner).__module__.startswith(OWN_PACKAGE) else others
        group.add_argument(*strings, action=ToNose, dest=dest, default=None,
                           nargs=None if option.takes_value() else 0,
                           metavar=(option.metavar or option.dest.upper()) if option.takes_value() else None,
                           help=_help(option))


def keep_after_dashes(parser, dest):
    """Make Django's *parser* keep what follows ``--`` apart, as ``dest`` (for nose), instead
    of taking it for test labels (or refusing it after an option)."""
    parse_args = parser.parse_args

    def parse_args_keeping_the_rest(args=None, namespace=None):
        args = list(args or [])
        rest = []
        if "--" in args:
            args, rest = args[:args.index("--")], args[args.index("--") + 1:]
        options = parse_args(args, namespace)
        setattr(options, dest, rest)
        return options

    parser.parse_args = parse_args_keeping_the_rest


def one_line_errors(parser):
    """Django's parser's complaints on one line, exit status 2: its usage text, with every
    nose option in it, would bury the message. Called from code (``call_command``), Django's
    parser raises CommandError as before."""
    error = parser.error

    def error_on_one_line(message):
        if not getattr(parser, "called_from_command_line", True):
            return error(message)
        exit_with(UsageError(f"manage.py test: {message} (manage.py test --help lists the options)"))

    parser.error = error_on_one_line


def _help(option):
    if option.help == optparse.SUPPRESS_HELP:
        return argparse.SUPPRESS
    text = (option.help or "").replace("%default", str(option.default))
    return text.replace("%", "%%")  # argparse formats help texts with %


class ResultKeeper(Plugin):
    """Keeps the run's result for the runner's return value (as django-nose's ResultPlugin)."""

    name = "nose-fastfixtures-result"
    enabled = True
    score = 1
    result = None

    def options(self, parser, env):
        pass  # always on, no --with- option

    def configure(self, options, conf):
        pass

    def finalize(self, result):
        self.result = result


def run(argv, extra_plugins=()):
    """Run nose with *argv* (program name first); return the number of failures as Django
    counts them (failures, errors and unexpected successes)."""
    keeper = ResultKeeper()
    program = nose.core.TestProgram(argv=argv, exit=False, addplugins=[*extra_plugins, keeper])
    result = keeper.result
    if result is None:  # a plugin replaced nose's runner and result
        return 0 if program.success else 1
    failures = len(result.failures) + len(result.errors) + len(getattr(result, "unexpectedSuccesses", ()))
    # A nose error class that counts as a failure keeps its own list (isfail=True).
    return failures or (0 if result.wasSuccessful() else 1)
