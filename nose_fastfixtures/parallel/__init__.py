"""Parallel runs: worker processes on cloned test databases, and results replayed in the parent."""
