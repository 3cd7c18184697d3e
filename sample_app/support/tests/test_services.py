"""Tests for support.services: workload, assignment, sweeps and compensation."""
import unittest
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import TestCase

from accounts.models import Customer, LoyaltyAccount
from accounts.tests.test_staff import StaffAuthenticationTests
from orders.models import Order
from support import services
from support.models import Comment, Ticket

UTC = dt_timezone.utc

FIXTURE_WORKLOAD = {
    "alarsen": 4,
    "bokafor": 1,
    "fnguyen": 3,
    "hsato": 1,
    "jsupport": 1,
    "kmurphy": 1,
    "mchen": 1,
    "rgarcia": 1,
    "tkowalski": 2,
}


class WorkloadReportTest(TestCase):
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_workload_matches_fixture(self):
        self.assertEqual(services.workload_by_assignee(), FIXTURE_WORKLOAD)

    def test_workload_covers_all_assigned_active_tickets(self):
        assigned_active = Ticket.objects.active().count() - Ticket.objects.active().unassigned().count()
        self.assertEqual(sum(services.workload_by_assignee().values()), assigned_active)
        self.assertEqual(assigned_active, 15)

    def test_workload_of_a_subset(self):
        urgent = services.workload_by_assignee(Ticket.objects.urgent())
        self.assertEqual(sum(urgent.values()) + Ticket.objects.active().urgent().unassigned().count(), 4)
        self.assertEqual(urgent.get("mchen"), 1)

    def test_least_busy_agent_breaks_ties_by_pk(self):
        # jsupport (pk 2), mchen, rgarcia, bokafor, hsato and kmurphy all hold one active ticket.
        self.assertEqual(services.least_busy_agent().username, "jsupport")


class AutoAssignmentTest(TestCase):
    fixtures = ["customers", "staff", "tickets", "catalog", "orders"]

    def test_assigns_oldest_first_to_least_busy(self):
        assigned = services.auto_assign_unassigned()
        self.assertEqual(
            assigned,
            [(26, "jsupport"), (14, "mchen"), (12, "rgarcia"), (29, "bokafor"), (6, "hsato")],
        )

    def test_leaves_no_active_ticket_unassigned(self):
        services.auto_assign_unassigned()
        self.assertFalse(Ticket.objects.active().unassigned().exists())
        # closed tickets are history and stay unassigned
        self.assertEqual(Ticket.objects.closed().unassigned().count(), 1)

    def test_workload_is_balanced_afterwards(self):
        services.auto_assign_unassigned()
        workload = services.workload_by_assignee()
        self.assertEqual(sum(workload.values()), 20)
        # everyone below alarsen's four fixture tickets was topped up to two, except kmurphy (pk 15)
        self.assertEqual(
            workload,
            {"alarsen": 4, "bokafor": 2, "fnguyen": 3, "hsato": 2, "jsupport": 2, "kmurphy": 1, "mchen": 2,
             "rgarcia": 2, "tkowalski": 2},
        )
        self.assertLessEqual(max(workload.values()) - min(workload.values()), 3)

    def test_second_run_is_a_no_op(self):
        services.auto_assign_unassigned()
        self.assertEqual(services.auto_assign_unassigned(), [])


class ReassignTicketsTest(TestCase):
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_moves_only_active_tickets(self):
        jsupport = User.objects.get(username="jsupport")
        mchen = User.objects.get(username="mchen")
        self.assertEqual(services.reassign_tickets(jsupport, mchen), 1)
        self.assertEqual(Ticket.objects.assigned_to(mchen).active().count(), 2)
        self.assertEqual(Ticket.objects.assigned_to(jsupport).count(), 1)
        self.assertFalse(Ticket.objects.assigned_to(jsupport).active().exists())

    def test_refuses_non_support_target(self):
        jsupport = User.objects.get(username="jsupport")
        with self.assertRaises(ValueError):
            services.reassign_tickets(jsupport, User.objects.get(username="lsilva"))
        self.assertEqual(Ticket.objects.assigned_to(jsupport).count(), 2)

    def test_reassigning_someone_without_tickets(self):
        idle = User.objects.get(username="ijansen")
        self.assertEqual(services.reassign_tickets(idle, User.objects.get(username="hsato")), 0)


class StaleTicketSweepTest(TestCase):
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]
    now = datetime(2024, 2, 18, tzinfo=UTC)
    expected_closed = [5, 12, 13, 17]

    def test_closes_waiting_tickets_without_recent_activity(self):
        closed = services.close_stale_tickets(self.now, days=30)
        self.assertEqual(closed, self.expected_closed)
        self.assertEqual(Ticket.objects.filter(status="waiting").count(), 8 - 4)

    def test_recently_active_waiting_tickets_survive(self):
        services.close_stale_tickets(self.now, days=30)
        # opened before the cut-off (2024-01-18) but with a comment on 2024-01-20
        self.assertEqual(list(Ticket.objects.filter(pk__in=[30]).values_list("status", flat=True)), ["waiting"])

    def test_each_closed_ticket_gets_a_note(self):
        services.close_stale_tickets(self.now, days=30)
        notes = Comment.objects.filter(author_name="Support bot").order_by("ticket_id")
        self.assertEqual(list(notes.values_list("ticket_id", flat=True)), self.expected_closed)
        self.assertTrue(all(note.created_at == self.now for note in notes))
        self.assertEqual(notes[0].body, "Closed automatically after 30 days without a reply.")

    def test_sweep_is_idempotent(self):
        services.close_stale_tickets(self.now, days=30)
        self.assertEqual(services.close_stale_tickets(self.now, days=30), [])
        self.assertEqual(Comment.objects.count(), 45 + 4)


class CompensationServiceTest(TestCase):
    fixtures = ["staff", "shipping", "customers", "catalog", "orders", "tickets"]

    def test_points_and_tier(self):
        ticket = Ticket.objects.get(pk=3)
        account = services.compensate_customer(ticket, 350)
        self.assertEqual((account.points, account.tier), (350, "silver"))
        account = services.compensate_customer(ticket, 700)
        self.assertEqual(LoyaltyAccount.objects.get(customer_id=31).points, 1050)
        self.assertEqual(LoyaltyAccount.objects.get(customer_id=31).tier, "gold")

    def test_compensation_is_recorded_on_the_ticket(self):
        ticket = Ticket.objects.get(pk=3)
        services.compensate_customer(ticket, 120, note_author="Jane Porter")
        comment = ticket.comments.get()
        self.assertEqual(comment.body, "Granted 120 loyalty points as compensation.")
        self.assertEqual(comment.author_name, "Jane Porter")
        self.assertEqual(comment.created_at, datetime(2023, 12, 9, 14, 51, tzinfo=UTC))

    def test_rejects_non_positive_points(self):
        ticket = Ticket.objects.get(pk=3)
        for points in (0, -50):
            with self.subTest(points=points):
                with self.assertRaises(ValueError):
                    services.compensate_customer(ticket, points)
        self.assertEqual(LoyaltyAccount.objects.get(customer_id=31).points, 0)

    def test_tier_thresholds(self):
        for points, tier in [(0, "bronze"), (299, "bronze"), (300, "silver"), (999, "silver"), (1000, "gold")]:
            with self.subTest(points=points):
                self.assertEqual(services.tier_for_points(points), tier)

    def test_compensated_ticket_concerns_a_shipped_standard_order(self):
        order = Ticket.objects.select_related("order__shipping_method").get(pk=3).order
        self.assertEqual((order.pk, order.status), (105, "shipped"))
        self.assertEqual(order.shipping_method.code, "standard")
        self.assertEqual(order.total, order.lines_total() + Decimal("4.99"))
        self.assertEqual(order.total, Decimal("10401.90"))

    @unittest.skip("SUP-131: compensation e-mails are sent by the CRM, not implemented here yet")
    def test_customer_is_emailed_about_compensation(self):
        from django.core import mail

        services.compensate_customer(Ticket.objects.get(pk=3), 100)
        self.assertEqual(len(mail.outbox), 1)


class OpenTicketServiceTest(TestCase):
    """open_ticket() against customers and orders only (no tickets fixture)."""

    fixtures = ["customers", "catalog", "orders"]

    def setUp(self):
        services.outbox.clear()
        self.customer = Customer.objects.get(pk=1)

    def test_ticket_about_own_order(self):
        order = Order.objects.get(pk=36)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            ticket = services.open_ticket(self.customer, "Where is my order?", datetime(2024, 11, 2, tzinfo=UTC), order=order)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(services.outbox, [("ticket-opened", ticket.pk, "ava.scott@example.net")])
        self.assertEqual(list(order.tickets.all()), [ticket])

    def test_notification_waits_for_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.open_ticket(self.customer, "Invoice request", datetime(2024, 11, 2, tzinfo=UTC))
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(services.outbox, [])

    def test_order_of_another_customer_is_rejected(self):
        foreign_order = Order.objects.get(pk=25)  # belongs to customer 2
        with self.assertRaisesMessage(ValueError, "order 25 does not belong to customer 1"):
            services.open_ticket(self.customer, "Cancel my order", datetime(2024, 11, 2, tzinfo=UTC), order=foreign_order)
        self.assertFalse(Ticket.objects.exists())

    def test_customer_orders_are_the_ones_from_the_fixture(self):
        self.assertEqual(list(self.customer.orders.order_by("pk").values_list("pk", flat=True)), [36, 44, 77])


class LeastBusyAgentTest(TestCase):
    fixtures = ["staff"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.create(
            email="lena.vogt@example.com", first_name="Lena", last_name="Vogt", city="Graz", joined="2021-06-30"
        )
        cls.jsupport = User.objects.get(username="jsupport")
        cls.mchen = User.objects.get(username="mchen")

    def ticket_for(self, user, status="open"):
        return Ticket.objects.create(
            customer=self.customer, assignee=user, subject="Delivery delayed", status=status,
            opened_at=datetime(2024, 4, 1, tzinfo=UTC),
        )

    def test_everyone_idle_picks_lowest_pk(self):
        self.assertEqual(services.least_busy_agent(), self.jsupport)

    def test_busy_agents_are_skipped(self):
        self.ticket_for(self.jsupport)
        self.ticket_for(self.jsupport, status="waiting")
        self.ticket_for(self.mchen)
        self.assertEqual(services.least_busy_agent().username, "rgarcia")

    def test_closed_tickets_do_not_count(self):
        self.ticket_for(self.jsupport, status="closed")
        self.assertEqual(services.least_busy_agent(), self.jsupport)

    def test_inactive_members_are_never_picked(self):
        User.objects.filter(username__in=["jsupport", "mchen", "rgarcia"]).update(is_active=False)
        self.assertEqual(services.least_busy_agent().username, "tkowalski")


class AgentSignInServiceTest(StaffAuthenticationTests):
    """The staff sign-in checks once more, beside the agent services (the same imported base)."""

    def test_signed_in_agent_is_a_support_agent(self):
        self.assertTrue(self.client.login(username="jsupport", password="secret"))
        self.assertEqual(services.least_busy_agent().username, "jsupport")


class TeamReassignmentTest(TestCase):
    """Handing over an agent's queue before their leave."""

    fixtures = ["customers", "staff"]

    @classmethod
    def setUpTestData(cls):
        cls.leaving = User.objects.get(username="tkowalski")
        cls.cover = User.objects.get(username="hsato")
        opened = datetime(2024, 7, 1, tzinfo=UTC)
        cls.tickets = [
            Ticket.objects.create(customer_id=1, assignee=cls.leaving, subject="Account locked", opened_at=opened),
            Ticket.objects.create(customer_id=2, assignee=cls.leaving, subject="Delivery delayed", status="waiting", opened_at=opened),
            Ticket.objects.create(customer_id=3, assignee=cls.leaving, subject="Invoice request", status="closed", opened_at=opened),
        ]

    def test_handover(self):
        self.assertEqual(services.reassign_tickets(self.leaving, self.cover), 2)
        self.assertEqual(services.workload_by_assignee(), {"hsato": 2})
        self.assertEqual(Ticket.objects.get(pk=self.tickets[2].pk).assignee, self.leaving)

    def test_cover_must_be_active(self):
        with self.assertRaises(ValueError):
            services.reassign_tickets(self.leaving, User.objects.get(username="gwilson"))
        self.assertEqual(services.workload_by_assignee(), {"tkowalski": 2})

    def test_customers_of_handed_over_tickets(self):
        emails = set(Ticket.objects.assigned_to(self.leaving).values_list("customer__email", flat=True))
        self.assertIn("ava.scott@example.net", emails)
        self.assertEqual(len(emails), 3)
