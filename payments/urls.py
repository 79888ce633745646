from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("", views.playbook, name="playbook"),
    path("buy/", views.buy, name="buy"),
    path("success/", views.success, name="success"),
    path("download/", views.download, name="download"),
    path("purchases/", views.purchases, name="purchases"),
    path("purchases/<int:order_id>/receipt/", views.receipt, name="receipt"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
