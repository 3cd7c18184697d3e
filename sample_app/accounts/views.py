from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Customer


def customer_detail(request, pk):
    customer = get_object_or_404(Customer, pk=pk)
    loyalty = getattr(customer, "loyalty", None)
    return JsonResponse(
        {
            "id": customer.pk,
            "email": customer.email,
            "name": customer.full_name,
            "city": customer.city,
            "is_active": customer.is_active,
            "credit_limit": str(customer.credit_limit),
            "loyalty_tier": loyalty.tier if loyalty else None,
            "addresses": customer.addresses.count(),
        }
    )
