"""The end of a run's process: no last full garbage collection once everything else is done.

After ``django.setup()`` and a test run the process holds hundreds of thousands of
objects, and the interpreter's finalization collects them all once more before it
exits: 0.1-0.5 s of a one-test run, longer than many runs' tests (the same holds for a
bare ``django.setup()``). Freezing them out of the collector as the very last step
leaves their memory to the operating system, as a process ending with ``os._exit``
does (Instagram's "Dismissing Python Garbage Collection"), but still runs every atexit
handler, flushes the standard streams and frees what reference counting frees. All
outcomes and the exit status are decided and reported before; what no longer runs is
the finalizers of cyclic garbage left at exit, which Python does not promise either.
"""

import atexit
import gc


def skip_final_collection():
    """At exit, after the atexit handlers registered from now on, freeze what is left."""
    atexit.register(gc.freeze)
