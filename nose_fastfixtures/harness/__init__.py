"""Glue between nose, unittest and Django around the tests: settings, suites, unittest's protocol."""
