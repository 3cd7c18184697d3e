"""The process's end: the atexit handlers still run, cyclic garbage is left to the system."""

import subprocess
import sys

SCRIPT = """
import atexit
from nose_fastfixtures.harness import process_exit

class Cycle:
    def __del__(self):
        print("collected")

cycle = Cycle()
cycle.me = cycle
if {skip}:
    process_exit.skip_final_collection()
atexit.register(print, "atexit ran")
"""


def run(skip):
    return subprocess.run([sys.executable, "-c", SCRIPT.format(skip=skip)], capture_output=True, text=True,
                          check=True).stdout.split()


def test_the_final_collection_is_skipped_after_the_atexit_handlers():
    assert run(skip=False) == ["atexit", "ran", "collected"]
    assert run(skip=True) == ["atexit", "ran"]
