"""OrderQuerySet filters, annotations and revenue against the fixture data."""
from datetime import date, datetime, timezone
from decimal import Decimal

from django.db.models import F
from django.test import TestCase

from accounts.models import Customer
from orders.models import Order, OrderLine, ShippingMethod


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


class OrderStatusQuerySetTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_counts_per_status(self):
        expected = {"pending": 14, "paid": 30, "shipped": 54, "cancelled": 12}
        for status, count in expected.items():
            with self.subTest(status=status):
                self.assertEqual(Order.objects.with_status(status).count(), count)

    def test_paid_and_open(self):
        self.assertEqual(Order.objects.paid().count(), 30)
        self.assertEqual(Order.objects.open().count(), 14 + 30)
        self.assertFalse(Order.objects.open().filter(status__in=["shipped", "cancelled"]).exists())

    def test_with_several_statuses(self):
        self.assertEqual(Order.objects.with_status("shipped", "cancelled").count(), 66)
        self.assertEqual(Order.objects.with_status().count(), 0)

    def test_chains_with_manager_methods(self):
        self.assertEqual(Order.objects.paid().filter(shipping_method__code="overnight").count(),
                         Order.objects.filter(status="paid", shipping_method_id=3).count())


class OrderCustomerQuerySetTest(TestCase):
    fixtures = ["customers", "orders", "catalog"]

    def test_customer_one(self):
        customer = Customer.objects.get(email="ava.scott@example.net")
        self.assertEqual(sorted(Order.objects.for_customer(customer).values_list("pk", flat=True)), [36, 44, 77])

    def test_busiest_customer_newest_first(self):
        pks = list(Order.objects.for_customer(12).values_list("pk", flat=True))
        self.assertEqual(pks, [8, 93, 30, 27, 12, 10, 52])

    def test_open_orders_of_customer(self):
        self.assertEqual(sorted(Order.objects.for_customer(12).open().values_list("pk", flat=True)),
                         [8, 10, 27, 30, 52])

    def test_customers_without_orders(self):
        idle = Customer.objects.exclude(pk__in=Order.objects.values("customer")).order_by("pk")
        self.assertEqual(list(idle.values_list("pk", flat=True)), [20, 25, 32])
        self.assertFalse(Order.objects.for_customer(20).exists())


class OrderDateRangeQuerySetTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_orders_per_year(self):
        self.assertEqual(Order.objects.placed_between(utc(2023, 1, 1), utc(2024, 1, 1)).count(), 60)
        self.assertEqual(Order.objects.placed_between(utc(2024, 1, 1), utc(2025, 1, 1)).count(), 50)

    def test_range_end_is_exclusive(self):
        # Order 1 was placed at 2023-03-26T00:35:00Z.
        self.assertFalse(Order.objects.placed_between(utc(2023, 3, 26), utc(2023, 3, 26, 0, 35)).filter(pk=1).exists())
        self.assertTrue(Order.objects.placed_between(utc(2023, 3, 26, 0, 35), utc(2023, 3, 27)).filter(pk=1).exists())

    def test_placed_on_a_day(self):
        self.assertEqual(sorted(Order.objects.placed_on(date(2024, 5, 19)).values_list("pk", flat=True)), [56, 63])
        self.assertEqual(Order.objects.placed_on(date(2022, 12, 31)).count(), 0)

    def test_first_and_last_order(self):
        self.assertEqual(Order.objects.earliest("placed_at").placed_at, utc(2023, 1, 1, 22, 54))
        self.assertEqual(Order.objects.latest("placed_at").placed_at, utc(2024, 12, 25, 12, 18))

    def test_fourth_quarter_2023(self):
        self.assertEqual(Order.objects.placed_between(utc(2023, 10, 1), utc(2024, 1, 1)).count(), 15)


class OrderAnnotationQuerySetTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_line_count(self):
        with self.assertNumQueries(1):
            counts = dict(Order.objects.with_line_count().values_list("pk", "line_count"))
        self.assertEqual(counts[41], 1)
        self.assertEqual(counts[31], 5)
        self.assertEqual(sum(counts.values()), 339)
        self.assertEqual(min(counts.values()), 1)

    def test_item_count_matches_python(self):
        order = Order.objects.with_item_count().get(pk=31)
        self.assertEqual(order.item_count, 13)
        self.assertEqual(order.item_count, Order.item_count(order))

    def test_total_items_sold(self):
        per_order = Order.objects.with_item_count().values_list("item_count", flat=True)
        self.assertEqual(sum(per_order), 796)

    def test_annotations_combine(self):
        order = Order.objects.with_line_count().with_item_count().get(pk=50)
        self.assertEqual((order.line_count, order.item_count), (1, 5))


class OrderRevenueQuerySetTest(TestCase):
    fixtures = ["customers", "catalog", "orders"]

    def test_total_revenue(self):
        self.assertEqual(Order.objects.revenue(), Decimal("462582.11"))

    def test_paid_revenue(self):
        self.assertEqual(Order.objects.paid().revenue(), Decimal("137636.49"))

    def test_revenue_per_status_adds_up(self):
        per_status = {
            "pending": Decimal("56459.33"),
            "paid": Decimal("137636.49"),
            "shipped": Decimal("220114.54"),
            "cancelled": Decimal("48371.75"),
        }
        for status, expected in per_status.items():
            with self.subTest(status=status):
                self.assertEqual(Order.objects.with_status(status).revenue(), expected)
        self.assertEqual(sum(per_status.values()), Order.objects.revenue())

    def test_empty_revenue_is_zero(self):
        revenue = Order.objects.for_customer(32).revenue()
        self.assertEqual(revenue, Decimal("0.00"))
        self.assertIsInstance(revenue, Decimal)


class OrderQuerySetWithExtraOrdersTest(TestCase):
    """Customer 20 has no orders in the fixtures; give them two."""

    fixtures = ["customers", "catalog", "orders"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.get(pk=20)
        overnight = ShippingMethod.objects.get(code="overnight")
        cls.first = Order.objects.create(customer=cls.customer, shipping_method=overnight,
                                         shipping_address_id=33, placed_at=utc(2025, 1, 5, 10, 0),
                                         status="paid", total=Decimal("19.99"))
        OrderLine.objects.create(order=cls.first, product_id=96, quantity=2, unit_price=Decimal("12.49"))
        cls.first.recalculate_total()
        cls.second = Order.objects.create(customer=cls.customer, shipping_method=overnight,
                                          placed_at=utc(2025, 1, 6, 8, 15), status="pending")

    def test_customer_now_has_orders(self):
        self.assertEqual(list(Order.objects.for_customer(self.customer).values_list("pk", flat=True)),
                         [self.second.pk, self.first.pk])
        self.assertGreater(self.first.pk, 110)

    def test_revenue_includes_new_orders(self):
        self.assertEqual(self.first.total, Decimal("44.97"))
        self.assertEqual(Order.objects.revenue(), Decimal("462582.11") + Decimal("44.97"))
        self.assertEqual(Order.objects.paid().revenue(), Decimal("137636.49") + Decimal("44.97"))

    def test_order_without_address_is_counted(self):
        self.assertEqual(Order.objects.without_shipping_address().count(), 3)
        self.assertEqual(Order.objects.without_shipping_address().for_customer(20).get(), self.second)

    def test_shipping_addresses_belong_to_the_customer(self):
        mismatched = Order.objects.filter(shipping_address__isnull=False).exclude(
            shipping_address__customer=F("customer"))
        self.assertEqual(mismatched.count(), 0)
        self.assertEqual(Order.objects.get(pk=self.first.pk).shipping_address.city, "Barcelona")
