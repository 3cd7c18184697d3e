"""Starting Django for a nose run: finding the settings, ``django.setup()``, the test environment."""

import importlib
import os
import sys

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning import manage_py

SETTINGS_HOWTO = (
    "pass --django-settings=MODULE, put 'django-settings = MODULE' in the [nosetests] "
    "section of setup.cfg or nose.cfg, set DJANGO_SETTINGS_MODULE, or run from the folder "
    "of a manage.py that sets it"
)


def settings_from_manage_py(directories):
    """``(module, path)`` from the first ``manage.py`` in *directories* that names one; else None.

    The file is read, never run (``planning.manage_py``), as ``manage.py`` would set it.
    """
    for directory in directories:
        path = os.path.join(directory, "manage.py")
        try:
            with open(path, encoding="utf-8") as source:
                module = manage_py.settings_module(source.read())
        except (OSError, UnicodeDecodeError):
            continue
        if module:
            return module, path
    return None


def choose_settings(option_value, environ, project_dirs=(), say=None):
    """The settings module to use: the option (or config file), else DJANGO_SETTINGS_MODULE,
    else the one ``./manage.py`` sets (said through *say*)."""
    module = option_value or environ.get("DJANGO_SETTINGS_MODULE")
    if module:
        return module
    found = settings_from_manage_py(project_dirs)
    if found is None:
        raise ConfigError(f"no Django settings module given: {SETTINGS_HOWTO}")
    module, path = found
    if say is not None:
        say(f"Django settings {module!r}, as {os.path.relpath(path)} sets DJANGO_SETTINGS_MODULE")
    return module


def argv_as_manage_py_test(argv):
    """Make ``argv[1] == 'test'`` hold, in place, as under ``manage.py test``; return the undo.

    Many settings modules detect a test run so (``TESTING = sys.argv[1:2] == ['test']``)
    and switch hashers, caches or services by it; under ``nosetests`` they would take
    their non-test paths and tests would see another project. nose has read its
    arguments by now; the rest of them stay after ``test``. Already so: left alone.
    """
    if argv[1:2] == ["test"]:
        return lambda: None
    original = list(argv)
    argv.insert(1, "test")

    def undo():
        argv[:] = original

    return undo


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
    except ModuleNotFoundError as exc:
        app = missing_app(exc.name, _installed_apps())
        if app is None:
            raise  # an app that imports something missing: its traceback says where
        raise ConfigError(
            f"Django settings {settings_module!r}: INSTALLED_APPS names {app!r}, but there is no module "
            f"{exc.name!r} on the Python path; install it or remove it from INSTALLED_APPS"
        ) from exc


def missing_app(module_name, installed_apps):
    """The INSTALLED_APPS entry that names the missing module *module_name* itself, if any."""
    for entry in installed_apps:
        if module_name and (entry == module_name or entry.startswith(module_name + ".")):
            return entry
    return None


def _installed_apps():
    from django.conf import settings

    return [entry for entry in getattr(settings, "INSTALLED_APPS", ()) if isinstance(entry, str)]


def started():
    """Whether Django is set up already: under ``manage.py test``, with the settings it chose."""
    from django.apps import apps

    return apps.ready


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


LIVE_SERVER_POLL_SECONDS = 0.02


def quick_live_server_stop():
    """LiveServerTestCase's server stops within 20 ms instead of up to half a second; returns the undo.

    Its thread serves with socketserver's ``serve_forever()``, which looks for a stop
    request every ``poll_interval`` (0.5 s) when no request comes, and the class's
    teardown waits for it. A request is served the moment it arrives either way.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer

    original = ThreadedWSGIServer.__dict__.get("serve_forever")

    def serve_forever(self, poll_interval=0.5):
        return super(ThreadedWSGIServer, self).serve_forever(min(poll_interval, LIVE_SERVER_POLL_SECONDS))

    ThreadedWSGIServer.serve_forever = serve_forever

    def undo():
        if original is None:
            del ThreadedWSGIServer.serve_forever
        else:
            ThreadedWSGIServer.serve_forever = original

    return undo
