"""Prices as the shop quotes them: catalogue price minus the best running promotion."""
from catalog.models import Promotion

from .utils import apply_percent_off, money


def active_promotions(on_date):
    return Promotion.objects.filter(starts__lte=on_date, ends__gte=on_date)


def best_promotion(product, on_date):
    """The running promotion with the biggest discount for *product*, or None."""
    return (
        active_promotions(on_date)
        .filter(product=product)
        .order_by("-percent_off", "code")
        .first()
    )


def quote_unit_price(product, on_date=None):
    """Unit price of *product*; with *on_date*, the best promotion of that day applies."""
    if on_date is None:
        return money(product.price)
    promotion = best_promotion(product, on_date)
    if promotion is None:
        return money(product.price)
    return apply_percent_off(product.price, promotion.percent_off)
