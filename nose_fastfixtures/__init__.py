"""nose_fastfixtures: nose plugins that make Django test suites fast without changing outcomes."""

__version__ = "0.1.0"
