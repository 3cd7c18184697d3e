"""Choosing the settings module (no Django import needed)."""

import pytest

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.harness.django_env import choose_settings


def test_option_wins_over_environment():
    assert choose_settings("proj.settings", {"DJANGO_SETTINGS_MODULE": "other"}) == "proj.settings"


def test_environment_is_the_fallback():
    assert choose_settings(None, {"DJANGO_SETTINGS_MODULE": "other"}) == "other"


def test_no_settings_says_how_to_give_them():
    with pytest.raises(ConfigError, match="--django-settings=MODULE.*DJANGO_SETTINGS_MODULE"):
        choose_settings(None, {})
