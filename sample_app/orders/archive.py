"""Copy orders into the ``archive`` database, keeping their primary keys."""
from django.core.management.color import no_style
from django.db import connections, transaction

from accounts.models import Address, Customer
from catalog.models import Category, Product

from .models import Order, OrderLine, ShippingMethod


def _copy(instance, using):
    model = type(instance)
    values = {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    copied, _ = model._base_manager.using(using).update_or_create(pk=instance.pk, defaults=values)
    return copied


def _copy_category(category, using):
    if category.parent_id is not None:
        _copy_category(category.parent, using)
    _copy(category, using)


def archive_order(order, using="archive", delete=False):
    """Copy *order* with its lines and everything they point at into *using*.

    With ``delete=True`` the order is removed from its own database once the
    copy has been written.
    """
    source = order._state.db or "default"
    order = Order.objects.using(source).select_related(
        "customer", "shipping_address", "shipping_method"
    ).get(pk=order.pk)
    lines = list(order.lines.select_related("product__category__parent").order_by("pk"))
    with transaction.atomic(using=using):
        _copy(order.customer, using)
        if order.shipping_address is not None:
            _copy(order.shipping_address, using)
        _copy(order.shipping_method, using)
        for line in lines:
            _copy_category(line.product.category, using)
            _copy(line.product, using)
        copied = _copy(order, using)
        for line in lines:
            _copy(line, using)
    # Explicit pks do not move sequences on PostgreSQL; keep later inserts safe.
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Customer, Address, ShippingMethod, Category, Product, Order, OrderLine]
    )
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    if delete:
        with transaction.atomic(using=source):
            Order.objects.using(source).filter(pk=order.pk).delete()
    return copied
