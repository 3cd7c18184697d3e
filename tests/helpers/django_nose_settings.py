"""sample_app's settings as a django-nose project writes them, with our runner and an outcome recorder.

``manage.py test --settings=tests.helpers.django_nose_settings`` from sample_app/.
"""

from config.settings import *  # noqa: F401,F403 - the project's settings, unchanged

# The project's own runner (config.test_runner) made a subclass of ours, as django-nose
# projects with their own set-up wrote theirs.
TEST_RUNNER = "tests.helpers.django_nose_runner.ShopNoseTestSuiteRunner"
NOSE_ARGS = ["--with-fixture-bundling", "--with-class-fixtures"]
NOSE_PLUGINS = ["tests.helpers.run_nose.OutcomeRecorder"]
