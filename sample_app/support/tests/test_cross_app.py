"""Tests where tickets meet customers, orders, loyalty accounts and staff."""
from collections import Counter
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db.models import ProtectedError
from django.test import TestCase

from accounts.models import Customer, LoyaltyAccount
from orders.models import Order
from support import services
from support.models import Comment, Ticket

UTC = dt_timezone.utc


class TicketOrderConsistencyTest(TestCase):
    fixtures = ["orders", "tickets", "customers", "staff", "catalog"]

    def test_linked_orders_belong_to_ticket_customer(self):
        linked = Ticket.objects.filter(order__isnull=False).select_related("order")
        self.assertEqual(linked.count(), 20)
        for ticket in linked:
            self.assertEqual(ticket.order.customer_id, ticket.customer_id, ticket.pk)

    def test_status_of_orders_behind_tickets(self):
        statuses = Counter(Ticket.objects.filter(order__isnull=False).values_list("order__status", flat=True))
        self.assertEqual(statuses, Counter({"shipped": 11, "paid": 4, "cancelled": 3, "pending": 2}))

    def test_tickets_per_shipping_method(self):
        methods = Counter(
            Ticket.objects.filter(order__isnull=False).values_list("order__shipping_method__code", flat=True)
        )
        self.assertEqual(methods, Counter({"standard": 10, "express": 8, "overnight": 2}))

    def test_orders_with_more_than_one_ticket(self):
        counts = Counter(Ticket.objects.filter(order__isnull=False).values_list("order_id", flat=True))
        self.assertEqual(sorted(pk for pk, n in counts.items() if n > 1), [62])
        self.assertEqual(
            sorted(Order.objects.get(pk=62).tickets.values_list("pk", flat=True)), [13, 21]
        )

    def test_value_of_orders_under_dispute(self):
        totals = Ticket.objects.filter(order__isnull=False).values_list("order__total", flat=True)
        self.assertEqual(sum(totals, Decimal("0.00")), Decimal("77492.67"))


class OrderDeletionEffectsTest(TestCase):
    """Tickets outlive their order (SET_NULL) but orders protect customers."""

    fixtures = ["customers", "catalog", "orders"]

    @classmethod
    def setUpTestData(cls):
        cls.ticket = Ticket.objects.create(
            customer_id=1, order_id=36, subject="Item arrived damaged", opened_at=datetime(2024, 11, 5, tzinfo=UTC)
        )

    def test_deleting_order_unlinks_ticket(self):
        Order.objects.get(pk=36).delete()
        self.ticket.refresh_from_db()
        self.assertIsNone(self.ticket.order_id)
        self.assertEqual(self.ticket.customer_id, 1)
        self.assertEqual(Order.objects.count(), 109)

    def test_customer_with_orders_cannot_be_deleted(self):
        with self.assertRaises(ProtectedError):
            Customer.objects.get(pk=1).delete()
        self.assertTrue(Ticket.objects.filter(pk=self.ticket.pk).exists())

    def test_ticket_reaches_order_lines(self):
        order = self.ticket.order
        self.assertEqual(order.total, Decimal("17377.19"))
        self.assertEqual(order.total - order.lines_total(), order.shipping_method.price)


class LoyaltyCompensationTest(TestCase):
    fixtures = ["customers"]

    @classmethod
    def setUpTestData(cls):
        cls.ticket = Ticket.objects.create(
            customer_id=1, subject="Loyalty points missing", opened_at=datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
        )

    def test_every_customer_starts_at_bronze(self):
        self.assertEqual(LoyaltyAccount.objects.count(), 40)
        self.assertEqual(set(LoyaltyAccount.objects.values_list("tier", flat=True)), {"bronze"})

    def test_compensation_reaches_the_right_account(self):
        services.compensate_customer(self.ticket, 300)
        self.assertEqual(Customer.objects.get(pk=1).loyalty.tier, "silver")
        self.assertEqual(sum(LoyaltyAccount.objects.values_list("points", flat=True)), 300)
        self.assertEqual(LoyaltyAccount.objects.exclude(tier="bronze").get().customer.email, "ava.scott@example.net")

    def test_note_is_an_hour_after_opening(self):
        services.compensate_customer(self.ticket, 50)
        self.assertEqual(self.ticket.comments.get().created_at, datetime(2024, 6, 10, 13, 0, tzinfo=UTC))


class CustomerDeletionCascadeTest(TestCase):
    """A customer without orders can be removed together with their support history."""

    def setUp(self):
        self.customer = Customer.objects.create(
            email="ines.moreau@example.com", first_name="Ines", last_name="Moreau", city="Nantes", joined="2024-02-02"
        )
        self.ticket = Ticket.objects.create(
            customer=self.customer, subject="Update my email address", opened_at=datetime(2024, 3, 1, tzinfo=UTC)
        )
        for n in range(3):
            self.ticket.comments.create(author_name="Ines Moreau", body=f"Message {n}", created_at=datetime(2024, 3, 1 + n, tzinfo=UTC))

    def test_delete_removes_tickets_comments_and_loyalty(self):
        deleted, per_model = self.customer.delete()
        self.assertEqual(per_model["support.Ticket"], 1)
        self.assertEqual(per_model["support.Comment"], 3)
        self.assertEqual(per_model["accounts.LoyaltyAccount"], 1)
        self.assertEqual(deleted, 6)
        self.assertFalse(Comment.objects.exists())

    def test_deleting_ticket_keeps_customer(self):
        self.ticket.delete()
        self.assertTrue(Customer.objects.filter(email="ines.moreau@example.com").exists())
        self.assertEqual(LoyaltyAccount.objects.filter(customer=self.customer).count(), 1)


class StaffRemovalTest(TestCase):
    fixtures = ["staff", "customers"]

    @classmethod
    def setUpTestData(cls):
        cls.agent = User.objects.get(username="jsupport")
        opened = datetime(2024, 8, 8, tzinfo=UTC)
        cls.ticket_ids = [
            Ticket.objects.create(customer_id=pk, assignee=cls.agent, subject="Where is my order?", opened_at=opened).pk
            for pk in (5, 6, 7)
        ]

    def test_deleting_agent_unassigns_tickets(self):
        self.agent.delete()
        tickets = Ticket.objects.filter(pk__in=self.ticket_ids)
        self.assertEqual(tickets.count(), 3)
        self.assertEqual(tickets.unassigned().count(), 3)
        self.assertEqual(Group.objects.get(name="Support").user_set.count(), 8)

    def test_deactivated_agent_keeps_tickets_but_gets_no_new_ones(self):
        User.objects.filter(pk=self.agent.pk).update(is_active=False)
        self.assertEqual(Ticket.objects.assigned_to(self.agent).count(), 3)
        self.assertEqual(services.least_busy_agent().username, "mchen")
        with self.assertRaises(ValueError):
            Ticket.objects.get(pk=self.ticket_ids[0]).assign_to(User.objects.get(pk=self.agent.pk))


class OrderTicketReportTest(TestCase):
    """Customer 12 places the most orders; their complaints about them."""

    fixtures = ["orders", "customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        customer = Customer.objects.get(pk=12)
        cls.cancelled = services.open_ticket(
            customer, "Refund not received", datetime(2025, 1, 2, tzinfo=UTC), order=Order.objects.get(pk=12), priority=3
        )
        cls.shipped = services.open_ticket(
            customer, "Item arrived damaged", datetime(2025, 1, 3, tzinfo=UTC), order=Order.objects.get(pk=93)
        )

    def test_customer_has_seven_orders(self):
        self.assertEqual(Order.objects.filter(customer_id=12).count(), 7)

    def test_disputed_value(self):
        totals = Order.objects.filter(tickets__customer_id=12).values_list("total", flat=True)
        self.assertEqual(sum(totals, Decimal("0.00")), Decimal("7873.77") + Decimal("539.91"))

    def test_tickets_by_order_status(self):
        self.assertEqual(
            list(Ticket.objects.filter(order__status="cancelled").values_list("pk", flat=True)), [self.cancelled.pk]
        )
        self.assertEqual(list(Ticket.objects.order_by("-order__total").values_list("subject", flat=True)),
                         ["Refund not received", "Item arrived damaged"])

    def test_orders_without_tickets(self):
        self.assertEqual(Order.objects.filter(customer_id=12, tickets__isnull=True).count(), 5)


class GroupMembershipRoutingTest(TestCase):
    """Moving people between the Support and Warehouse groups changes routing."""

    fixtures = ["staff"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.create(
            email="paul.meyer@example.com", first_name="Paul", last_name="Meyer", city="Bremen", joined="2020-12-12"
        )
        cls.support = Group.objects.get(name="Support")
        cls.ticket = Ticket.objects.create(
            customer=cls.customer, assignee=User.objects.get(username="jsupport"),
            subject="Wrong size delivered", opened_at=datetime(2024, 2, 2, tzinfo=UTC),
        )

    def test_warehouse_user_needs_support_group_to_take_over(self):
        jsupport = User.objects.get(username="jsupport")
        cdubois = User.objects.get(username="cdubois")
        with self.assertRaises(ValueError):
            services.reassign_tickets(jsupport, cdubois)
        cdubois.groups.add(self.support)
        self.assertEqual(services.reassign_tickets(jsupport, cdubois), 1)
        self.assertEqual(services.workload_by_assignee(), {"cdubois": 1})

    def test_leaving_support_removes_from_rotation(self):
        self.support.user_set.remove(*User.objects.filter(username__in=["mchen", "rgarcia"]))
        # jsupport holds a ticket; mchen and rgarcia are out, so tkowalski (pk 5) is next
        self.assertEqual(services.least_busy_agent().username, "tkowalski")

    def test_superuser_is_not_in_rotation(self):
        self.support.user_set.clear()
        self.assertIsNone(services.least_busy_agent())
        Ticket.objects.get(pk=self.ticket.pk).assign_to(User.objects.get(username="admin"))
        self.assertEqual(services.workload_by_assignee(), {"admin": 1})


class StaffCommentAuthorsTest(TestCase):
    """Comment authors are free text; match them against staff and customers."""

    fixtures = ["customers", "staff"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.get(pk=40)
        cls.ticket = Ticket.objects.create(
            customer=cls.customer, assignee=User.objects.get(username="kmurphy"), status="waiting",
            subject="Question about warranty", opened_at=datetime(2024, 9, 9, 9, 0, tzinfo=UTC),
        )
        for minutes, author in enumerate(["Kate Murphy", "Noah Green", "Kate Murphy", "Jane Porter"]):
            cls.ticket.comments.create(
                author_name=author, body="…", created_at=datetime(2024, 9, 9, 10, minutes, tzinfo=UTC)
            )

    def staff_names(self):
        return {user.get_full_name() for user in User.objects.all()}

    def test_staff_vs_customer_comments(self):
        authors = Counter(self.ticket.comments.values_list("author_name", flat=True))
        staff = self.staff_names()
        self.assertEqual(sum(n for name, n in authors.items() if name in staff), 3)
        self.assertEqual(sum(n for name, n in authors.items() if name == self.customer.full_name), 1)

    def test_customer_reply_reopens_waiting_ticket(self):
        self.ticket.add_comment("Noah Green", "Any update?", created_at=datetime(2024, 9, 12, tzinfo=UTC))
        self.assertEqual(Ticket.objects.get(pk=self.ticket.pk).status, "open")

    def test_agent_reply_does_not(self):
        self.ticket.add_comment("Kate Murphy", "Waiting for the manufacturer.", created_at=datetime(2024, 9, 12, tzinfo=UTC))
        self.assertEqual(Ticket.objects.get(pk=self.ticket.pk).status, "waiting")
        self.assertEqual(self.ticket.last_activity(), datetime(2024, 9, 12, tzinfo=UTC))
