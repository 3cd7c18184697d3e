"""nose_fastfixtures: nose plugins that make Django test suites fast without changing outcomes."""

__version__ = "0.1.0"


def __getattr__(name):
    # Imported on first use: importing the package must not import Django.
    if name == "FastFixtureTestCase":
        from nose_fastfixtures.database.class_fixtures import FastFixtureTestCase

        return FastFixtureTestCase
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
