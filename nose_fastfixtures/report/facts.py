"""What the report knows of the suite besides the timeline: one plain description per test class."""

from dataclasses import dataclass

# Kinds of test class, as Django's runner groups them.
TESTCASE = "testcase"                    # django.test.TestCase: a transaction per class
TRANSACTION_TESTCASE = "transactiontestcase"  # TransactionTestCase (not TestCase): flush per test
OTHER = "other"                          # SimpleTestCase, unittest, nose classes

LIVE_SERVER = "a live server"  # a ClassFacts.needs_commits: waiting on the network is its purpose


@dataclass(frozen=True)
class ClassFacts:
    """One test class as the report sees it, gathered once before the run."""

    name: str                  # "app.tests.test_x.OrderTests"
    path: str = ""             # its source file, relative to the project when inside it
    kind: str = OTHER
    fixtures: tuple = ()       # fixture labels, in the class's order
    fixture_files: tuple = ()  # the files loaddata finds for them (relative paths)
    aliases: tuple = ()        # the databases its fixtures load into
    own_test_data: bool = False  # defines setUpTestData itself (or in a project base class)
    needs_commits: str = ""    # why it must stay a TransactionTestCase whatever its tests do

    @property
    def fixture_set(self):
        """The key that groups classes loading the same fixtures into the same databases."""
        return (self.aliases, frozenset(self.fixtures))

    @property
    def set_label(self):
        return "+".join(self.fixtures)
