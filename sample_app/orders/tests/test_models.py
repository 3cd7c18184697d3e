"""Model behaviour of Order, OrderLine and ShippingMethod."""
from datetime import date, datetime, timezone
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.test import TestCase

from accounts.models import Customer
from catalog.models import Category, Product
from orders.models import InvalidStatusTransition, Order, OrderLine, ShippingMethod


class OrderTotalsTest(TestCase):
    """Order.total in the fixtures always equals lines + shipping."""

    fixtures = ["customers", "catalog", "orders"]

    def test_every_fixture_total_matches_its_lines(self):
        orders = Order.objects.select_related("shipping_method").prefetch_related("lines")
        mismatches = [order.pk for order in orders if order.total != order.expected_total()]
        self.assertEqual(mismatches, [])

    def test_single_line_order(self):
        order = Order.objects.get(pk=41)
        self.assertEqual(order.lines_total(), Decimal("535.00"))
        self.assertEqual(order.shipping_method.code, "standard")
        self.assertEqual(order.total, Decimal("539.99"))
        self.assertEqual(order.item_count(), 1)

    def test_five_line_order(self):
        order = Order.objects.get(pk=31)
        self.assertEqual(order.lines.count(), 5)
        self.assertEqual(order.item_count(), 13)
        self.assertEqual(order.expected_total(), Decimal("6656.21"))

    def test_unit_price_equals_catalogue_price(self):
        lines = OrderLine.objects.select_related("product").filter(order__customer_id=12)
        self.assertEqual(len(lines), 22)
        for line in lines:
            self.assertEqual(line.unit_price, line.product.price, line.pk)


class OrderReferenceFromFixturesTest(TestCase):
    fixtures = ["shipping", "customers", "catalog", "orders"]

    def test_reference_uses_year_placed(self):
        self.assertEqual(Order.objects.get(pk=1).reference, "ORD-2023-000001")
        self.assertEqual(Order.objects.get(pk=82).reference, "ORD-2024-000082")
        self.assertEqual(Order.objects.get(pk=110).reference, "ORD-2023-000110")

    def test_str(self):
        self.assertEqual(str(Order.objects.get(pk=12)), "Order #12 (cancelled)")
        self.assertEqual(str(Order.objects.get(pk=50)), "Order #50 (paid)")

    def test_default_ordering_is_newest_first(self):
        pks = list(Order.objects.values_list("pk", flat=True))
        self.assertEqual(pks[0], 109)
        self.assertEqual(pks[-1], 90)
        self.assertEqual(len(pks), 110)

    def test_is_open(self):
        open_flags = {order.status: order.is_open for order in Order.objects.filter(pk__in=[12, 50, 82, 5])}
        self.assertEqual(open_flags, {"cancelled": False, "paid": True, "pending": True, "shipped": False})


class OrderStatusTransitionTest(TestCase):
    fixtures = ["catalog", "customers", "orders"]

    @classmethod
    def setUpTestData(cls):
        cls.pending = Order.objects.get(pk=82)
        cls.paid = Order.objects.get(pk=50)
        cls.shipped = Order.objects.get(pk=5)
        cls.cancelled = Order.objects.get(pk=12)

    def test_pending_order_can_be_paid(self):
        self.pending.set_status("paid")
        self.assertEqual(Order.objects.get(pk=82).status, "paid")

    def test_paid_order_can_ship(self):
        self.paid.set_status("shipped")
        self.paid.refresh_from_db()
        self.assertEqual(self.paid.status, "shipped")

    def test_shipped_order_cannot_be_cancelled(self):
        with self.assertRaises(InvalidStatusTransition):
            self.shipped.set_status("cancelled")
        self.assertEqual(Order.objects.get(pk=5).status, "shipped")

    def test_cancelled_order_stays_cancelled(self):
        for status in ("pending", "paid", "shipped"):
            with self.subTest(status=status):
                self.assertFalse(self.cancelled.can_transition_to(status))
        self.assertEqual(Order.objects.filter(status="cancelled").count(), 12)

    def test_set_status_without_saving(self):
        self.pending.set_status("cancelled", save=False)
        self.assertEqual(Order.objects.get(pk=82).status, "pending")


class RecalculateTotalTest(TestCase):
    """Built from scratch: no fixtures, a shipping method of its own."""

    @classmethod
    def setUpTestData(cls):
        cls.courier = ShippingMethod.objects.create(code="courier", name="Bike courier", price=Decimal("12.50"))
        category = Category.objects.create(name="Stationery", slug="stationery")
        cls.pen = Product.objects.create(sku="STA-1", name="Fountain Pen", category=category,
                                         price=Decimal("24.90"), stock=10)
        cls.ink = Product.objects.create(sku="STA-2", name="Ink Cartridges", category=category,
                                         price=Decimal("3.35"), stock=100)
        cls.customer = Customer.objects.create(email="writer@example.com", first_name="Wren", last_name="Writer",
                                               city="Utrecht", joined=date(2024, 1, 2))
        cls.order = Order.objects.create(customer=cls.customer, shipping_method=cls.courier,
                                         placed_at=datetime(2024, 6, 1, 9, 30, tzinfo=timezone.utc))
        OrderLine.objects.create(order=cls.order, product=cls.pen, quantity=1, unit_price=cls.pen.price)
        OrderLine.objects.create(order=cls.order, product=cls.ink, quantity=3, unit_price=cls.ink.price)

    def test_new_order_starts_at_zero(self):
        self.assertEqual(Order.objects.get(pk=self.order.pk).total, Decimal("0.00"))
        self.assertEqual(self.order.status, "pending")

    def test_recalculate_saves_total(self):
        self.assertEqual(self.order.recalculate_total(), Decimal("47.45"))
        self.assertEqual(Order.objects.get(pk=self.order.pk).total, Decimal("47.45"))

    def test_recalculate_without_save(self):
        self.order.recalculate_total(save=False)
        self.assertEqual(self.order.total, Decimal("47.45"))
        self.assertEqual(Order.objects.get(pk=self.order.pk).total, Decimal("0.00"))

    def test_total_follows_line_changes(self):
        OrderLine.objects.filter(order=self.order, product=self.ink).update(quantity=10)
        self.assertEqual(self.order.recalculate_total(), Decimal("70.90"))
        self.assertEqual(self.order.item_count(), 11)


class OrderLineModelTest(TestCase):
    fixtures = ["customers", "catalog"]

    @classmethod
    def setUpTestData(cls):
        cls.customer = Customer.objects.get(pk=1)
        cls.order = Order.objects.create(
            customer=cls.customer,
            shipping_address=cls.customer.addresses.get(is_default=True),
            shipping_method=ShippingMethod.objects.get(code="express"),
            placed_at=datetime(2024, 12, 1, 12, 0, tzinfo=timezone.utc),
        )
        cls.pendant_light = Product.objects.get(sku="LGT-1001")
        cls.line = OrderLine.objects.create(order=cls.order, product=cls.pendant_light, quantity=3,
                                            unit_price=cls.pendant_light.price)

    def test_line_total(self):
        self.assertEqual(self.line.line_total, Decimal("912.00"))

    def test_str(self):
        self.assertEqual(str(self.line), "3 x 1 @ 304.00")

    def test_deleting_order_deletes_lines(self):
        self.order.delete()
        self.assertFalse(OrderLine.objects.filter(pk=self.line.pk).exists())
        self.assertEqual(Product.objects.filter(pk=self.pendant_light.pk).count(), 1)

    def test_product_with_lines_is_protected(self):
        from django.db.models import ProtectedError

        with self.assertRaises(ProtectedError):
            self.pendant_light.delete()

    def test_default_address_of_customer_one(self):
        self.assertEqual(self.order.shipping_address_id, 1)
        self.assertEqual(self.order.expected_total(), Decimal("921.99"))


class ShippingMethodModelTest(TestCase):
    """The three methods come from the data migration; no fixtures here."""

    def test_migration_rows(self):
        rows = list(ShippingMethod.objects.values_list("pk", "code", "name", "price"))
        self.assertEqual(rows, [
            (1, "standard", "Standard", Decimal("4.99")),
            (2, "express", "Express", Decimal("9.99")),
            (3, "overnight", "Overnight", Decimal("19.99")),
        ])

    def test_str(self):
        self.assertEqual(str(ShippingMethod.objects.get(code="overnight")), "Overnight (19.99)")

    def test_code_is_unique(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ShippingMethod.objects.create(code="express", name="Express again", price=Decimal("8.99"))
        self.assertEqual(ShippingMethod.objects.count(), 3)

    def test_new_method_gets_fresh_pk_and_sorts_by_price(self):
        pickup = ShippingMethod.objects.create(code="pickup", name="Store pickup", price=Decimal("0.00"))
        self.assertGreater(pickup.pk, 3)
        self.assertEqual(list(ShippingMethod.objects.values_list("code", flat=True)),
                         ["pickup", "standard", "express", "overnight"])
