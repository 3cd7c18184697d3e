from django import forms

from .models import Category, Product, Promotion


class ProductSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.SlugField(required=False)
    min_price = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    max_price = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    in_stock = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError("The minimum price is above the maximum price.")
        return cleaned

    def search(self):
        """Filter active products by the cleaned data; call only on a valid form."""
        data = self.cleaned_data
        products = Product.objects.active()
        if data.get("q"):
            products = products.filter(name__icontains=data["q"])
        if data.get("category"):
            category = Category.objects.get_by_natural_key(data["category"])
            products = products.in_category(category)
        products = products.priced_between(data.get("min_price"), data.get("max_price"))
        if data.get("in_stock"):
            products = products.in_stock()
        return products.order_by("pk")


class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = ["code", "product", "percent_off", "starts", "ends"]

    def clean_percent_off(self):
        percent = self.cleaned_data["percent_off"]
        if not 1 <= percent <= 90:
            raise forms.ValidationError("Discounts must be between 1% and 90%.")
        return percent

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", "A promotion cannot end before it starts.")
        return cleaned
