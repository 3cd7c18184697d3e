"""The JSON order detail view (/orders/<pk>/)."""
from datetime import datetime, timezone
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from accounts.models import Customer
from orders.models import Order, ShippingMethod
from orders.services import cancel_order, place_order


class OrderDetailViewTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_url(self):
        self.assertEqual(reverse("orders:order-detail", args=[1]), "/orders/1/")

    def test_single_line_order(self):
        response = self.client.get("/orders/41/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {
            "id": 41,
            "customer": 10,
            "status": "shipped",
            "placed_at": "2024-03-25T06:27:00+00:00",
            "shipping_method": "standard",
            "total": "539.99",
            "lines": [{"product": 62, "quantity": 1, "unit_price": "535.00"}],
        })

    def test_query_count(self):
        # One query for the order and its shipping method, one for the lines.
        with self.assertNumQueries(2):
            self.client.get(reverse("orders:order-detail", args=[2]))

    def test_unknown_order(self):
        self.assertEqual(self.client.get("/orders/111/").status_code, 404)


class OrderDetailMultiLineViewTest(TestCase):
    fixtures = ["catalog", "customers", "orders"]

    def test_lines_add_up_to_total(self):
        data = self.client.get("/orders/31/").json()
        self.assertEqual(len(data["lines"]), 5)
        lines_sum = sum(Decimal(line["unit_price"]) * line["quantity"] for line in data["lines"])
        self.assertEqual(lines_sum + Decimal("4.99"), Decimal(data["total"]))

    def test_lines_are_in_pk_order(self):
        products = [line["product"] for line in self.client.get("/orders/31/").json()["lines"]]
        self.assertEqual(products, [96, 3, 94, 95, 11])

    def test_detail_for_each_shipping_method(self):
        for pk, code in [(41, "standard"), (50, "express"), (100, "overnight")]:
            with self.subTest(order=pk):
                self.assertEqual(self.client.get(f"/orders/{pk}/").json()["shipping_method"], code)


class OrderDetailNotFoundTest(TestCase):
    """With customers and catalog but no orders loaded, every order is a 404."""

    fixtures = ["customers", "catalog"]

    def test_fixture_order_pks_are_missing(self):
        for pk in (1, 55, 110):
            with self.subTest(pk=pk):
                self.assertEqual(self.client.get(f"/orders/{pk}/").status_code, 404)

    def test_non_numeric_pk_does_not_resolve(self):
        self.assertEqual(self.client.get("/orders/ORD-2024-000001/").status_code, 404)
        self.assertEqual(Order.objects.count(), 0)


class OrderDetailForNewOrderTest(TestCase):
    fixtures = ["customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        cls.order = place_order(
            Customer.objects.get(pk=1),
            [(1, 1), (96, 2)],
            ShippingMethod.objects.get(code="overnight"),
            placed_at=datetime(2025, 2, 14, 8, 30, tzinfo=timezone.utc),
        )

    def test_pending_order_detail(self):
        data = self.client.get(f"/orders/{self.order.pk}/").json()
        self.assertEqual(data["status"], "pending")
        self.assertEqual(data["customer"], 1)
        self.assertEqual(data["total"], "348.97")
        self.assertEqual(data["placed_at"], "2025-02-14T08:30:00+00:00")

    def test_lines(self):
        data = self.client.get(f"/orders/{self.order.pk}/").json()
        self.assertEqual(data["lines"], [
            {"product": 1, "quantity": 1, "unit_price": "304.00"},
            {"product": 96, "quantity": 2, "unit_price": "12.49"},
        ])


class OrderDetailAfterCancelTest(TestCase):
    fixtures = ["shipping", "customers", "catalog", "orders"]

    def test_status_changes_in_detail(self):
        self.assertEqual(self.client.get("/orders/82/").json()["status"], "pending")
        cancel_order(Order.objects.get(pk=82))
        data = self.client.get("/orders/82/").json()
        self.assertEqual(data["status"], "cancelled")
        self.assertEqual(data["total"], "4301.98")

    def test_deleted_order_is_gone(self):
        Order.objects.filter(pk=82).delete()
        self.assertEqual(self.client.get("/orders/82/").status_code, 404)
        self.assertEqual(self.client.get("/orders/6/").status_code, 200)
