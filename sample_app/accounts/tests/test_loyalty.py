"""Loyalty accounts: the post_save receiver, points and tiers, and what happens on commit/rollback."""
import datetime

from django.db import IntegrityError, transaction
from django.test import TestCase, TransactionTestCase, skipUnlessDBFeature

from accounts.models import Customer, LoyaltyAccount
from accounts.utils import award_points


def make_customer(email, **extra):
    fields = {
        "first_name": "Test",
        "last_name": "Customer",
        "city": "Utrecht",
        "joined": datetime.date(2024, 2, 1),
    }
    fields.update(extra)
    return Customer.objects.create(email=email, **fields)


class LoyaltyAccountSignalTests(TestCase):
    fixtures = ["customers"]

    def test_fixture_load_created_one_account_per_customer(self):
        self.assertEqual(LoyaltyAccount.objects.count(), 40)
        self.assertEqual(
            set(LoyaltyAccount.objects.values_list("customer_id", flat=True)), set(range(1, 41))
        )

    def test_fixture_accounts_start_empty(self):
        self.assertEqual(LoyaltyAccount.objects.exclude(points=0).count(), 0)
        self.assertEqual(LoyaltyAccount.objects.exclude(tier="bronze").count(), 0)

    def test_new_customer_gets_an_account(self):
        customer = make_customer("new.member@example.com")
        self.assertEqual(LoyaltyAccount.objects.count(), 41)
        self.assertEqual(customer.loyalty.points, 0)

    def test_updating_a_customer_does_not_create_another_account(self):
        ava = Customer.objects.get(pk=1)
        ava.city = "Delft"
        ava.save()
        self.assertEqual(LoyaltyAccount.objects.filter(customer=ava).count(), 1)
        self.assertEqual(LoyaltyAccount.objects.count(), 40)

    def test_account_str(self):
        account = LoyaltyAccount.objects.select_related("customer").get(customer_id=40)
        self.assertEqual(str(account), "noah.green@example.org: 0 pts (bronze)")


class LoyaltyPointsTests(TestCase):
    fixtures = ["customers"]

    @classmethod
    def setUpTestData(cls):
        # A few regulars with history, on top of the fixture's empty accounts.
        award_points(Customer.objects.get(pk=4), 1200)
        award_points(Customer.objects.get(pk=8), 5400)

    def test_setup_accounts_have_their_tiers(self):
        self.assertEqual(LoyaltyAccount.objects.get(customer_id=4).tier, "silver")
        self.assertEqual(LoyaltyAccount.objects.get(customer_id=8).tier, "gold")
        self.assertEqual(LoyaltyAccount.objects.filter(tier="bronze").count(), 38)

    def test_adding_points_promotes(self):
        account = LoyaltyAccount.objects.get(customer_id=1)
        account.add_points(999)
        self.assertEqual(account.tier, "bronze")
        account.add_points(1)
        account.refresh_from_db()
        self.assertEqual((account.points, account.tier), (1000, "silver"))

    def test_redeeming_points_demotes(self):
        account = LoyaltyAccount.objects.get(customer_id=8)
        account.add_points(-500)
        account.refresh_from_db()
        self.assertEqual((account.points, account.tier), (4900, "silver"))

    def test_cannot_redeem_more_than_balance(self):
        account = LoyaltyAccount.objects.get(customer_id=4)
        with self.assertRaisesMessage(ValueError, "cannot redeem 1300 points, only 1200 available"):
            account.add_points(-1300)
        account.refresh_from_db()
        self.assertEqual(account.points, 1200)

    def test_award_points_for_customer_without_account_fails(self):
        LoyaltyAccount.objects.filter(customer_id=2).delete()
        with self.assertRaises(LoyaltyAccount.DoesNotExist):
            award_points(Customer.objects.get(pk=2), 10)


class LoyaltySignalCommitTests(TransactionTestCase):
    """The post_save receiver runs inside the caller's transaction, with real commits."""

    fixtures = ["customers"]

    def test_fixture_accounts_exist_after_load(self):
        self.assertEqual(LoyaltyAccount.objects.count(), 40)

    def test_committed_customer_has_committed_account(self):
        with transaction.atomic():
            customer = make_customer("committed@example.com")
        # Outside the block: both rows are committed.
        self.assertTrue(transaction.get_autocommit())
        self.assertTrue(LoyaltyAccount.objects.filter(customer=customer).exists())
        self.assertEqual(LoyaltyAccount.objects.count(), 41)

    def test_rollback_discards_customer_and_account(self):
        class Abort(Exception):
            pass

        with self.assertRaises(Abort):
            with transaction.atomic():
                make_customer("rolled.back@example.com")
                self.assertEqual(LoyaltyAccount.objects.count(), 41)
                raise Abort
        self.assertFalse(Customer.objects.filter(email="rolled.back@example.com").exists())
        self.assertEqual(LoyaltyAccount.objects.count(), 40)

    def test_on_commit_hook_sees_the_account(self):
        seen = []
        with transaction.atomic():
            customer = make_customer("hooked@example.com")
            transaction.on_commit(
                lambda: seen.append(LoyaltyAccount.objects.get(customer=customer).tier)
            )
            self.assertEqual(seen, [])
        self.assertEqual(seen, ["bronze"])

    @skipUnlessDBFeature("has_select_for_update")
    def test_award_points_locks_and_commits(self):
        ava = Customer.objects.get(pk=1)
        account = award_points(ava, 5000)
        self.assertEqual(account.tier, "gold")
        self.assertEqual(LoyaltyAccount.objects.get(customer=ava).points, 5000)

    def test_deleting_customer_in_transaction_cascades(self):
        with transaction.atomic():
            Customer.objects.filter(pk__in=[1, 2, 3]).delete()
        self.assertEqual(LoyaltyAccount.objects.count(), 37)
        self.assertFalse(LoyaltyAccount.objects.filter(customer_id__in=[1, 2, 3]).exists())


class CustomerIntegrityTransactionTests(TransactionTestCase):
    """Unique e-mails, savepoints and bulk inserts, on an empty database."""

    def test_duplicate_email_raises_and_transaction_recovers(self):
        make_customer("unique@example.com")
        with self.assertRaises(IntegrityError):
            with transaction.atomic():
                make_customer("unique@example.com")
        # The connection is usable again and nothing half-written remains.
        make_customer("another@example.com")
        self.assertEqual(Customer.objects.count(), 2)
        self.assertEqual(LoyaltyAccount.objects.count(), 2)

    def test_inner_savepoint_rollback_keeps_outer_work(self):
        with transaction.atomic():
            outer = make_customer("outer@example.com")
            try:
                with transaction.atomic():
                    make_customer("inner@example.com")
                    make_customer("outer@example.com")
            except IntegrityError:
                pass
        self.assertEqual(list(Customer.objects.values_list("email", flat=True)), [outer.email])
        self.assertEqual(LoyaltyAccount.objects.get().customer_id, outer.pk)

    def test_bulk_create_skips_the_receiver(self):
        customers = Customer.objects.bulk_create([
            Customer(email=f"bulk{i}@example.com", first_name="Bulk", last_name=str(i),
                     city="Ghent", joined=datetime.date(2024, 3, i))
            for i in range(1, 6)
        ])
        self.assertEqual(Customer.objects.count(), 5)
        # post_save is not sent for bulk_create, so no loyalty accounts yet ...
        self.assertEqual(LoyaltyAccount.objects.count(), 0)
        # ... and a backfill has to create them.
        for customer in Customer.objects.order_by("pk"):
            LoyaltyAccount.objects.get_or_create(customer=customer)
        self.assertEqual(LoyaltyAccount.objects.count(), len(customers))

    def test_no_migration_rows_needed(self):
        self.assertEqual(Customer.objects.count(), 0)
        customer = make_customer("solo@example.com", is_active=False)
        self.assertEqual(list(Customer.objects.active()), [])
        self.assertEqual(customer.loyalty.tier, "bronze")
