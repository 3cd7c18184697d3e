"""Which hooks a TEST_RUNNER class overrides, its MRO read without Django set up."""

from nose_fastfixtures.harness.project_runner import _overridden


class Base:  # stands for DiscoverRunner
    def setup_databases(self):
        pass

    def run_tests(self):
        pass


class ProjectRunner(Base):
    def setup_databases(self):
        pass


class NoseRunner(Base):
    def run_tests(self):
        pass


NoseRunner.__module__ = "django_nose.runner"  # django-nose's (or ours): the run itself


class ProjectOnNose(ProjectRunner, NoseRunner):
    def build_suite(self):
        pass


def test_what_the_project_defines_below_the_base():
    assert {"setup_databases"} <= _overridden(ProjectRunner, Base)
    assert "run_tests" not in _overridden(ProjectRunner, Base)


def test_a_nose_runners_own_hooks_are_not_the_projects():
    names = _overridden(ProjectOnNose, Base)
    assert {"setup_databases", "build_suite"} <= names
    assert "run_tests" not in names  # inherited from the nose runner: it is this run
