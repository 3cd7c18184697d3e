"""Smoke test: every fixture loads together and matches FIXTURE_FACTS.md."""
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.test import TestCase

from accounts.models import Address, Customer, LoyaltyAccount
from catalog.models import Category, Product, Promotion, Tag
from orders.models import Order, OrderLine, ShippingMethod
from support.models import Comment, Ticket


class FixturesLoadTest(TestCase):
    fixtures = ["customers", "catalog", "orders", "staff", "tickets", "promotions"]

    def test_counts(self):
        self.assertEqual(Customer.objects.count(), 40)
        self.assertEqual(Address.objects.count(), 65)
        self.assertEqual(LoyaltyAccount.objects.count(), 40)
        self.assertEqual(Group.objects.count(), 3)
        self.assertEqual(User.objects.count(), 17)
        self.assertEqual(Category.objects.count(), 20)
        self.assertEqual(Tag.objects.count(), 30)
        self.assertEqual(Product.objects.count(), 100)
        self.assertEqual(Product.tags.through.objects.count(), 258)
        self.assertEqual(Promotion.objects.count(), 20)
        self.assertEqual(ShippingMethod.objects.count(), 3)
        self.assertEqual(Order.objects.count(), 110)
        self.assertEqual(OrderLine.objects.count(), 339)
        self.assertEqual(Ticket.objects.count(), 30)
        self.assertEqual(Comment.objects.count(), 45)

    def test_known_values(self):
        customer = Customer.objects.get(pk=1)
        self.assertEqual(customer.email, "ava.scott@example.net")
        self.assertEqual(customer.city, "Rotterdam")
        self.assertEqual(customer.loyalty.tier, "bronze")
        self.assertEqual(Order.objects.filter(status="paid").count(), 30)
        self.assertEqual(Category.objects.get_by_natural_key("womens").products.count(), 5)
        self.assertEqual(Product.objects.get(pk=1).category.slug, "lighting")
        self.assertTrue(User.objects.get(username="admin").check_password("secret"))

    def test_order_totals_match_lines(self):
        grand_total = Decimal("0.00")
        for order in Order.objects.select_related("shipping_method").prefetch_related("lines"):
            self.assertEqual(order.total, order.lines_total() + order.shipping_method.price, order.pk)
            grand_total += order.total
        self.assertEqual(grand_total, Decimal("462582.11"))

    def test_new_rows_get_fresh_pks(self):
        method = ShippingMethod.objects.create(code="pickup", name="Pickup", price=Decimal("0.00"))
        self.assertGreater(method.pk, 3)
        customer = Customer.objects.create(
            email="new.customer@example.com", first_name="New", last_name="Customer",
            city="Oslo", joined="2024-05-01",
        )
        self.assertGreater(customer.pk, 40)
        self.assertEqual(LoyaltyAccount.objects.filter(customer=customer).count(), 1)

    def test_views(self):
        self.assertEqual(self.client.get("/health/").content, b"ok")
        self.assertEqual(self.client.get("/catalog/products/1/").json()["sku"], "LGT-1001")
        self.assertEqual(self.client.get("/orders/1/").json()["total"], "1303.92")
        self.assertEqual(self.client.get("/accounts/customers/1/").json()["city"], "Rotterdam")
        self.assertEqual(self.client.get("/support/tickets/1/").json()["order"], 96)
