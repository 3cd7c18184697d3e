"""sample_app's own test runner on top of ours, as a django-nose project with its own runner writes it."""

from config.test_runner import ShopTestRunner
from nose_fastfixtures.runner import NoseTestSuiteRunner


class ShopNoseTestSuiteRunner(ShopTestRunner, NoseTestSuiteRunner):
    """The shop's settings and canned replies (its hooks), nose for the run (ours)."""
