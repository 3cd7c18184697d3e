from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Count, Sum


class OrderQuerySet(models.QuerySet):
    def with_status(self, *statuses):
        return self.filter(status__in=statuses)

    def paid(self):
        return self.filter(status="paid")

    def open(self):
        """Orders that still need work: pending or paid, not yet shipped."""
        return self.filter(status__in=["pending", "paid"])

    def for_customer(self, customer):
        return self.filter(customer=customer)

    def placed_between(self, start, end):
        """Orders placed in [start, end)."""
        return self.filter(placed_at__gte=start, placed_at__lt=end)

    def placed_on(self, day):
        """Orders placed on a UTC calendar day (a ``date``)."""
        from datetime import datetime, timezone

        start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        return self.placed_between(start, start + timedelta(days=1))

    def without_shipping_address(self):
        return self.filter(shipping_address__isnull=True)

    def with_line_count(self):
        return self.annotate(line_count=Count("lines"))

    def with_item_count(self):
        return self.annotate(item_count=Sum("lines__quantity"))

    def revenue(self):
        """Sum of ``total`` over the queryset, added up in Python as exact Decimals."""
        return sum(self.values_list("total", flat=True), Decimal("0.00"))
