"""nose's config files, with the project's ``./nose.cfg`` read as ``./setup.cfg`` is.

pynose reads ``~/.noserc``, ``~/nose.cfg`` and ``./setup.cfg`` (later files win per
option), or only the files given with ``-c``. The project's own ``./nose.cfg`` comes
last, so it wins over ``./setup.cfg`` (the tool's own file before the shared one, as
pytest's ``pytest.ini`` and coverage's ``.coveragerc`` do); ``-c`` still replaces
them all, and ``NOSE_IGNORE_CONFIG_FILES`` still ignores them all.
"""

import os

from nose.config import ConfiguredDefaultsOptionParser

PROJECT_FILE = "nose.cfg"
_READ = "_nose_fastfixtures_default_files_read"


def with_project_file(files, environ, project_file=PROJECT_FILE):
    """*files* (nose's default list) with *project_file* added last, if it exists."""
    if environ.get("NOSE_IGNORE_CONFIG_FILES") or not os.path.isfile(project_file):
        return files
    if any(os.path.realpath(name) == os.path.realpath(project_file) for name in files):
        return files  # the home directory is the project directory: ~/nose.cfg is it
    return [*files, project_file]


def read_project_nose_cfg():
    """Make nose read ``./nose.cfg`` with its default config files, from now on.

    Called while nose builds its option parser (plugins' ``options``), before it reads
    the files. Nose reads its default files first, then, when ``-c`` was given, parses
    again with those files alone: only the first reading of each parser gets the file.
    """
    if getattr(ConfiguredDefaultsOptionParser.parseArgsAndConfigFiles, "reads_nose_cfg", False):
        return
    original = ConfiguredDefaultsOptionParser.parseArgsAndConfigFiles

    def parseArgsAndConfigFiles(self, args, config_files):
        if isinstance(config_files, (list, tuple)) and not getattr(self._parser, _READ, False):
            setattr(self._parser, _READ, True)
            config_files = with_project_file(list(config_files), os.environ)
        return original(self, args, config_files)

    parseArgsAndConfigFiles.reads_nose_cfg = True
    ConfiguredDefaultsOptionParser.parseArgsAndConfigFiles = parseArgsAndConfigFiles
