"""Basket quotes: promotions plus the customer's loyalty-tier discount."""
from collections import namedtuple
from decimal import Decimal

from .models import Promotion
from .utils import apply_discount

TIER_DISCOUNT = {"bronze": 0, "silver": 5, "gold": 10}

QuoteLine = namedtuple("QuoteLine", "product quantity unit_price line_total promotion")
Quote = namedtuple("Quote", "lines total within_credit_limit")


def best_promotion(product, day):
    """The running promotion with the biggest discount for `product` on `day`, or None."""
    return (
        Promotion.objects.filter(product=product)
        .running_on(day)
        .order_by("-percent_off", "code")
        .first()
    )


def tier_of(customer):
    loyalty = getattr(customer, "loyalty", None) if customer is not None else None
    return loyalty.tier if loyalty is not None else "bronze"


def unit_price(product, day, customer=None):
    price = product.price
    promotion = best_promotion(product, day)
    if promotion is not None:
        price = apply_discount(price, promotion.percent_off)
    return apply_discount(price, TIER_DISCOUNT[tier_of(customer)]), promotion


def quote_basket(customer, items, day):
    """items: iterable of (product, quantity)."""
    lines = []
    total = Decimal("0.00")
    for product, quantity in items:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if not product.is_active:
            raise ValueError(f"{product.sku} is not for sale")
        price, promotion = unit_price(product, day, customer)
        line_total = price * quantity
        lines.append(QuoteLine(product, quantity, price, line_total, promotion))
        total += line_total
    return Quote(lines, total, total <= customer.credit_limit)


def affordable_products(customer):
    """Active products a customer could buy one of within their credit limit."""
    from .models import Product

    return Product.objects.active().filter(price__lte=customer.credit_limit)


def loyalty_points_for(total):
    """One loyalty point per full 10.00 spent."""
    if total < 0:
        raise ValueError("total cannot be negative")
    return int(total // 10)
