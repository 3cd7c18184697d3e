from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Customer, LoyaltyAccount


@receiver(post_save, sender=Customer, dispatch_uid="accounts.create_loyalty_account")
def create_loyalty_account(sender, instance, created, raw=False, using=None, **kwargs):
    """Every new customer gets a loyalty account.

    This deliberately also runs for raw saves (fixture loading), so loading
    customers.json creates the matching LoyaltyAccount rows.
    """
    if created:
        LoyaltyAccount.objects.using(using).get_or_create(customer_id=instance.pk)
