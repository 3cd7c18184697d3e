from django import forms

from .models import Customer
from .utils import is_valid_postcode, normalize_email


class AddressForm(forms.Form):
    line1 = forms.CharField(max_length=120)
    city = forms.CharField(max_length=80)
    postcode = forms.CharField(max_length=12)
    country = forms.CharField(min_length=2, max_length=2)

    def clean_country(self):
        country = self.cleaned_data["country"].upper()
        if not country.isalpha():
            raise forms.ValidationError("Use a two-letter country code.")
        return country

    def clean(self):
        cleaned = super().clean()
        country, postcode = cleaned.get("country"), cleaned.get("postcode")
        if country and postcode:
            if not is_valid_postcode(country, postcode):
                self.add_error("postcode", f"Not a valid postcode for {country}.")
            else:
                cleaned["postcode"] = postcode.strip().upper()
        return cleaned


class CustomerSignupForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["email", "first_name", "last_name", "city", "joined"]

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if Customer.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A customer with this e-mail address already exists.")
        return email
