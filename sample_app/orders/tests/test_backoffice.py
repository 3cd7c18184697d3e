"""Back-office reports and archiving orders into the archive database."""
from datetime import date, datetime, timezone
from decimal import Decimal

from django.test import TestCase

from accounts.models import Address, Customer, LoyaltyAccount
from catalog.models import Category, Product
from orders.archive import archive_order
from orders.models import Order, OrderLine, ShippingMethod
from orders.reports import (
    best_sellers,
    customers_without_orders,
    monthly_revenue,
    revenue_by_status,
    shipping_mix,
    top_customers,
)
from orders.services import place_order


class RevenueByStatusReportTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_revenue_per_status(self):
        self.assertEqual(revenue_by_status(), {
            "pending": Decimal("56459.33"),
            "paid": Decimal("137636.49"),
            "shipped": Decimal("220114.54"),
            "cancelled": Decimal("48371.75"),
        })

    def test_adds_up_to_grand_total(self):
        self.assertEqual(sum(revenue_by_status().values()), Decimal("462582.11"))

    def test_cancelling_moves_revenue(self):
        order = Order.objects.get(pk=50)
        Order.objects.filter(pk=50).update(status="cancelled")
        report = revenue_by_status()
        self.assertEqual(report["paid"], Decimal("137636.49") - order.total)
        self.assertEqual(report["cancelled"], Decimal("48371.75") + Decimal("1677.44"))


class MonthlyRevenueReportTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_2024_months(self):
        report = monthly_revenue(2024)
        self.assertEqual(list(report), list(range(1, 13)))
        self.assertEqual(report[1], Decimal("13235.66"))
        self.assertEqual(report[4], Decimal("6241.33"))
        self.assertEqual(report[12], Decimal("9427.31"))

    def test_year_total_matches_queryset(self):
        expected = (
            Order.objects.with_status("paid", "shipped")
            .placed_between(datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2025, 1, 1, tzinfo=timezone.utc))
            .revenue()
        )
        self.assertEqual(sum(monthly_revenue(2024).values()), expected)
        self.assertEqual(expected, Decimal("162539.95"))

    def test_year_without_orders(self):
        self.assertEqual(monthly_revenue(2022), {})

    def test_all_statuses(self):
        everything = monthly_revenue(2023, statuses=("pending", "paid", "shipped", "cancelled"))
        self.assertEqual(sum(everything.values()), Decimal("462582.11") - Decimal("215998.41"))


class TopCustomersReportTest(TestCase):
    fixtures = ["orders", "customers", "catalog"]

    def test_top_two_are_tied(self):
        # With the smaller fixtures the tie (5 orders each) is on places 3 and 4: broken by pk.
        self.assertEqual(top_customers(limit=4), [(12, 7), (39, 6), (9, 5), (34, 5)])

    def test_limit(self):
        self.assertEqual(len(top_customers()), 5)
        self.assertEqual(len(top_customers(limit=200)), 37)

    def test_customers_without_orders(self):
        self.assertEqual([c.email for c in customers_without_orders()][0], "noah.dubois@example.org")
        self.assertEqual(list(customers_without_orders().values_list("pk", flat=True)), [20, 25, 32])


class BestSellersReportTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_including_cancelled_orders(self):
        self.assertEqual(best_sellers(limit=1, exclude_cancelled=False), [(45, 21)])

    def test_excluding_cancelled_orders(self):
        self.assertEqual(best_sellers(limit=5), [(45, 21), (75, 21), (67, 20), (57, 18), (95, 17)])

    def test_matches_python_count(self):
        units = {}
        for product_id, quantity in OrderLine.objects.exclude(order__status="cancelled").values_list(
                "product_id", "quantity"):
            units[product_id] = units.get(product_id, 0) + quantity
        expected = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        self.assertEqual(best_sellers(limit=10), expected)


class ShippingMixReportTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_orders_per_method(self):
        self.assertEqual(shipping_mix(), {"standard": 53, "express": 40, "overnight": 17})

    def test_unused_method_is_absent(self):
        ShippingMethod.objects.create(code="pickup", name="Pickup", price=Decimal("0.00"))
        self.assertNotIn("pickup", shipping_mix())
        self.assertEqual(sum(shipping_mix().values()), 110)

    def test_query_count(self):
        with self.assertNumQueries(1):
            shipping_mix()


class ReportsWithNewOrdersTest(TestCase):
    fixtures = ["shipping", "customers", "catalog", "orders"]

    @classmethod
    def setUpTestData(cls):
        overnight = ShippingMethod.objects.get(code="overnight")
        cls.orders = [
            place_order(Customer.objects.get(pk=pk), [(96, 1)], overnight,
                        placed_at=datetime(2024, 12, 31, hour, 0, tzinfo=timezone.utc))
            for hour, pk in enumerate((20, 25, 32), start=18)
        ]
        for order in cls.orders:
            order.set_status("paid")

    def test_shipping_mix(self):
        self.assertEqual(shipping_mix()["overnight"], 20)

    def test_everyone_has_ordered(self):
        self.assertFalse(customers_without_orders().exists())

    def test_december_revenue(self):
        self.assertEqual(monthly_revenue(2024)[12], Decimal("9427.31") + 3 * Decimal("32.48"))
        self.assertEqual(revenue_by_status()["pending"], Decimal("56459.33"))


class ArchiveOrderTest(TestCase):
    """Copies an order, with what it points at, into the archive database."""

    databases = {"default", "archive"}

    @classmethod
    def setUpTestData(cls):
        parent = Category.objects.create(name="Garden", slug="garden")
        category = Category.objects.create(name="Tools", slug="garden-tools", parent=parent)
        cls.spade = Product.objects.create(sku="GDN-1", name="Spade", category=category,
                                           price=Decimal("34.50"), stock=12)
        cls.gloves = Product.objects.create(sku="GDN-2", name="Gloves", category=category,
                                            price=Decimal("9.95"), stock=40)
        cls.customer = Customer.objects.create(email="gardener@example.com", first_name="Gus", last_name="Gardener",
                                               city="Leiden", joined=date(2022, 3, 1))
        cls.address = Address.objects.create(customer=cls.customer, line1="1 Tulip Lane", city="Leiden",
                                             postcode="2311 AA", country="NL", is_default=True)
        cls.order = place_order(cls.customer, [(cls.spade, 1), (cls.gloves, 2)],
                                ShippingMethod.objects.get(code="standard"),
                                placed_at=datetime(2023, 5, 6, 7, 8, tzinfo=timezone.utc))

    def test_archive_starts_empty(self):
        self.assertEqual(Order.objects.using("archive").count(), 0)
        self.assertEqual(ShippingMethod.objects.using("archive").count(), 3)
        self.assertEqual(Order.objects.count(), 1)

    def test_copy_keeps_pks_and_values(self):
        archive_order(self.order)
        copy = Order.objects.using("archive").select_related("shipping_method").get(pk=self.order.pk)
        self.assertEqual(copy.total, Decimal("59.39"))
        self.assertEqual(copy.placed_at, self.order.placed_at)
        self.assertEqual(copy.shipping_method.code, "standard")
        self.assertEqual(copy.shipping_address_id, self.address.pk)
        self.assertEqual(list(copy.lines.values_list("product__sku", "quantity", "unit_price")),
                         [("GDN-1", 1, Decimal("34.50")), ("GDN-2", 2, Decimal("9.95"))])
        self.assertEqual(Category.objects.using("archive").get(slug="garden-tools").parent.slug, "garden")

    def test_source_is_untouched(self):
        archive_order(self.order)
        self.assertEqual(Order.objects.get(pk=self.order.pk).total, Decimal("59.39"))
        self.assertEqual(OrderLine.objects.filter(order=self.order).count(), 2)
        self.assertEqual(Product.objects.get(pk=self.spade.pk).stock, 11)

    def test_customer_copy_gets_loyalty_account_in_archive(self):
        archive_order(self.order)
        self.assertEqual(LoyaltyAccount.objects.using("archive").get(customer_id=self.customer.pk).tier, "bronze")
        self.assertEqual(LoyaltyAccount.objects.count(), 1)

    def test_archive_and_delete(self):
        archive_order(self.order, delete=True)
        self.assertFalse(Order.objects.filter(pk=self.order.pk).exists())
        self.assertEqual(OrderLine.objects.using("archive").filter(order_id=self.order.pk).count(), 2)
        self.assertEqual(Order.objects.using("archive").count(), 1)
        # The customer keeps their rows in the default database.
        self.assertTrue(Customer.objects.filter(pk=self.customer.pk).exists())

    def test_archiving_twice_updates_in_place(self):
        archive_order(self.order)
        Order.objects.filter(pk=self.order.pk).update(status="cancelled")
        archive_order(self.order)
        self.assertEqual(Order.objects.using("archive").get().status, "cancelled")
        self.assertEqual(Product.objects.using("archive").count(), 2)
