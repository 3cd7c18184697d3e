"""``--django-debug-sql`` (``manage.py test --debug-sql``): the SQL a failing test ran, after its traceback.

As Django's DebugSQLTextTestResult: every connection logs its queries
(``force_debug_cursor``), the ``django.db.backends`` logger is caught per test, and a
failure or error shows what was caught, formatted by sqlparse (Django's own dependency).
"""

import logging
import unittest
from io import StringIO


class SQLCapture:
    """The SQL of the test that runs now."""

    def __init__(self):
        self.logger = logging.getLogger("django.db.backends")
        self.stream = None
        self.handler = None

    def begin(self):
        from django.db import connections

        self.logger.setLevel(logging.DEBUG)
        for connection in connections.all():
            connection.force_debug_cursor = True

    def start_test(self):
        self.stream = StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.logger.addHandler(self.handler)

    def stop_test(self):
        if self.handler is not None:
            self.logger.removeHandler(self.handler)
            self.handler = None

    def with_sql(self, err):
        """*err* with the test's SQL added to its message (nose prints it after the traceback)."""
        exc_type = err[0]
        if self.stream is None or (isinstance(exc_type, type) and issubclass(exc_type, unittest.SkipTest)):
            return err  # an error before any test (setUpClass), or a skip (unittest never shows its SQL)
        import sqlparse

        sql = sqlparse.format(self.stream.getvalue(), reindent=True, keyword_case="upper")
        _, value, traceback = err
        return exc_type, f"{value}\n{'-' * 70}\n{sql}", traceback
