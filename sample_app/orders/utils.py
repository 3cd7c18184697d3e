"""Small, database-free helpers for money, pricing and order references."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

CURRENCY_SYMBOLS = {
    "EUR": "€",
    "GBP": "£",
    "USD": "$",
}

# status -> statuses an order may move to next
STATUS_TRANSITIONS = {
    "pending": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset(),
    "cancelled": frozenset(),
}

_REFERENCE_RE = re.compile(r"^ORD-(?P<year>\d{4})-(?P<pk>\d{6,})$")


def money(value):
    """Return *value* as a Decimal rounded half-up to cents.

    Floats go through ``str()`` first so that ``money(0.1 + 0.2)`` is 0.30
    and not 0.30000000000000004440892098500626... rounded.
    """
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a money amount: {value!r}") from exc


def format_money(amount, currency="EUR"):
    """Format an amount for display, e.g. ``format_money("1234.5")`` -> "€1,234.50".

    Known issue: negative amounts come out as "€-5.00" instead of "-€5.00".
    """
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        raise ValueError(f"unsupported currency: {currency}")
    return f"{symbol}{money(amount):,.2f}"


def apply_percent_off(price, percent):
    """The price after a percentage discount, rounded to cents."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    return money(money(price) * (100 - Decimal(percent)) / 100)


def split_vat(gross, rate_percent):
    """Split a VAT-inclusive amount into (net, vat); net + vat == gross exactly."""
    gross = money(gross)
    net = money(gross * 100 / (100 + Decimal(rate_percent)))
    return net, gross - net


def lines_total(lines):
    """Sum of quantity * unit price for an iterable of (quantity, unit_price) pairs."""
    return sum((money(price) * quantity for quantity, price in lines), Decimal("0.00"))


def order_reference(pk, placed_at):
    """Customer-facing reference of an order, e.g. "ORD-2024-000001"."""
    return f"ORD-{placed_at.year:04d}-{pk:06d}"


def parse_order_reference(reference):
    """Inverse of :func:`order_reference`: return ``(year, pk)``."""
    match = _REFERENCE_RE.match(reference.strip())
    if not match:
        raise ValueError(f"not an order reference: {reference!r}")
    return int(match["year"]), int(match["pk"])


def can_transition(current, new):
    """Whether an order in status *current* may move to status *new*."""
    try:
        return new in STATUS_TRANSITIONS[current]
    except KeyError:
        raise ValueError(f"unknown order status: {current!r}") from None
