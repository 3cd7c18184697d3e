"""The bad-option campaign (chaos/bad_config.py) knows a bad value for every option of ours."""

from chaos.bad_config import plan


def test_every_option_of_ours_has_its_bad_values():
    cases, unknown = plan()
    assert unknown == [], f"add these options to chaos/bad_config.py BAD_VALUES: {unknown}"
    assert cases
