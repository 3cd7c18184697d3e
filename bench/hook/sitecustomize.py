"""Loads bench/sqlcount.py into every Python process when NFF_COUNT_SQL is set (bench only)."""

import os

if os.environ.get("NFF_COUNT_SQL"):
    try:
        import importlib.util

        _spec = importlib.util.spec_from_file_location(
            "nff_bench_sqlcount", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                               "sqlcount.py"))
        _module = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_module)
        _module.install()
    except ImportError:  # a process without Django (pip, a shell tool) is not counted
        pass
