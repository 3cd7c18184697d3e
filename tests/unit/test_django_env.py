"""Choosing the settings module (no Django import needed)."""

import pytest

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.harness.django_env import FAST_HASHER, choose_settings, fast_hashers


def test_option_wins_over_environment():
    assert choose_settings("proj.settings", {"DJANGO_SETTINGS_MODULE": "other"}) == "proj.settings"


def test_environment_is_the_fallback():
    assert choose_settings(None, {"DJANGO_SETTINGS_MODULE": "other"}) == "other"


def test_no_settings_says_how_to_give_them():
    with pytest.raises(ConfigError, match="--django-settings=MODULE.*DJANGO_SETTINGS_MODULE"):
        choose_settings(None, {})


def test_the_fast_hasher_goes_first_and_the_others_stay_to_check_old_hashes():
    pbkdf2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert fast_hashers([pbkdf2]) == [FAST_HASHER, pbkdf2]
    assert fast_hashers([pbkdf2, FAST_HASHER]) == [FAST_HASHER, pbkdf2]
