"""The settings module read from a project's manage.py, without running it."""

import pytest

from nose_fastfixtures.planning.manage_py import settings_module

STARTPROJECT = '''
#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Couldn't import Django.") from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
'''


@pytest.mark.parametrize("source, module", [
    (STARTPROJECT, "mysite.settings"),
    ("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings.dev')\n", "a.settings.dev"),
    ("from os import environ\nenviron.setdefault('DJANGO_SETTINGS_MODULE', 'b.settings')\n", "b.settings"),
    ("import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'c.settings'\n", "c.settings"),
    # The first in the file, wherever it is nested.
    ("import os\nif True:\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'first')\n"
     "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'second')\n", "first"),
])
def test_the_module_manage_py_sets(source, module):
    assert settings_module(source) == module


@pytest.mark.parametrize("source", [
    "",
    "def broken(:\n",                                                            # does not parse
    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', compute())\n",  # known only when run
    "import os\nos.environ.setdefault('OTHER_VARIABLE', 'x.settings')\n",
    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE')\n",
    "settings.setdefault('DJANGO_SETTINGS_MODULE', 'x.settings')\n",            # not the environment
    "\x00",
])
def test_no_module_when_the_file_does_not_name_one(source):
    assert settings_module(source) is None
