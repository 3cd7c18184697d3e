"""JSON views of the support app."""
from datetime import datetime, timezone as dt_timezone

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from accounts.models import Customer
from accounts.tests.test_staff import StaffAuthenticationTests
from support.models import Ticket

UTC = dt_timezone.utc


class TicketDetailViewTest(TestCase):
    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_closed_ticket_with_order(self):
        data = self.client.get(reverse("support:ticket-detail", args=[4])).json()
        self.assertEqual(
            data,
            {
                "id": 4,
                "subject": "Update my email address",
                "status": "closed",
                "priority": 3,
                "customer": 33,
                "order": 34,
                "assignee": "fnguyen",
                "comments": 0,
            },
        )

    def test_ticket_with_most_comments(self):
        data = self.client.get("/support/tickets/12/").json()
        self.assertEqual(data["comments"], 5)
        self.assertIsNone(data["assignee"])
        self.assertIsNone(data["order"])

    def test_unassigned_ticket(self):
        self.assertIsNone(self.client.get("/support/tickets/6/").json()["assignee"])

    def test_missing_ticket_is_404(self):
        self.assertEqual(self.client.get("/support/tickets/31/").status_code, 404)


class TicketListViewTest(TestCase):
    fixtures = ["customers", "catalog", "orders", "staff", "tickets"]
    url = "/support/tickets/"

    def count(self, **params):
        response = self.client.get(self.url, params)
        self.assertEqual(response.status_code, 200)
        return response.json()["count"]

    def test_filters(self):
        cases = [
            ({}, 30),
            ({"status": "waiting"}, 8),
            ({"status": "closed"}, 10),
            ({"priority": "4"}, 4),
            ({"assignee": "none"}, 6),
            ({"assignee": "jsupport"}, 2),
            ({"assignee": "jsupport", "status": "closed"}, 1),
        ]
        for params, expected in cases:
            with self.subTest(**params):
                self.assertEqual(self.count(**params), expected)

    def test_urgent_open_tickets(self):
        results = self.client.get(self.url, {"status": "open", "priority": 4}).json()["results"]
        self.assertEqual([row["id"] for row in results], [7, 18])
        self.assertEqual([row["reference"] for row in results][0], "TCK-000007")
        self.assertEqual([row["assignee"] for row in results], ["alarsen", "tkowalski"])

    def test_rejects_unknown_filters(self):
        self.assertEqual(self.client.get(self.url, {"status": "resolved"}).status_code, 400)
        response = self.client.get(self.url, {"priority": "7"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "unknown priority '7'")

    def test_list_is_a_single_query(self):
        with self.assertNumQueries(1):
            response = self.client.get(self.url, {"status": "open"})
        self.assertEqual(response.json()["count"], 12)

    def test_stats(self):
        data = self.client.get(reverse("support:ticket-stats")).json()
        self.assertEqual(data["by_status"], {"open": 12, "waiting": 8, "closed": 10})
        self.assertEqual(data["unassigned"], 6)
        self.assertEqual(data["urgent_active"], 4)


class CustomerTicketsViewTest(TestCase):
    fixtures = ["customers"]

    @classmethod
    def setUpTestData(cls):
        cls.noah = Customer.objects.get(pk=40)
        cls.first = Ticket.objects.create(
            customer=cls.noah, subject="Update my email address", opened_at=datetime(2024, 9, 1, tzinfo=UTC)
        )
        cls.second = Ticket.objects.create(
            customer=cls.noah, subject="Account locked", priority=4, status="waiting",
            opened_at=datetime(2024, 9, 3, tzinfo=UTC),
        )

    def test_lists_customer_tickets_in_pk_order(self):
        data = self.client.get(reverse("support:customer-tickets", args=[40])).json()
        self.assertEqual(data["email"], "noah.green@example.org")
        self.assertEqual([row["id"] for row in data["tickets"]], [self.first.pk, self.second.pk])
        self.assertEqual(data["tickets"][1]["status"], "waiting")
        self.assertEqual(data["tickets"][1]["reference"], f"TCK-{self.second.pk:06d}")

    def test_customer_without_tickets(self):
        data = self.client.get("/support/customers/1/tickets/").json()
        self.assertEqual(data, {"customer": 1, "email": "ava.scott@example.net", "tickets": []})

    def test_unknown_customer(self):
        self.assertEqual(self.client.get("/support/customers/41/tickets/").status_code, 404)


class StaffTicketFilterViewTest(TestCase):
    """Filtering the ticket list by agent with hand-made tickets."""

    fixtures = ["staff", "customers"]

    @classmethod
    def setUpTestData(cls):
        kmurphy = User.objects.get(username="kmurphy")
        hsato = User.objects.get(username="hsato")
        opened = datetime(2024, 10, 1, tzinfo=UTC)
        cls.tickets = {
            "k1": Ticket.objects.create(customer_id=10, assignee=kmurphy, subject="Wrong size delivered", opened_at=opened),
            "k2": Ticket.objects.create(customer_id=11, assignee=kmurphy, subject="Refund not received", status="closed", opened_at=opened),
            "h1": Ticket.objects.create(customer_id=12, assignee=hsato, subject="Missing item in parcel", opened_at=opened),
            "u1": Ticket.objects.create(customer_id=13, subject="Invoice request", opened_at=opened),
        }

    def ids(self, **params):
        return [row["id"] for row in self.client.get("/support/tickets/", params).json()["results"]]

    def test_by_agent(self):
        self.assertEqual(self.ids(assignee="kmurphy"), [self.tickets["k1"].pk, self.tickets["k2"].pk])
        self.assertEqual(self.ids(assignee="hsato"), [self.tickets["h1"].pk])
        self.assertEqual(self.ids(assignee="jsupport"), [])

    def test_unassigned(self):
        self.assertEqual(self.ids(assignee="none"), [self.tickets["u1"].pk])

    def test_agent_and_status(self):
        self.assertEqual(self.ids(assignee="kmurphy", status="open"), [self.tickets["k1"].pk])

    def test_stats_reflect_hand_made_rows(self):
        data = self.client.get("/support/tickets/stats/").json()
        self.assertEqual(data, {"by_status": {"open": 3, "waiting": 0, "closed": 1}, "unassigned": 1, "urgent_active": 0})


class TicketCommentsViewTest(TestCase):
    fixtures = ["staff"]

    @classmethod
    def setUpTestData(cls):
        customer = Customer.objects.create(
            email="mara.ionescu@example.com", first_name="Mara", last_name="Ionescu", city="Cluj", joined="2023-08-08"
        )
        cls.ticket = Ticket.objects.create(
            customer=customer, assignee=User.objects.get(username="alarsen"),
            subject="Discount code not applied", opened_at=datetime(2024, 5, 5, 8, 0, tzinfo=UTC),
        )
        agent_name = User.objects.get(username="alarsen").get_full_name()
        # created out of order on purpose
        cls.ticket.comments.create(author_name=agent_name, body="The code has been applied manually.",
                                   created_at=datetime(2024, 5, 6, 9, 30, tzinfo=UTC))
        cls.ticket.comments.create(author_name="Mara Ionescu", body="The code SPRING10 was rejected.",
                                   created_at=datetime(2024, 5, 5, 8, 5, tzinfo=UTC))

    def test_comments_are_chronological(self):
        data = self.client.get(reverse("support:ticket-comments", args=[self.ticket.pk])).json()
        self.assertEqual(data["ticket"], self.ticket.pk)
        self.assertEqual([c["author"] for c in data["comments"]], ["Mara Ionescu", "Anna Larsen"])
        self.assertEqual(data["comments"][0]["created_at"], "2024-05-05T08:05:00+00:00")

    def test_detail_counts_comments(self):
        data = self.client.get(reverse("support:ticket-detail", args=[self.ticket.pk])).json()
        self.assertEqual((data["comments"], data["assignee"]), (2, "alarsen"))

    def test_comments_of_missing_ticket(self):
        self.assertEqual(self.client.get(f"/support/tickets/{self.ticket.pk + 1}/comments/").status_code, 404)


class SupportViewsOnEmptyDatabaseTest(TestCase):
    """No fixtures: the views must cope with an empty support desk."""

    def test_stats_are_all_zero(self):
        data = self.client.get("/support/tickets/stats/").json()
        self.assertEqual(data, {"by_status": {"open": 0, "waiting": 0, "closed": 0}, "unassigned": 0, "urgent_active": 0})

    def test_empty_list(self):
        self.assertEqual(self.client.get("/support/tickets/").json(), {"count": 0, "results": []})

    def test_detail_and_comments_404(self):
        for url in ("/support/tickets/1/", "/support/tickets/1/comments/", "/support/customers/1/tickets/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_invalid_priority_is_rejected_before_querying(self):
        with self.assertNumQueries(0):
            response = self.client.get("/support/tickets/", {"priority": "urgent"})
        self.assertEqual(response.status_code, 400)


class AssigneeDisplayViewTest(TestCase):
    """What the views show when the assigned agent disappears."""

    fixtures = ["customers", "staff"]

    @classmethod
    def setUpTestData(cls):
        cls.agent = User.objects.get(username="rgarcia")
        cls.ticket = Ticket.objects.create(
            customer_id=32, assignee=cls.agent, subject="Cancel my order", priority=3,
            opened_at=datetime(2024, 12, 1, tzinfo=UTC),
        )

    def test_shows_username(self):
        self.assertEqual(self.client.get(f"/support/tickets/{self.ticket.pk}/").json()["assignee"], "rgarcia")

    def test_deleted_agent_leaves_ticket_unassigned(self):
        self.agent.delete()
        data = self.client.get(f"/support/tickets/{self.ticket.pk}/").json()
        self.assertIsNone(data["assignee"])
        self.assertEqual(self.client.get("/support/tickets/", {"assignee": "none"}).json()["count"], 1)

    def test_customer_listing_shows_agent(self):
        rows = self.client.get("/support/customers/32/tickets/").json()["tickets"]
        self.assertEqual([(row["assignee"], row["priority"]) for row in rows], [("rgarcia", 3)])


class AgentSignInViewTest(StaffAuthenticationTests):
    """The staff sign-in checks again with the support data loaded: a base class with tests,
    imported from another app's test module (Django runs the base's own tests once)."""

    fixtures = ["staff", "customers", "catalog", "orders", "tickets"]

    def test_signed_in_agent_sees_the_ticket_assignee(self):
        self.assertTrue(self.client.login(username="fnguyen", password="secret"))
        self.assertEqual(self.client.get("/support/tickets/4/").json()["assignee"], "fnguyen")
