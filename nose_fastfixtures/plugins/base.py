"""The base of our plugins: ``--with-NAME`` and every other option checked wherever it is set."""

from nose.plugins import Plugin

from nose_fastfixtures.harness.options import PluginOptions


class FastFixturesPlugin(Plugin):
    """A nose plugin whose ``--with-NAME`` (``NOSE_WITH_NAME``, ``with-NAME`` in [nosetests])
    takes 1/0/true/false rather than turning on for any value, even 0; subclasses add
    their options through ``self.checked_options``, and bad values end the run at ``configure``."""

    def options(self, parser, env):
        self.checked_options = PluginOptions(parser, env)
        env_name = "NOSE_WITH_" + self.name.upper().replace("-", "_")
        self.checked_options.add_switch(f"--with-{self.name}", self.enableOpt, env_name,
                                    help=f"Enable plugin {type(self).__name__}: {self.help()} [{env_name}]")

    def configure(self, options, conf):
        if getattr(self, "checked_options", None) is not None:
            self.checked_options.report_errors()
        super().configure(options, conf)
