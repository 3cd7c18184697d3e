"""``REUSE_DB=1`` / ``--with-reuse-db``: keep the test databases between runs, rebuilt when the schema changed."""

from nose_fastfixtures.planning import option_values
from nose_fastfixtures.plugins.base import FastFixturesPlugin


class ReuseDBPlugin(FastFixturesPlugin):
    """Switches on reuse in the Django plugin, which does the work (nose_fastfixtures.database.reuse)."""

    name = "reuse-db"
    score = 4900  # right after the Django plugin it switches on

    def options(self, parser, env):
        super().options(parser, env)
        # Also how `reuse-db = 1` in [nosetests] of nose.cfg/setup.cfg arrives.
        self.checked_options.add(
            "--reuse-db", self.enableOpt, option_values.switch, env_name="REUSE_DB", metavar="0|1",
            help="1: keep the test databases between runs; they are migrated or rebuilt when "
                 "the schema changes (same as --with-reuse-db) [REUSE_DB]",
        )
