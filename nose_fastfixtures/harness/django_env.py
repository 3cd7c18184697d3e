"""Starting Django for a nose run: finding the settings, ``django.setup()``, the test environment."""

import importlib
import os
import sys

from nose_fastfixtures.errors import ConfigError

SETTINGS_HOWTO = (
    "pass --django-settings=MODULE, put 'django-settings = MODULE' in the [nosetests] "
    "section of setup.cfg or nose.cfg, or set DJANGO_SETTINGS_MODULE"
)


def choose_settings(option_value, environ):
    """The settings module to use: the option (or config file), else DJANGO_SETTINGS_MODULE."""
    module = option_value or environ.get("DJANGO_SETTINGS_MODULE")
    if not module:
        raise ConfigError(f"no Django settings module given: {SETTINGS_HOWTO}")
    return module


def start_django(settings_module, working_dir):
    """Import *settings_module* and set Django up, turning failures into one-line errors."""
    if working_dir and working_dir not in sys.path:
        sys.path.insert(0, working_dir)  # as manage.py does for the project directory
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    try:
        importlib.import_module(settings_module)
    except ModuleNotFoundError as exc:
        if not settings_module.startswith(exc.name or "<none>"):
            raise ConfigError(f"cannot import Django settings {settings_module!r}: {exc}") from exc
        raise ConfigError(
            f"cannot import Django settings {settings_module!r}: no module {exc.name!r} "
            f"on the Python path; {SETTINGS_HOWTO}"
        ) from exc
    except Exception as exc:
        raise ConfigError(
            f"cannot import Django settings {settings_module!r}: {type(exc).__name__}: {exc}"
        ) from exc

    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise ConfigError(f"Django settings {settings_module!r} are misconfigured: {exc}") from exc


def setup_test_environment():
    """Django's test environment, without unittest's Ctrl-C handler that nose does not use."""
    from django.test.utils import setup_test_environment as django_setup

    django_setup(debug=False)  # DiscoverRunner's default (--debug-mode off)


def teardown_test_environment():
    from django.test.utils import teardown_test_environment as django_teardown

    django_teardown()


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def fast_hashers(hashers):
    """*hashers* with Django's fast MD5 hasher first: new passwords hash fast, old hashes still check."""
    return [FAST_HASHER, *(hasher for hasher in hashers if hasher != FAST_HASHER)]


def prefer_fast_hasher():
    """Hash passwords with MD5 for the run (as Django's own test settings do); returns the undo."""
    from django.conf import settings
    from django.test.utils import override_settings

    # override_settings also tells Django's password module to forget its hashers.
    override = override_settings(PASSWORD_HASHERS=fast_hashers(settings.PASSWORD_HASHERS))
    override.enable()
    return override.disable
