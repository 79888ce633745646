from django.urls import path

from . import notification_views

app_name = "notifications"

urlpatterns = [
    path(
        "emails/unsubscribe/<str:token>/",
        notification_views.unsubscribe,
        name="unsubscribe",
    ),
]
