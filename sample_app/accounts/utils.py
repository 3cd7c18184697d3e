"""Small helpers for customers, loyalty points and staff permissions."""
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

# (minimum points, tier), highest first.
TIER_THRESHOLDS = [
    (5000, "gold"),
    (1000, "silver"),
    (0, "bronze"),
]

CREDIT_MANAGER_GROUP = "Managers"
SUPPORT_GROUP = "Support"

_POSTCODE_PATTERNS = {
    "NL": r"\d{4} ?[A-Z]{2}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "US": r"\d{5}(-\d{4})?",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
}


def tier_for_points(points):
    """Return the loyalty tier a balance of `points` qualifies for."""
    if points < 0:
        raise ValueError("points cannot be negative")
    for minimum, tier in TIER_THRESHOLDS:
        if points >= minimum:
            return tier
    raise AssertionError("unreachable")  # pragma: no cover


def normalize_email(email):
    """Strip whitespace and lower-case the domain part (the local part is case-sensitive)."""
    email = (email or "").strip()
    local, sep, domain = email.rpartition("@")
    if not sep or not local or not domain:
        raise ValueError(f"not an e-mail address: {email!r}")
    return f"{local}@{domain.lower()}"


def mask_email(email):
    """ava.scott@example.net -> a********@example.net (for support screens)."""
    local, _, domain = email.partition("@")
    return f"{local[0]}{'*' * (len(local) - 1)}@{domain}"


def format_money(amount, currency="EUR"):
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency} {abs(amount):,.2f}"


def is_valid_postcode(country, postcode):
    """Check a postcode for the countries we have a pattern for; accept anything non-blank otherwise."""
    postcode = (postcode or "").strip().upper()
    if not postcode:
        return False
    pattern = _POSTCODE_PATTERNS.get(country.upper())
    if pattern is None:
        return True
    return re.fullmatch(pattern, postcode) is not None


def can_manage_credit(user):
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=CREDIT_MANAGER_GROUP).exists()


def set_credit_limit(customer, amount, by):
    """Change a customer's credit limit; only managers (or superusers) may do this."""
    if not can_manage_credit(by):
        raise PermissionDenied(f"{by.get_username()} may not change credit limits")
    amount = Decimal(amount)
    if amount < 0:
        raise ValueError("credit limit cannot be negative")
    customer.credit_limit = amount
    customer.save(update_fields=["credit_limit"])
    return customer


def support_agents():
    """Active staff users in the Support group, by username."""
    from django.contrib.auth.models import User

    return User.objects.filter(groups__name=SUPPORT_GROUP, is_active=True).order_by("username")


def award_points(customer, points):
    """Add points to a customer's loyalty account, locking the row while doing so."""
    from .models import LoyaltyAccount

    with transaction.atomic():
        account = LoyaltyAccount.objects.select_for_update().get(customer=customer)
        return account.add_points(points)


def agent_for(customer):
    """Deterministic round-robin: the support agent who handles `customer`'s tickets."""
    agents = list(support_agents())
    if not agents:
        return None
    return agents[customer.pk % len(agents)]
