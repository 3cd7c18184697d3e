"""What the shop's test runner (config/test_runner.py) and its settings give every test run.

These fail when the runner is not used: its settings (``__init__``) and its canned
replies (``setup_databases``) are missing then.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import SimpleTestCase, TestCase

from support.mailing import send_canned_reply
from support.models import CannedReply, Ticket


class TestRunSettingsTest(SimpleTestCase):
    def test_the_test_run_is_detected_from_the_command_line(self):
        self.assertTrue(settings.TESTING)

    def test_new_passwords_hash_with_the_runners_fast_hasher(self):
        self.assertTrue(make_password("secret").startswith("md5$"))

    def test_the_settings_hashers_still_check_old_hashes(self):
        # The runner put its hasher first; the ones the settings list (TESTING) stay.
        self.assertEqual(settings.PASSWORD_HASHERS, ["django.contrib.auth.hashers.MD5PasswordHasher",
                                                     "django.contrib.auth.hashers.PBKDF2PasswordHasher"])

    def test_mail_settings(self):
        self.assertEqual(settings.EMAIL_HOST, "smtp.shop.test")
        self.assertEqual(settings.DEFAULT_FROM_EMAIL, "support@shop.test")


class CannedReplyTest(TestCase):
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_the_runners_canned_replies_are_there(self):
        self.assertEqual(list(CannedReply.objects.values_list("pk", "key")),
                         [(2, "refund-issued"), (1, "shipping-delay"), (3, "welcome")])

    def test_a_canned_reply_is_mailed_to_the_customer(self):
        ticket = Ticket.objects.get(pk=1)
        self.assertEqual(send_canned_reply(ticket, "shipping-delay"), 1)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.from_email, "support@shop.test")
        self.assertEqual(message.to, [ticket.customer.email])
        self.assertEqual(message.subject, "[#1] Your parcel is on its way")
        self.assertIn(f"Hello {ticket.customer.first_name}, your parcel is delayed", message.body)

    def test_a_new_canned_reply_takes_the_next_number(self):
        reply = CannedReply.objects.create(key="closing", title="Closing your ticket", body="Bye {first_name}")
        self.assertEqual(reply.pk, 4)
        self.assertEqual(CannedReply.objects.count(), 4)

    def test_the_canned_replies_are_as_the_runner_left_them(self):
        # Whatever the test before changed was rolled back.
        self.assertEqual(CannedReply.objects.count(), 3)
