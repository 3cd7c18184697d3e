"""Read-only figures about orders, as shown on the back-office dashboard."""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Customer
from catalog.models import Product

from .models import Order


def revenue_by_status():
    """status -> sum of order totals (exact Decimals, added up in Python)."""
    totals = defaultdict(lambda: Decimal("0.00"))
    for status, total in Order.objects.values_list("status", "total"):
        totals[status] += total
    return dict(totals)


def monthly_revenue(year, statuses=("paid", "shipped")):
    """month number -> revenue of the orders placed that (UTC) month."""
    totals = defaultdict(lambda: Decimal("0.00"))
    rows = Order.objects.filter(placed_at__year=year, status__in=statuses).values_list("placed_at", "total")
    for placed_at, total in rows:
        totals[placed_at.month] += total
    return dict(sorted(totals.items()))


def top_customers(limit=5):
    """Customers with the most orders: [(customer_id, order count)], ties by id."""
    return list(
        Customer.objects.annotate(n_orders=Count("orders"))
        .filter(n_orders__gt=0)
        .order_by("-n_orders", "pk")
        .values_list("pk", "n_orders")[:limit]
    )


def customers_without_orders():
    return Customer.objects.filter(orders__isnull=True).order_by("pk")


def best_sellers(limit=5, exclude_cancelled=True):
    """Products by units sold: [(product_id, units)], ties by id."""
    condition = ~Q(order_lines__order__status="cancelled") if exclude_cancelled else Q()
    return list(
        Product.objects.annotate(units=Sum("order_lines__quantity", filter=condition))
        .filter(units__gt=0)
        .order_by("-units", "pk")
        .values_list("pk", "units")[:limit]
    )


def shipping_mix():
    """shipping method code -> number of orders."""
    return dict(
        Order.objects.order_by()
        .values_list("shipping_method__code")
        .annotate(n=Count("id"))
        .values_list("shipping_method__code", "n")
    )
