from decimal import Decimal

from django.db import models

from .querysets import OrderQuerySet
from .utils import can_transition, order_reference


class InvalidStatusTransition(ValueError):
    """An order was asked to move to a status its current status does not allow."""


class ShippingMethod(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=60)
    price = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["price"]

    def __str__(self):
        return f"{self.name} ({self.price})"


class Order(models.Model):
    STATUS_PENDING = "pending"
    STATUS_PAID = "paid"
    STATUS_SHIPPED = "shipped"
    STATUS_CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (STATUS_PENDING, "Pending"),
        (STATUS_PAID, "Paid"),
        (STATUS_SHIPPED, "Shipped"),
        (STATUS_CANCELLED, "Cancelled"),
    ]

    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="orders")
    shipping_address = models.ForeignKey(
        "accounts.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    shipping_method = models.ForeignKey(ShippingMethod, on_delete=models.PROTECT, related_name="orders")
    placed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=STATUS_PENDING)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "id"]

    def __str__(self):
        return f"Order #{self.pk} ({self.status})"

    def lines_total(self):
        return sum((line.line_total for line in self.lines.all()), Decimal("0.00"))

    @property
    def reference(self):
        return order_reference(self.pk, self.placed_at)

    @property
    def is_open(self):
        return self.status in (self.STATUS_PENDING, self.STATUS_PAID)

    def item_count(self):
        return sum(line.quantity for line in self.lines.all())

    def expected_total(self):
        return self.lines_total() + self.shipping_method.price

    def recalculate_total(self, save=True):
        """Set ``total`` from the lines and the shipping price; return it."""
        self.total = self.expected_total()
        if save:
            self.save(update_fields=["total"])
        return self.total

    def can_transition_to(self, status):
        return can_transition(self.status, status)

    def set_status(self, status, save=True):
        if not self.can_transition_to(status):
            raise InvalidStatusTransition(f"{self} cannot become {status}")
        self.status = status
        if save:
            self.save(update_fields=["status"])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self):
        return f"{self.quantity} x {self.product_id} @ {self.unit_price}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
