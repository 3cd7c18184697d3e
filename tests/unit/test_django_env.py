"""Choosing the settings module, the command line settings see (no Django import needed)."""

import pytest

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.harness.django_env import (
    FAST_HASHER,
    argv_as_manage_py_test,
    choose_settings,
    fast_hashers,
    missing_app,
)


def test_option_wins_over_environment():
    assert choose_settings("proj.settings", {"DJANGO_SETTINGS_MODULE": "other"}) == "proj.settings"


def test_environment_is_the_fallback():
    assert choose_settings(None, {"DJANGO_SETTINGS_MODULE": "other"}) == "other"


def test_no_settings_says_how_to_give_them():
    with pytest.raises(ConfigError, match="--django-settings=MODULE.*DJANGO_SETTINGS_MODULE"):
        choose_settings(None, {})


@pytest.mark.parametrize("argv, seen", [
    (["nosetests", "--with-django", "app.tests"], ["nosetests", "test", "--with-django", "app.tests"]),
    (["nosetests"], ["nosetests", "test"]),
    (["manage.py", "test", "app"], ["manage.py", "test", "app"]),  # already as Django's
])
def test_settings_see_the_argv_of_manage_py_test_until_undone(argv, seen):
    original = list(argv)
    undo = argv_as_manage_py_test(argv)
    assert argv == seen and argv[1] == "test"
    undo()
    assert argv == original


@pytest.mark.parametrize("missing, expected", [("shopp", "shopp"), ("shop", "shop.apps.ShopConfig"),
                                               ("requests", None), (None, None)])
def test_the_installed_app_that_is_missing(missing, expected):
    assert missing_app(missing, ["django.contrib.auth", "shopp", "shop.apps.ShopConfig"]) == expected


def test_the_fast_hasher_goes_first_and_the_others_stay_to_check_old_hashes():
    pbkdf2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert fast_hashers([pbkdf2]) == [FAST_HASHER, pbkdf2]
    assert fast_hashers([pbkdf2, FAST_HASHER]) == [FAST_HASHER, pbkdf2]


def test_the_live_server_looks_for_a_stop_every_20_ms_and_serves_as_before():
    import socketserver
    import threading
    from unittest import mock
    from urllib.request import urlopen
    from wsgiref.simple_server import WSGIRequestHandler

    from django.core.servers.basehttp import ThreadedWSGIServer

    from nose_fastfixtures.harness.django_env import LIVE_SERVER_POLL_SECONDS, quick_live_server_stop

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    class Server(ThreadedWSGIServer):  # a project's server class, without Django's settings
        def _close_connections(self):
            pass

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"served"]

    timeouts = []
    select = socketserver._ServerSelector.select

    def noting(selector, timeout=None):
        timeouts.append(timeout)
        return select(selector, timeout)

    undo = quick_live_server_stop()
    try:
        server = Server(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
        server.set_app(app)
        with mock.patch.object(socketserver._ServerSelector, "select", noting):
            thread = threading.Thread(target=server.serve_forever)
            thread.start()
            with urlopen(f"http://127.0.0.1:{server.server_address[1]}/") as response:
                body = response.read()
            server.shutdown()
            thread.join()
        server.server_close()
    finally:
        undo()
    assert body == b"served"
    assert timeouts and set(timeouts) == {LIVE_SERVER_POLL_SECONDS}
    assert "serve_forever" not in vars(ThreadedWSGIServer)
