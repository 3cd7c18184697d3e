from decimal import Decimal

from django.db import models
from django.db.models import Count


class CustomerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_city(self, city):
        return self.filter(city__iexact=city)

    def with_address_count(self):
        return self.annotate(address_count=Count("addresses"))


class Customer(models.Model):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    city = models.CharField(max_length=80)
    joined = models.DateField()
    is_active = models.BooleanField(default=True)
    credit_limit = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def default_address(self):
        """The customer's default address, or None if there is none."""
        return self.addresses.filter(is_default=True).first()


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    postcode = models.CharField(max_length=12)
    country = models.CharField(max_length=2)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["customer_id", "-is_default", "id"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return f"{self.line1}, {self.postcode} {self.city} ({self.country})"


class LoyaltyAccount(models.Model):
    TIER_CHOICES = [
        ("bronze", "Bronze"),
        ("silver", "Silver"),
        ("gold", "Gold"),
    ]

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="loyalty")
    points = models.IntegerField(default=0)
    tier = models.CharField(max_length=10, choices=TIER_CHOICES, default="bronze")

    class Meta:
        ordering = ["customer_id"]

    def __str__(self):
        return f"{self.customer.email}: {self.points} pts ({self.tier})"

    def add_points(self, points):
        """Add (or, with a negative number, redeem) points and recompute the tier."""
        from .utils import tier_for_points

        new_total = self.points + points
        if new_total < 0:
            raise ValueError(f"cannot redeem {-points} points, only {self.points} available")
        self.points = new_total
        self.tier = tier_for_points(new_total)
        self.save(update_fields=["points", "tier"])
        return self
