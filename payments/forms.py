from django import forms
from django.contrib.auth import get_user_model

from .models import Product


class GrantForm(forms.Form):
    email = forms.EmailField(help_text="The person must already have an account.")
    product = forms.ModelChoiceField(queryset=Product.objects.active())

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        try:
            self.cleaned_data["user"] = get_user_model().objects.get(email__iexact=email)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError("Nobody has an account with this email address.") from None
        return email
