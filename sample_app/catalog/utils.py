"""Pure helpers for prices, SKUs and promotion codes."""
import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

_SKU_RE = re.compile(r"([A-Z]{3})-(\d{4})")
_PROMO_RE = re.compile(r"([A-Z]+)(\d{1,2})-(\d+)")


def apply_discount(price, percent):
    """Price after `percent` % off, rounded half-up to the cent."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    price = Decimal(price)
    return (price * (100 - Decimal(percent)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_sku(sku):
    """'CKW-1001' -> ('CKW', 1001)."""
    match = _SKU_RE.fullmatch(sku)
    if match is None:
        raise ValueError(f"malformed SKU: {sku!r}")
    return match.group(1), int(match.group(2))


def make_sku(prefix, number):
    sku = f"{prefix.upper()}-{number:04d}"
    parse_sku(sku)  # validates
    return sku


def parse_promo_code(code):
    """'WINTER15-607' -> ('WINTER', 15, 607): campaign, percent off, serial."""
    match = _PROMO_RE.fullmatch(code)
    if match is None:
        raise ValueError(f"malformed promotion code: {code!r}")
    return match.group(1), int(match.group(2)), int(match.group(3))
