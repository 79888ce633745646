from django.urls import path, register_converter

from sessions.converters import SignedTokenConverter

from . import views

register_converter(SignedTokenConverter, "signed_token")

app_name = "notifications"

urlpatterns = [
    path(
        "emails/unsubscribe/<signed_token:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
]
