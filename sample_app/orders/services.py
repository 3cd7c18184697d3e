"""Write operations on orders: placing, paying, cancelling."""
from collections import OrderedDict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import LoyaltyAccount
from catalog.models import Product

from .models import Order, OrderLine
from .pricing import quote_unit_price
from .signals import order_cancelled, order_placed

SILVER_POINTS = 1000
GOLD_POINTS = 5000


class OrderError(Exception):
    pass


class OutOfStock(OrderError):
    def __init__(self, product, requested):
        self.product = product
        self.requested = requested
        super().__init__(f"{product.sku}: {requested} requested, {product.stock} in stock")


class ProductUnavailable(OrderError):
    pass


class CreditLimitExceeded(OrderError):
    def __init__(self, customer, open_amount):
        self.customer = customer
        self.open_amount = open_amount
        super().__init__(f"{customer.email}: {open_amount} open, credit limit {customer.credit_limit}")


def _merge_items(items):
    """[(product or pk, qty), ...] -> OrderedDict pk -> qty, duplicates added up."""
    merged = OrderedDict()
    for product, quantity in items:
        if quantity < 1:
            raise ValueError(f"quantity must be at least 1, got {quantity}")
        pk = getattr(product, "pk", product)
        merged[pk] = merged.get(pk, 0) + quantity
    if not merged:
        raise ValueError("an order needs at least one line")
    return merged


def reserve_stock(quantities):
    """Lock the products (pk -> qty), check and decrement their stock.

    Must run inside a transaction; returns the locked products by pk.
    """
    products = Product.objects.select_for_update().order_by("pk").in_bulk(list(quantities))
    for pk, quantity in quantities.items():
        product = products.get(pk)
        if product is None or not product.is_active:
            raise ProductUnavailable(f"product {pk} cannot be ordered")
        if product.stock < quantity:
            raise OutOfStock(product, quantity)
        product.stock -= quantity
    Product.objects.bulk_update(products.values(), ["stock"])
    return products


def place_order(customer, items, shipping_method, *, address=None, placed_at=None, pricing_date=None,
                enforce_credit_limit=False):
    """Create a pending order with one line per product and take the stock.

    ``items`` is a list of ``(product, quantity)``. Without ``address`` the
    customer's default address is used. With ``pricing_date`` the promotions
    running that day are applied to the unit prices. With
    ``enforce_credit_limit`` the customer's pending orders, this one
    included, must stay within their credit limit. Everything happens in one
    transaction; ``order_placed`` is sent after it commits.
    """
    quantities = _merge_items(items)
    with transaction.atomic():
        products = reserve_stock(quantities)
        if address is None:
            address = customer.addresses.filter(is_default=True).first()
        order = Order.objects.create(
            customer=customer,
            shipping_address=address,
            shipping_method=shipping_method,
            placed_at=placed_at or timezone.now(),
            status=Order.STATUS_PENDING,
        )
        OrderLine.objects.bulk_create([
            OrderLine(
                order=order,
                product_id=pk,
                quantity=quantity,
                unit_price=quote_unit_price(products[pk], pricing_date),
            )
            for pk, quantity in quantities.items()
        ])
        order.recalculate_total()
        if enforce_credit_limit:
            open_amount = Order.objects.for_customer(customer).with_status(Order.STATUS_PENDING).revenue()
            if open_amount > customer.credit_limit:
                # Raising here rolls back the order, its lines and the stock.
                raise CreditLimitExceeded(customer, open_amount)
        transaction.on_commit(lambda: order_placed.send(sender=Order, order=order))
    return order


def cancel_order(order):
    """Cancel an order and put its quantities back in stock."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        order.set_status(Order.STATUS_CANCELLED)
        for line in order.lines.all():
            Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
        transaction.on_commit(lambda: order_cancelled.send(sender=Order, order=order))
    return order


def tier_for_points(points):
    if points >= GOLD_POINTS:
        return "gold"
    if points >= SILVER_POINTS:
        return "silver"
    return "bronze"


def award_points(customer, points):
    """Add loyalty points (creating the account if needed) and update the tier."""
    with transaction.atomic():
        account, _ = LoyaltyAccount.objects.select_for_update().get_or_create(customer=customer)
        account.points += points
        account.tier = tier_for_points(account.points)
        account.save(update_fields=["points", "tier"])
    return account


def mark_paid(order):
    """Mark a pending order as paid; the customer earns one point per whole euro."""
    with transaction.atomic():
        order.set_status(Order.STATUS_PAID)
        award_points(order.customer, int(order.total))
    return order
