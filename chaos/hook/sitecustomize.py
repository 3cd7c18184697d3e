"""Loads chaos/tracing.py into every Python process of a campaign run when CHAOS_TRACE is set."""

import os

if os.environ.get("CHAOS_TRACE") or os.environ.get("CHAOS_STATEMENT_LOG"):
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "nff_chaos_tracing", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                          "tracing.py"))
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    _module.install()
