"""Model-level tests for support.Ticket / support.Comment and the ticket queryset."""
from datetime import datetime, timedelta, timezone as dt_timezone

from django.contrib.auth.models import User
from django.test import TestCase

from accounts.models import Customer, LoyaltyAccount
from support.models import Comment, Ticket

UTC = dt_timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class TicketFixtureValuesTest(TestCase):
    """Spot checks of the tickets fixture against FIXTURE_FACTS.md."""

    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_first_ticket(self):
        ticket = Ticket.objects.select_related("customer", "order", "assignee").get(pk=1)
        self.assertEqual(ticket.customer_id, 38)
        self.assertEqual(ticket.order_id, 96)
        self.assertEqual(ticket.assignee.username, "jsupport")
        self.assertEqual(ticket.subject, "Update my email address")
        self.assertEqual(ticket.status, "open")
        self.assertEqual(ticket.get_priority_display(), "High")
        self.assertEqual(ticket.comments.count(), 1)
        self.assertEqual(str(ticket), "#1 Update my email address")
        self.assertEqual(ticket.reference, "TCK-000001")

    def test_linked_order_belongs_to_ticket_customer(self):
        ticket = Ticket.objects.get(pk=1)
        self.assertEqual(ticket.order.customer_id, ticket.customer_id)
        self.assertEqual(ticket.customer.full_name, "Alexander Wright")

    def test_busiest_thread_comments_are_chronological(self):
        ticket = Ticket.objects.get(pk=12)
        authors = list(ticket.comments.values_list("author_name", flat=True))
        self.assertEqual(
            authors,
            ["Noah Miller", "Noah Miller", "Noah Miller", "Noah Miller", "Noah Miller"],
        )
        self.assertEqual(
            list(ticket.comments.values_list("created_at", flat=True)),
            sorted(ticket.comments.values_list("created_at", flat=True)),
        )
        self.assertEqual(ticket.customer.full_name, "Noah Miller")
        self.assertIsNone(ticket.assignee)

    def test_customer_31_has_a_single_ticket(self):
        self.assertFalse(Ticket.objects.filter(customer_id=1).exists())
        tickets = Ticket.objects.filter(customer_id=31)
        self.assertEqual(list(tickets.values_list("pk", flat=True)), [3])
        self.assertEqual(tickets.get().order.customer.email, "noah.williams@example.com")


class TicketQuerySetTest(TestCase):
    fixtures = ["tickets", "orders", "catalog", "customers", "staff"]

    def test_counts_per_status(self):
        expected = {"open": 12, "waiting": 8, "closed": 10}
        for status, count in expected.items():
            with self.subTest(status=status):
                self.assertEqual(Ticket.objects.filter(status=status).count(), count)

    def test_active_and_closed_partition_all_tickets(self):
        self.assertEqual(Ticket.objects.active().count(), 20)
        self.assertEqual(Ticket.objects.closed().count(), 10)
        self.assertFalse(Ticket.objects.active().filter(status="closed").exists())

    def test_unassigned_and_urgent(self):
        self.assertEqual(Ticket.objects.unassigned().count(), 6)
        self.assertEqual(Ticket.objects.urgent().count(), 4)
        self.assertEqual(
            list(Ticket.objects.active().urgent().filter(status="open").order_by("pk").values_list("pk", flat=True)),
            [7, 18],
        )
        self.assertEqual(Ticket.objects.active().urgent().count(), 4)

    def test_comment_count_annotation(self):
        annotated = Ticket.objects.with_comment_count()
        self.assertEqual(annotated.filter(num_comments__gt=0).count(), 22)
        busiest = annotated.filter(num_comments=5).order_by("pk")
        self.assertEqual(list(busiest.values_list("pk", flat=True)), [12])
        self.assertEqual(sum(t.num_comments for t in annotated), 45)

    def test_last_activity_annotation(self):
        ticket = Ticket.objects.with_last_activity().get(pk=12)
        self.assertEqual(ticket.last_comment_at, utc(2023, 12, 11, 0, 10))
        self.assertIsNone(Ticket.objects.with_last_activity().get(pk=3).last_comment_at)

    def test_customer_and_assignee_filters(self):
        jsupport = User.objects.get(username="jsupport")
        self.assertEqual(Ticket.objects.assigned_to(jsupport).count(), 2)
        self.assertEqual(Ticket.objects.assigned_to(jsupport).closed().count(), 1)
        customer = Customer.objects.get(pk=38)
        self.assertEqual(
            list(Ticket.objects.for_customer(customer).order_by("pk").values_list("pk", flat=True)),
            [1, 7, 15],
        )


class TicketLifecycleTest(TestCase):
    """close(), reopen() and escalate() on real fixture tickets."""

    fixtures = ["staff", "orders", "customers", "tickets", "catalog"]

    def test_close_open_ticket(self):
        ticket = Ticket.objects.get(pk=2)
        ticket.close()
        self.assertEqual(Ticket.objects.get(pk=2).status, "closed")
        self.assertEqual(Ticket.objects.closed().count(), 11)

    def test_closing_twice_is_an_error(self):
        ticket = Ticket.objects.get(pk=4)
        with self.assertRaisesMessage(ValueError, "ticket 4 is already closed"):
            ticket.close()

    def test_reopen(self):
        ticket = Ticket.objects.get(pk=4)
        ticket.reopen()
        self.assertTrue(Ticket.objects.get(pk=4).is_active)
        with self.assertRaises(ValueError):
            Ticket.objects.get(pk=2).reopen()

    def test_escalating_a_waiting_ticket_reopens_it(self):
        ticket = Ticket.objects.get(pk=8)
        self.assertEqual((ticket.status, ticket.priority), ("waiting", 2))
        self.assertEqual(ticket.escalate(), 3)
        ticket.refresh_from_db()
        self.assertEqual((ticket.status, ticket.priority), ("open", 3))

    def test_urgent_tickets_cannot_be_escalated_further(self):
        ticket = Ticket.objects.get(pk=7)
        self.assertEqual(ticket.escalate(), 4)
        self.assertEqual(Ticket.objects.urgent().count(), 4)


class CommentActivityTest(TestCase):
    """Comments drive a ticket's last activity and reopen waiting tickets."""

    fixtures = ["staff", "customers"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.get(pk=1)
        cls.agent = User.objects.get(username="jsupport")
        cls.ticket = Ticket.objects.create(
            customer=cls.customer,
            assignee=cls.agent,
            subject="Where is my order?",
            status="waiting",
            opened_at=utc(2024, 5, 1, 9, 0),
        )
        cls.ticket.comments.create(
            author_name=cls.agent.get_full_name(),
            body="We have asked the courier for an update, please bear with us.",
            created_at=utc(2024, 5, 2, 10, 0),
        )

    def test_last_activity_is_latest_comment(self):
        self.assertEqual(self.ticket.last_activity(), utc(2024, 5, 2, 10, 0))

    def test_agent_comment_keeps_ticket_waiting(self):
        self.ticket.add_comment("Jane Porter", "Any news from you?", created_at=utc(2024, 5, 5))
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, "waiting")
        self.assertEqual(self.ticket.comments.count(), 2)

    def test_customer_reply_reopens_ticket(self):
        comment = self.ticket.add_comment("Ava Scott", "Still nothing arrived.", created_at=utc(2024, 5, 6))
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, "open")
        self.assertEqual(self.ticket.last_activity(), comment.created_at)
        self.assertEqual(str(comment), f"Comment by Ava Scott on #{self.ticket.pk}")

    def test_staleness_uses_last_comment(self):
        self.assertFalse(self.ticket.is_stale(utc(2024, 5, 15), days=14))
        self.assertTrue(self.ticket.is_stale(utc(2024, 5, 17), days=14))

    def test_excerpt(self):
        comment = self.ticket.comments.get()
        self.assertEqual(comment.excerpt, "We have asked the courier for…")


class TicketAssignmentRulesTest(TestCase):
    """Only active staff from the Support group (or superusers) may own tickets."""

    fixtures = ["staff"]

    @classmethod
    def setUpTestData(cls):
        customer = Customer.objects.create(
            email="kim.lee@example.com", first_name="Kim", last_name="Lee", city="Oslo", joined="2024-01-15"
        )
        cls.ticket = Ticket.objects.create(customer=customer, subject="Account locked", opened_at=utc(2024, 6, 1))

    def test_support_member_can_be_assigned(self):
        agent = User.objects.get(username="mchen")
        self.ticket.assign_to(agent)
        self.assertEqual(Ticket.objects.get(pk=self.ticket.pk).assignee, agent)

    def test_member_of_support_and_warehouse_can_be_assigned(self):
        self.ticket.assign_to(User.objects.get(username="bokafor"))
        self.assertEqual(Ticket.objects.get(pk=self.ticket.pk).assignee.username, "bokafor")

    def test_superuser_can_be_assigned(self):
        self.ticket.assign_to(User.objects.get(username="admin"))
        self.assertTrue(Ticket.objects.get(pk=self.ticket.pk).assignee.is_superuser)

    def test_warehouse_and_inactive_users_are_rejected(self):
        for username in ("cdubois", "gwilson", "mpatel"):
            with self.subTest(username=username):
                with self.assertRaisesMessage(ValueError, f"{username} cannot be assigned"):
                    self.ticket.assign_to(User.objects.get(username=username))
        self.assertIsNone(Ticket.objects.get(pk=self.ticket.pk).assignee)

    def test_assign_without_saving(self):
        self.ticket.assign_to(User.objects.get(username="hsato"), save=False)
        self.assertEqual(self.ticket.assignee.username, "hsato")
        self.assertIsNone(Ticket.objects.get(pk=self.ticket.pk).assignee_id)


class TicketDefaultsTest(TestCase):
    """Builds its own rows; no fixtures."""

    def setUp(self):
        self.customer = Customer.objects.create(
            email="noor.haddad@example.com", first_name="Noor", last_name="Haddad", city="Lyon", joined="2023-03-03"
        )

    def test_new_ticket_defaults(self):
        ticket = Ticket.objects.create(customer=self.customer, subject="Invoice request", opened_at=utc(2024, 2, 1))
        self.assertEqual(ticket.status, "open")
        self.assertEqual(ticket.priority, 2)
        self.assertIsNone(ticket.assignee)
        self.assertEqual(ticket.reference, f"TCK-{ticket.pk:06d}")

    def test_unsaved_ticket_reference(self):
        self.assertEqual(Ticket(customer=self.customer, subject="x").reference, "TCK-new")

    def test_sla_and_overdue(self):
        ticket = Ticket.objects.create(
            customer=self.customer, subject="Item arrived damaged", priority=3, opened_at=utc(2024, 2, 1, 12)
        )
        self.assertEqual(ticket.sla_deadline(), utc(2024, 2, 2, 12))
        self.assertFalse(ticket.is_overdue(now=utc(2024, 2, 2, 12)))
        self.assertTrue(ticket.is_overdue(now=utc(2024, 2, 2, 12, 1)))
        ticket.close()
        self.assertFalse(ticket.is_overdue(now=utc(2025, 1, 1)))

    def test_customer_gets_loyalty_account_alongside_tickets(self):
        Ticket.objects.create(customer=self.customer, subject="Loyalty points missing", opened_at=utc(2024, 2, 1))
        account = LoyaltyAccount.objects.get(customer=self.customer)
        self.assertEqual((account.points, account.tier), (0, "bronze"))
        self.assertEqual(self.customer.tickets.count(), 1)


class TicketOrderingTest(TestCase):
    """Default ordering: most urgent first, then oldest, then pk."""

    @classmethod
    def setUpTestData(cls):
        customer = Customer.objects.create(
            email="otto.berg@example.com", first_name="Otto", last_name="Berg", city="Bergen", joined="2022-09-09"
        )
        cls.low = Ticket.objects.create(customer=customer, subject="Invoice request", priority=1, opened_at=utc(2024, 1, 1))
        cls.urgent_new = Ticket.objects.create(customer=customer, subject="Account locked", priority=4, opened_at=utc(2024, 3, 1))
        cls.urgent_old = Ticket.objects.create(customer=customer, subject="Refund not received", priority=4, opened_at=utc(2024, 2, 1))
        cls.normal = Ticket.objects.create(customer=customer, subject="Delivery delayed", priority=2, opened_at=utc(2023, 12, 1))
        Comment.objects.bulk_create(
            Comment(ticket=cls.urgent_old, author_name="Otto Berg", body=f"Reminder {n}", created_at=utc(2024, 2, 1 + n))
            for n in range(1, 4)
        )

    def test_default_ordering(self):
        self.assertEqual(
            list(Ticket.objects.all()),
            [self.urgent_old, self.urgent_new, self.normal, self.low],
        )

    def test_comment_counts_in_one_query(self):
        with self.assertNumQueries(1):
            counts = {t.pk: t.num_comments for t in Ticket.objects.with_comment_count()}
        self.assertEqual(counts, {self.urgent_old.pk: 3, self.urgent_new.pk: 0, self.normal.pk: 0, self.low.pk: 0})

    def test_comments_come_back_oldest_first(self):
        bodies = list(self.urgent_old.comments.values_list("body", flat=True))
        self.assertEqual(bodies, ["Reminder 1", "Reminder 2", "Reminder 3"])
