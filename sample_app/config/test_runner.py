"""The shop's test runner (``TEST_RUNNER``): what every ``manage.py test`` run needs.

Settings changed in ``__init__`` and rows added in ``setup_databases``, as many projects
do; the tests in ``support/tests/test_runner_setup.py`` rely on both.
"""

from django.conf import settings
from django.test.runner import DiscoverRunner

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

# Canned replies ship with every deployment (a data migration in production would be
# another way); the test databases get them here.
CANNED_REPLIES = [
    ("shipping-delay", "Your parcel is on its way",
     "Hello {first_name}, your parcel is delayed by a day or two; we are sorry (ticket {number})."),
    ("refund-issued", "Refund issued", "Hello {first_name}, your refund is on its way (ticket {number})."),
    ("welcome", "Welcome to the shop", "Hello {first_name}, welcome!"),
]


class ShopTestRunner(DiscoverRunner):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # New passwords hash fast; the hashers the settings list still check old hashes.
        settings.PASSWORD_HASHERS = [FAST_HASHER, *(name for name in settings.PASSWORD_HASHERS
                                                    if name != FAST_HASHER)]
        # Support mail needs an SMTP configuration (Django's test environment then
        # catches every message in mail.outbox).
        settings.EMAIL_HOST = "smtp.shop.test"
        settings.DEFAULT_FROM_EMAIL = "support@shop.test"

    def setup_databases(self, **kwargs):
        old_config = super().setup_databases(**kwargs)
        aliases = kwargs.get("aliases")
        if aliases is None or "default" in aliases:
            from support.models import CannedReply

            CannedReply.objects.bulk_create(
                CannedReply(key=key, title=title, body=body) for key, title, body in CANNED_REPLIES)
        return old_config
