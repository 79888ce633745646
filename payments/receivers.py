"""Payments' part when a person leaves or asks for their data (accounts.signals).

Orders are accounting records and stay, pointing at the anonymised user; what
identified the buyer beside them is scrubbed: the network address and browser of
each download, and the email, name, phone and address Stripe copied into the
stored webhook payloads.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.dispatch import receiver

from accounts.signals import personal_data_requested, user_anonymising

from .models import DownloadLog, Order, StripeEvent

# Parts of a Stripe object that describe the customer rather than the payment.
_PERSONAL_KEYS = {
    "customer_details",
    "billing_details",
    "shipping_details",
    "shipping",
    "customer_email",
    "receipt_email",
    "customer_name",
    "customer_phone",
    "customer_address",
}


def scrub_payload(value: Any, emails: set[str]) -> Any:
    """A copy of a Stripe payload with the customer's details and addresses removed."""
    if isinstance(value, dict):
        return {
            key: None if key in _PERSONAL_KEYS else scrub_payload(item, emails)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub_payload(item, emails) for item in value]
    if isinstance(value, str) and value.strip().lower() in emails:
        return None
    return value


@receiver(user_anonymising, dispatch_uid="payments.scrub_buyer")
def scrub_buyer(sender, *, user, **kwargs) -> None:
    DownloadLog.objects.filter(user=user).update(ip_address=None, user_agent="")
    emails = {user.email.lower()} | {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    events = StripeEvent.objects.filter(order__user=user).select_for_update()
    for event in events:
        scrubbed = scrub_payload(event.payload, emails)
        if scrubbed != event.payload:
            event.payload = scrubbed
            event.save(update_fields=["payload"])


@receiver(personal_data_requested, dispatch_uid="payments.export_orders")
def export_orders(sender, *, user, **kwargs) -> dict:
    orders = Order.objects.filter(user=user).select_related("product").order_by("created_at")
    downloads: dict[int, list] = {}
    for log in DownloadLog.objects.filter(user=user).order_by("downloaded_at"):
        downloads.setdefault(log.order_id, []).append(
            {"at": log.downloaded_at, "ip_address": log.ip_address, "user_agent": log.user_agent}
        )
    return {
        "orders": [
            {
                "reference": order.reference,
                "product": order.product.title,
                "status": order.status,
                "amount": order.amount_display,
                "amount_cents": order.amount_cents,
                "currency": order.currency,
                "complimentary": order.complimentary,
                "created_at": order.created_at,
                "paid_at": order.fulfilled_at,
                "refunded_at": order.refunded_at,
                "disputed_at": order.disputed_at,
                "downloads": downloads.get(order.pk, []),
            }
            for order in orders
        ]
    }
