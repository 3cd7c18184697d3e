"""The Makefile tries the MariaDB driver again until it builds (no stamp hides a failure)."""

import os
import shutil
import subprocess

import pytest

from tests.helpers.oracle import ROOT

FAKE_PYTHON = '''#!/bin/sh
# "import MySQLdb" works once the fake pip has built it
[ "$1" = "-c" ] && [ -e "$(dirname "$0")/built" ] && exit 0
[ "$1" = "-c" ] && exit 1
exec python3 "$@"
'''
FAKE_PIP = '''#!/bin/sh
echo "$@" >> "$(dirname "$0")/pip.log"
case "$*" in *mysql*) [ -e "$(dirname "$0")/library" ] && touch "$(dirname "$0")/built" && exit 0; exit 1;; esac
'''


@pytest.fixture
def venv(tmp_path):
    if not shutil.which("make"):
        pytest.skip("no make here")
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("pip", FAKE_PIP)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (tmp_path / "venv" / ".installed").touch()  # newer than setup.py: the venv is made
    return tmp_path / "venv"


def make_driver(venv):
    done = subprocess.run(["make", "-s", "mysql-driver", f"VENV={venv}"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "MAKEFLAGS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def pip_calls(venv):
    log = venv / "bin" / "pip.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_the_mariadb_driver_is_tried_again_until_it_builds(venv):
    assert "warning: mysqlclient did not build" in make_driver(venv)
    assert "warning: mysqlclient did not build" in make_driver(venv)  # tried again, not stamped away
    assert pip_calls(venv) == 2
    (venv / "bin" / "library").touch()  # libmariadb-dev installed now
    assert "warning" not in make_driver(venv)
    assert pip_calls(venv) == 3
    make_driver(venv)
    assert pip_calls(venv) == 3  # it imports: nothing to do
