"""Running a Python script with the sample project's settings, in a process of its own."""

import json
import os
import subprocess
import sys

from tests.helpers.backends import backend_env
from tests.helpers.oracle import ROOT, SAMPLE_APP


def run_sample_script(script, *args, backend="sqlite"):
    """``python -c script *args`` in sample_app on *backend*; the JSON its last output line holds.

    Fails the calling test, with the script's stderr, when the script fails.
    """
    env = {**os.environ, **backend_env(backend), "DJANGO_SETTINGS_MODULE": "config.settings",
           "PYTHONPATH": f"{SAMPLE_APP}{os.pathsep}{ROOT}"}
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=SAMPLE_APP, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
