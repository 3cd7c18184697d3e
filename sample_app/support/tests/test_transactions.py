"""Behaviour that depends on real commits and rollbacks (TransactionTestCase).

TransactionTestCase empties every table after each test, including the
ShippingMethod rows created by the orders data migration, so these classes
load the `shipping` fixture alongside the orders.
"""
import threading
from datetime import datetime, timezone as dt_timezone
from unittest import mock

from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.test import TransactionTestCase, skipUnlessDBFeature

from accounts.models import Customer, LoyaltyAccount
from support import services
from support.models import Comment, Ticket

UTC = dt_timezone.utc

FULL_DESK = ["staff", "shipping", "customers", "catalog", "orders", "tickets"]


@skipUnlessDBFeature("has_select_for_update")
class TicketClaimLockingTest(TransactionTestCase):
    """claim_ticket() locks the row so two agents cannot grab the same ticket."""

    fixtures = FULL_DESK

    def test_first_claim_wins(self):
        fnguyen = User.objects.get(username="fnguyen")
        hsato = User.objects.get(username="hsato")
        self.assertTrue(services.claim_ticket(6, fnguyen))
        self.assertFalse(services.claim_ticket(6, hsato))
        self.assertEqual(Ticket.objects.get(pk=6).assignee, fnguyen)

    def test_assigned_ticket_cannot_be_claimed(self):
        self.assertFalse(services.claim_ticket(18, User.objects.get(username="hsato")))
        self.assertEqual(Ticket.objects.get(pk=18).assignee.username, "tkowalski")

    @skipUnlessDBFeature("has_select_for_update_nowait")
    def test_locked_row_is_not_available_to_other_connections(self):
        outcome = {}

        def try_lock():
            try:
                with transaction.atomic():
                    list(Ticket.objects.select_for_update(nowait=True).filter(pk=6))
                outcome["locked"] = False
            except DatabaseError:
                outcome["locked"] = True
            finally:
                connections.close_all()

        with transaction.atomic():
            Ticket.objects.select_for_update().get(pk=6)
            worker = threading.Thread(target=try_lock)
            worker.start()
            worker.join(timeout=30)
        self.assertEqual(outcome, {"locked": True})

        # once the transaction has committed the row is free again
        worker = threading.Thread(target=try_lock)
        worker.start()
        worker.join(timeout=30)
        self.assertEqual(outcome, {"locked": False})


class OnCommitNotificationTest(TransactionTestCase):
    """The ticket confirmation is only queued when the data is really committed."""

    fixtures = FULL_DESK

    def setUp(self):
        services.outbox.clear()
        self.customer = Customer.objects.get(pk=1)
        self.opened = datetime(2025, 1, 5, 10, 0, tzinfo=UTC)

    def tearDown(self):
        services.outbox.clear()

    def test_notification_sent_after_commit(self):
        ticket = services.open_ticket(self.customer, "Where is my order?", self.opened, order=self.customer.orders.get(pk=77))
        self.assertEqual(services.outbox, [("ticket-opened", ticket.pk, "ava.scott@example.net")])
        self.assertEqual(Ticket.objects.count(), 31)

    def test_rollback_discards_ticket_and_notification(self):
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                services.open_ticket(self.customer, "Cancel my order", self.opened)
                raise RuntimeError("payment provider unavailable")
        self.assertEqual(services.outbox, [])
        self.assertEqual(Ticket.objects.count(), 30)

    def test_outer_transaction_defers_notification(self):
        with transaction.atomic():
            ticket = services.open_ticket(self.customer, "Invoice request", self.opened)
            self.assertEqual(services.outbox, [])
        self.assertEqual(services.outbox, [("ticket-opened", ticket.pk, "ava.scott@example.net")])


class TransactionRollbackTest(TransactionTestCase):
    fixtures = FULL_DESK

    def test_failed_sweep_leaves_nothing_behind(self):
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                closed = services.close_stale_tickets(datetime(2024, 3, 1, tzinfo=UTC), days=30)
                self.assertEqual(len(closed), 5)
                raise RuntimeError("abort the sweep")
        self.assertEqual(Ticket.objects.filter(status="waiting").count(), 8)
        self.assertEqual(Comment.objects.count(), 45)

    def test_recovering_from_integrity_error_in_savepoint(self):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Customer.objects.create(
                        email="ava.scott@example.net", first_name="Ava", last_name="Scott",
                        city="Rotterdam", joined="2024-01-01",
                    )
            except IntegrityError:
                duplicate_rejected = True
            Ticket.objects.create(customer_id=1, subject="Account locked", opened_at=datetime(2025, 1, 1, tzinfo=UTC))
        self.assertTrue(duplicate_rejected)
        self.assertEqual(Customer.objects.count(), 40)
        self.assertEqual(LoyaltyAccount.objects.count(), 40)
        self.assertEqual(Ticket.objects.filter(customer_id=1).count(), 1)

    def test_compensation_is_all_or_nothing(self):
        ticket = Ticket.objects.get(pk=3)
        with mock.patch.object(Comment, "save", side_effect=IntegrityError("comment store down")):
            with self.assertRaises(IntegrityError):
                services.compensate_customer(ticket, 500)
        account = LoyaltyAccount.objects.get(customer_id=31)
        self.assertEqual((account.points, account.tier), (0, "bronze"))
        self.assertFalse(ticket.comments.exists())


class BulkTicketOperationsTest(TransactionTestCase):
    fixtures = FULL_DESK

    def test_bulk_create_comments(self):
        now = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
        Comment.objects.bulk_create(
            Comment(ticket=ticket, author_name="Support bot", body="We are back from the holidays.", created_at=now)
            for ticket in Ticket.objects.active()
        )
        self.assertEqual(Comment.objects.count(), 45 + 20)
        self.assertFalse(Ticket.objects.active().with_comment_count().filter(num_comments=0).exists())
        self.assertEqual(Ticket.objects.with_last_activity().get(pk=12).last_comment_at, now)

    def test_bulk_update_priorities_of_waiting_tickets(self):
        waiting = list(Ticket.objects.filter(status="waiting"))
        for ticket in waiting:
            ticket.priority = min(ticket.priority + 1, 4)
        self.assertEqual(Ticket.objects.bulk_update(waiting, ["priority"]), 8)
        # 4 urgent tickets before, plus the 1 waiting one that was "high"
        self.assertEqual(Ticket.objects.urgent().count(), 5)
        self.assertFalse(Ticket.objects.filter(status="waiting", priority=1).exists())

    def test_queryset_update_reports_rows(self):
        self.assertEqual(Ticket.objects.filter(status="waiting").update(status="open"), 8)
        self.assertEqual(Ticket.objects.filter(status="open").count(), 20)

    def test_auto_assignment_is_committed(self):
        assigned = services.auto_assign_unassigned()
        self.assertEqual(len(assigned), 5)
        self.assertFalse(transaction.get_connection().in_atomic_block)
        self.assertEqual(Ticket.objects.active().unassigned().count(), 0)
        self.assertEqual(services.workload_by_assignee()["jsupport"], 2)

    def test_deleting_customer_cascades_in_bulk(self):
        # customer 38 has three tickets but also orders, which protect it
        Ticket.objects.filter(customer_id=38).delete()
        self.assertEqual(Ticket.objects.count(), 27)
        self.assertEqual(Customer.objects.get(pk=38).tickets.count(), 0)
