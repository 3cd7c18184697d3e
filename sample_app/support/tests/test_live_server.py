"""The JSON API served by a real HTTP server (catalog data + a fresh support desk)."""
import json
from datetime import datetime, timezone as dt_timezone
from urllib.error import HTTPError
from urllib.request import urlopen

from django.test import LiveServerTestCase, override_settings

from accounts.models import Customer
from support.models import Ticket

UTC = dt_timezone.utc


# The project serves no static files and leaves STATIC_URL unset, which the
# live server's static handler cannot cope with.
@override_settings(STATIC_URL="/static/")
class SupportApiLiveServerTest(LiveServerTestCase):
    # Only the catalog: the support rows are created per test, because
    # TransactionTestCase flushes the tables afterwards anyway.
    fixtures = ["catalog"]

    def setUp(self):
        self.customer = Customer.objects.create(
            email="yara.costa@example.com", first_name="Yara", last_name="Costa", city="Porto", joined="2024-04-04"
        )
        self.ticket = Ticket.objects.create(
            customer=self.customer, subject="Question about warranty", priority=3,
            opened_at=datetime(2024, 12, 1, 9, 30, tzinfo=UTC),
        )
        self.ticket.comments.create(
            author_name="Yara Costa", body="Is the Trail Pendant Light C53 covered for five years?",
            created_at=datetime(2024, 12, 1, 9, 35, tzinfo=UTC),
        )

    def fetch(self, path):
        with urlopen(self.live_server_url + path, timeout=30) as response:
            self.assertEqual(response.headers["Content-Type"], "application/json")
            return json.loads(response.read().decode("utf-8"))

    def test_product_the_ticket_asks_about(self):
        data = self.fetch("/catalog/products/1/")
        self.assertEqual((data["sku"], data["name"], data["price"]), ("LGT-1001", "Trail Pendant Light C53", "304.00"))
        self.assertEqual(data["category"], "lighting")
        self.assertEqual(data["stock"], 209)

    def test_most_expensive_product(self):
        data = self.fetch("/catalog/products/18/")
        self.assertEqual((data["sku"], data["price"], data["category"]), ("LAP-1018", "2363.99", "laptops"))

    def test_ticket_detail_and_comments(self):
        data = self.fetch(f"/support/tickets/{self.ticket.pk}/")
        self.assertEqual(data["customer"], self.customer.pk)
        self.assertEqual((data["status"], data["priority"], data["comments"]), ("open", 3, 1))
        comments = self.fetch(f"/support/tickets/{self.ticket.pk}/comments/")["comments"]
        self.assertEqual(comments[0]["created_at"], "2024-12-01T09:35:00+00:00")

    def test_stats_and_customer_listing(self):
        self.assertEqual(
            self.fetch("/support/tickets/stats/"),
            {"by_status": {"open": 1, "waiting": 0, "closed": 0}, "unassigned": 1, "urgent_active": 0},
        )
        data = self.fetch(f"/support/customers/{self.customer.pk}/tickets/")
        self.assertEqual(data["email"], "yara.costa@example.com")
        self.assertEqual([row["reference"] for row in data["tickets"]], [self.ticket.reference])

    def test_missing_objects_are_404(self):
        for path in ("/catalog/products/101/", f"/support/tickets/{self.ticket.pk + 1}/"):
            with self.subTest(path=path):
                with self.assertRaises(HTTPError) as caught:
                    self.fetch(path)
                self.assertEqual(caught.exception.code, 404)
