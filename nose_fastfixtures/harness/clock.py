"""When this process started, on the clock the timeline uses (``time.perf_counter``)."""

import os
import time


def process_started():
    """The process's start as a ``perf_counter()`` value, or None where it cannot be known.

    Linux gives the start in clock ticks since boot (``/proc/self/stat``, field 22);
    CLOCK_BOOTTIME is the clock it is measured on, and perf_counter is CLOCK_MONOTONIC,
    which differs from it only by time spent suspended, never during one test run.
    """
    try:
        with open("/proc/self/stat", "rb") as stream:
            fields = stream.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # field 22 counted from 1; fields[0] is field 3
        since_boot = ticks / os.sysconf("SC_CLK_TCK")
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - since_boot
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return time.perf_counter() - age if 0 <= age < 3600 else None
