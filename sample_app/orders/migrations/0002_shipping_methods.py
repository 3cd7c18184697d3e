from decimal import Decimal

from django.core.management.color import no_style
from django.db import migrations

SHIPPING_METHODS = [
    (1, "standard", "Standard", Decimal("4.99")),
    (2, "express", "Express", Decimal("9.99")),
    (3, "overnight", "Overnight", Decimal("19.99")),
]


def create_shipping_methods(apps, schema_editor):
    ShippingMethod = apps.get_model("orders", "ShippingMethod")
    db_alias = schema_editor.connection.alias
    for pk, code, name, price in SHIPPING_METHODS:
        ShippingMethod.objects.using(db_alias).update_or_create(
            pk=pk, defaults={"code": code, "name": name, "price": price}
        )
    # Explicit pks bypass the sequence on PostgreSQL; reset it so later
    # inserts without a pk do not collide with 1..3.
    connection = schema_editor.connection
    statements = connection.ops.sequence_reset_sql(no_style(), [ShippingMethod])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def delete_shipping_methods(apps, schema_editor):
    ShippingMethod = apps.get_model("orders", "ShippingMethod")
    db_alias = schema_editor.connection.alias
    ShippingMethod.objects.using(db_alias).filter(
        code__in=[code for _, code, _, _ in SHIPPING_METHODS]
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_shipping_methods, delete_shipping_methods),
    ]
