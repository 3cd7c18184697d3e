"""Behaviour that needs real commits: TransactionTestCase classes.

These classes run after every TestCase and leave all tables empty after each
test, migration rows included. Classes that load `orders` therefore load the
`shipping` fixture too; pks of rows created here are never hard-coded because
sequences are not reset between tests.
"""
import threading
from decimal import Decimal

from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test import TransactionTestCase, skipUnlessDBFeature

from accounts.models import Customer, LoyaltyAccount
from catalog.models import Product
from orders.models import Order, OrderLine, ShippingMethod
from orders.services import CreditLimitExceeded, OutOfStock, cancel_order, place_order, reserve_stock
from orders.signals import order_placed


class PlacedOrders:
    """Receiver for order_placed that remembers the pks it was sent."""

    def __init__(self):
        self.pks = []

    def __call__(self, sender, order, **kwargs):
        self.pks.append(order.pk)


class OrderCommitTransactionTest(TransactionTestCase):
    fixtures = ["shipping", "customers", "catalog", "orders"]

    def setUp(self):
        self.placed = PlacedOrders()
        order_placed.connect(self.placed)
        self.addCleanup(order_placed.disconnect, self.placed)
        self.customer = Customer.objects.get(pk=1)
        self.standard = ShippingMethod.objects.get(code="standard")

    def test_signal_fires_when_place_order_commits(self):
        self.assertTrue(transaction.get_autocommit())
        order = place_order(self.customer, [(96, 2)], self.standard)
        self.assertEqual(self.placed.pks, [order.pk])
        self.assertEqual(Order.objects.get(pk=order.pk).total, Decimal("29.97"))
        self.assertEqual(Order.objects.count(), 111)

    def test_signal_waits_for_outer_transaction(self):
        with transaction.atomic():
            order = place_order(self.customer, [(96, 1)], self.standard)
            self.assertEqual(self.placed.pks, [])
        self.assertEqual(self.placed.pks, [order.pk])

    def test_rolled_back_order_sends_nothing(self):
        with self.assertRaisesMessage(RuntimeError, "payment provider down"):
            with transaction.atomic():
                place_order(self.customer, [(96, 1)], self.standard)
                raise RuntimeError("payment provider down")
        self.assertEqual(self.placed.pks, [])
        self.assertEqual(Order.objects.count(), 110)
        self.assertEqual(Product.objects.get(pk=96).stock, 184)

    def test_cancel_commits_restocked_quantities(self):
        cancel_order(Order.objects.get(pk=82))
        self.assertEqual(Order.objects.get(pk=82).status, "cancelled")
        self.assertEqual(Order.objects.filter(status="pending").count(), 13)


class OrderRollbackTransactionTest(TransactionTestCase):
    fixtures = ["customers", "catalog", "orders", "shipping"]

    def setUp(self):
        self.customer = Customer.objects.get(pk=1)  # credit limit 1500.00, no pending orders

    def test_credit_limit_rolls_back_lines_and_stock(self):
        with self.assertRaises(CreditLimitExceeded):
            place_order(self.customer, [(1, 1), (18, 1)], ShippingMethod.objects.get(code="standard"),
                        enforce_credit_limit=True)
        self.assertEqual(Order.objects.count(), 110)
        self.assertEqual(OrderLine.objects.count(), 339)
        self.assertEqual(dict(Product.objects.filter(pk__in=[1, 18]).values_list("pk", "stock")), {1: 209, 18: 227})

    def test_inner_savepoint_rollback_keeps_outer_work(self):
        express = ShippingMethod.objects.get(code="express")
        with transaction.atomic():
            kept = place_order(self.customer, [(96, 1)], express)
            try:
                with transaction.atomic():
                    place_order(self.customer, [(79, 1)], express)
            except OutOfStock:
                pass
        self.assertEqual(list(Order.objects.for_customer(self.customer).values_list("pk", flat=True)[:1]), [kept.pk])
        self.assertEqual(Order.objects.count(), 111)

    def test_connection_usable_after_integrity_error(self):
        with self.assertRaises(IntegrityError):
            with transaction.atomic():
                ShippingMethod.objects.create(code="standard", name="Duplicate", price=Decimal("1.00"))
        pickup = ShippingMethod.objects.create(code="pickup", name="Store pickup", price=Decimal("0.00"))
        self.assertEqual(ShippingMethod.objects.count(), 4)
        self.assertEqual(ShippingMethod.objects.first(), pickup)

    def test_protected_customer_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        with self.assertRaises(ProtectedError):
            Customer.objects.get(pk=12).delete()
        self.assertEqual(Customer.objects.count(), 40)
        self.assertEqual(LoyaltyAccount.objects.count(), 40)


class StockLockingTransactionTest(TransactionTestCase):
    fixtures = ["shipping", "catalog", "customers", "orders"]

    def test_last_item_can_only_be_sold_once(self):
        express = ShippingMethod.objects.get(code="express")
        place_order(Customer.objects.get(pk=10), [(63, 1)], express)
        with self.assertRaises(OutOfStock):
            place_order(Customer.objects.get(pk=11), [(63, 1)], express)
        self.assertEqual(Product.objects.get(pk=63).stock, 0)
        self.assertEqual(Order.objects.filter(lines__product=63, pk__gt=110).count(), 1)

    def test_bulk_created_lines_are_committed(self):
        order = place_order(Customer.objects.get(pk=20), [(1, 1), (2, 1), (3, 2)],
                            ShippingMethod.objects.get(code="standard"))
        self.assertEqual(OrderLine.objects.count(), 342)
        self.assertEqual(order.total, Decimal("304.00") + Decimal("52.00") + 2 * Decimal("1485.49") + Decimal("4.99"))

    @skipUnlessDBFeature("has_select_for_update")
    def test_reserve_stock_needs_a_transaction(self):
        with self.assertRaises(TransactionManagementError):
            reserve_stock({1: 1})
        with transaction.atomic():
            products = reserve_stock({1: 1})
        self.assertEqual(products[1].stock, 208)
        self.assertEqual(Product.objects.get(pk=1).stock, 208)

    @skipUnlessDBFeature("has_select_for_update", "has_select_for_update_nowait")
    def test_locked_product_is_not_available_to_other_connections(self):
        outcome = {}

        def try_lock():
            try:
                with transaction.atomic():
                    Product.objects.select_for_update(nowait=True).get(pk=1)
                outcome["locked"] = True
            except DatabaseError as exc:
                outcome["error"] = exc
            finally:
                connection.close()

        with transaction.atomic():
            reserve_stock({1: 2})
            worker = threading.Thread(target=try_lock)
            worker.start()
            worker.join(timeout=30)
        self.assertIn("error", outcome)
        self.assertNotIn("locked", outcome)

        # Once the first transaction has committed, the row is free again.
        worker = threading.Thread(target=try_lock)
        worker.start()
        worker.join(timeout=30)
        self.assertTrue(outcome.get("locked"))
        self.assertEqual(Product.objects.get(pk=1).stock, 207)


class ShippingMethodsSerializedRollbackTest(TransactionTestCase):
    """Relies on the migration rows, restored before each test by serialized_rollback."""

    serialized_rollback = True
    fixtures = ["customers", "catalog"]

    @classmethod
    def setUpClass(cls):
        # A TransactionTestCase that ran before this class flushed the database
        # and let post_migrate recreate content types and permissions under new
        # pks; restoring the serialized copy on top of them would violate their
        # unique constraints (a known limitation of serialized_rollback). Start
        # from an empty database: the serialized copy brings everything back.
        for alias in cls._databases_names(include_mirrors=False):
            call_command("flush", verbosity=0, interactive=False, database=alias, inhibit_post_migrate=True)
        super().setUpClass()

    def test_migration_rows_are_back(self):
        self.assertEqual(
            list(ShippingMethod.objects.values_list("code", "price")),
            [("standard", Decimal("4.99")), ("express", Decimal("9.99")), ("overnight", Decimal("19.99"))],
        )
        ShippingMethod.objects.filter(code="overnight").delete()
        self.assertEqual(ShippingMethod.objects.count(), 2)

    def test_renamed_method_does_not_leak_into_other_tests(self):
        self.assertEqual(ShippingMethod.objects.get(pk=1).name, "Standard")
        ShippingMethod.objects.filter(pk=1).update(name="Economy")
        self.assertEqual(ShippingMethod.objects.get(code="standard").name, "Economy")
        self.assertEqual(ShippingMethod.objects.count(), 3)

    def test_order_with_migration_method_commits(self):
        overnight = ShippingMethod.objects.get(code="overnight")
        order = place_order(Customer.objects.get(pk=1), [(96, 1)], overnight)
        self.assertEqual(Order.objects.get().pk, order.pk)
        self.assertEqual(order.total, Decimal("32.48"))
        self.assertEqual(LoyaltyAccount.objects.count(), 40)
