"""``REUSE_DB=1`` / ``--with-reuse-db``: keep the test databases between runs, rebuilt when the schema changed."""

import optparse

from nose.plugins import Plugin

from nose_fastfixtures.errors import UsageError, exit_with
from nose_fastfixtures.planning.fingerprint import parse_switch


def _check_switch(option, opt, value):
    # Also how `reuse-db = 1` in [nosetests] of nose.cfg/setup.cfg arrives.
    try:
        return parse_switch(value, "reuse-db")
    except ValueError as error:
        exit_with(UsageError(f"{error} (option --reuse-db or 'reuse-db' in [nosetests])"))


class SwitchOption(optparse.Option):
    """An option whose value is 0/1/true/false, stored as a bool."""

    TYPES = optparse.Option.TYPES + ("switch",)
    TYPE_CHECKER = {**optparse.Option.TYPE_CHECKER, "switch": _check_switch}


class ReuseDBPlugin(Plugin):
    """Switches on reuse in the Django plugin, which does the work (nose_fastfixtures.database.reuse)."""

    name = "reuse-db"
    score = 4900  # right after the Django plugin it switches on

    def options(self, parser, env):
        super().options(parser, env)
        self.env_error = None
        try:
            if parse_switch(env.get("REUSE_DB", ""), "REUSE_DB"):
                parser.set_default(self.enableOpt, True)
        except ValueError as error:
            self.env_error = UsageError(f"environment variable {error}")

        parser.add_option(SwitchOption(
            "--reuse-db", type="switch", dest=self.enableOpt, metavar="0|1",
            help="1: keep the test databases between runs; they are migrated or rebuilt when "
                 "the schema changes (same as --with-reuse-db) [REUSE_DB]",
        ))

    def configure(self, options, conf):
        super().configure(options, conf)
        if getattr(self, "env_error", None) is not None:
            exit_with(self.env_error)
