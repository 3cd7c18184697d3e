"""Our plugins' options, checked wherever nose reads them: the command line, ``NOSE_*``
environment variables and ``[nosetests]`` in nose.cfg or setup.cfg.

A bad value is one line naming the place and exit status 2, before any database exists:
optparse checks command-line and config-file values with the option's check (nose
names the file), environment values are checked here and reported at ``configure``,
and the parser's own complaints about our options (``--with-django=1``) lose nose's
usage text.
"""

import optparse
import re

from nose_fastfixtures.errors import UsageError, exit_with
from nose_fastfixtures.planning import option_values

_OURS = "_nose_fastfixtures_options"


def _run_check(option, opt, value):
    try:
        return option.check(value)
    except ValueError as error:
        raise optparse.OptionValueError(f"option {opt}: {error}") from None


class CheckedOption(optparse.Option):
    """An option with ``check=`` (a function of planning.option_values); a ``store_true``
    one also takes 1/0/true/false, as nose hands config-file values to every option."""

    ATTRS = optparse.Option.ATTRS + ["check"]
    TYPES = optparse.Option.TYPES + ("checked",)
    TYPE_CHECKER = {**optparse.Option.TYPE_CHECKER, "checked": _run_check}

    def convert_value(self, opt, value):
        if self.action == "store_true":
            return value  # optparse would cut a string into a tuple of characters
        return super().convert_value(opt, value)

    def take_action(self, action, dest, opt, value, values, parser):
        if action == "store_true" and value is not None:  # `with-django = 0` in a config file
            try:
                value = option_values.switch(value)
            except ValueError as error:
                raise optparse.OptionValueError(f"option {opt}: {error}") from None
            setattr(values, dest, value)
            return 1
        return super().take_action(action, dest, opt, value, values, parser)


class PluginOptions:
    """Adds one plugin's options to nose's parser; keeps bad environment values for ``configure``."""

    def __init__(self, parser, env):
        self.parser, self.env = parser, env
        self.errors = []
        _report_ours_on_one_line(parser)

    def add(self, flag, dest, check, env_name=None, default=None, **kwargs):
        """A value option: ``check`` converts it or says what is wrong."""
        default = self._from_env(env_name, check, default)
        if default is not None:  # else an option sharing the dest keeps its default
            kwargs["default"] = default
        self._add(CheckedOption(flag, dest=dest, type="checked", check=check, **kwargs))

    def add_switch(self, flag, dest, env_name, **kwargs):
        """An on/off option: ``--flag`` alone, 1/0/true/false in the environment or a config file."""
        default = self._from_env(env_name, option_values.switch, False)
        self._add(CheckedOption(flag, action="store_true", dest=dest, default=default, **kwargs))

    def claim(self, *names):
        """Options added by nose that our plugins give a meaning (``--processes``): their
        errors are one line too."""
        getattr(self.parser, _OURS).update(names)

    def _from_env(self, env_name, check, default):
        raw = self.env.get(env_name) if env_name else None
        if raw is None or raw == "":
            return default
        try:
            return check(raw)
        except ValueError as error:
            self.errors.append(UsageError(f"environment variable {env_name}: {error}"))
            return default

    def _add(self, option):
        self.parser.add_option(option)
        getattr(self.parser, _OURS).update(opt.lstrip("-") for opt in option._long_opts)

    def report_errors(self):
        """At ``configure``: a bad environment value ends the run (one line, exit status 2)."""
        if self.errors:
            exit_with(self.errors[0])


def _report_ours_on_one_line(parser):
    if not hasattr(parser, _OURS):
        setattr(parser, _OURS, set())
        parser.error = _OneLineErrors(parser)


class _OneLineErrors:
    """The parser's ``error``: complaints about our options are one line; nose's own keep
    optparse's usage text. An object, not a closure: nose pickles the parser for workers."""

    def __init__(self, parser):
        self.parser = parser

    def __call__(self, message):
        names = getattr(self.parser, _OURS)
        ours = [name for name in re.findall(r"(?<![\w-])(?:--|')([\w-]+)", message) if name in names]
        if ours:
            if message.endswith("option does not take a value"):
                message += f"; give it alone, or '{ours[0]} = 1' in [nosetests] of nose.cfg"
            exit_with(UsageError(message))
        type(self.parser).error(self.parser, message)
