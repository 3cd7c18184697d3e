"""sample_app's settings as a django-nose project writes them, with our runner and an outcome recorder.

``manage.py test --settings=tests.helpers.django_nose_settings`` from sample_app/.
"""

from config.settings import *  # noqa: F401,F403 - the project's settings, unchanged

TEST_RUNNER = "nose_fastfixtures.runner.NoseTestSuiteRunner"
NOSE_ARGS = ["--with-fixture-bundling", "--with-class-fixtures"]
NOSE_PLUGINS = ["tests.helpers.run_nose.OutcomeRecorder"]
