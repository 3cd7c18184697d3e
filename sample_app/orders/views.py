from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Order


def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related("shipping_method"), pk=pk)
    return JsonResponse(
        {
            "id": order.pk,
            "customer": order.customer_id,
            "status": order.status,
            "placed_at": order.placed_at.isoformat(),
            "shipping_method": order.shipping_method.code,
            "total": str(order.total),
            "lines": [
                {"product": line.product_id, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                for line in order.lines.all()
            ],
        }
    )
