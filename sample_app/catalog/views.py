from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Product


def product_detail(request, pk):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    return JsonResponse(
        {
            "id": product.pk,
            "sku": product.sku,
            "name": product.name,
            "category": product.category.slug,
            "price": str(product.price),
            "is_active": product.is_active,
            "stock": product.stock,
            "tags": sorted(t.name for t in product.tags.all()),
        }
    )
