import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import clock

from .models import Order

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_receipt(order_id: int) -> bool:
    """Email the receipt of a paid order, once, however often this task runs.

    The claim is a conditional UPDATE on receipt_sent_at; if sending fails the
    claim is released so the retry can send.
    """
    claimed = Order.objects.filter(
        pk=order_id, status=Order.Status.PAID, receipt_sent_at__isnull=True
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return False
    order = Order.objects.select_related("user__profile", "product").get(pk=order_id)
    try:
        _send(order)
    except Exception:
        Order.objects.filter(pk=order_id).update(receipt_sent_at=None)
        raise
    logger.info("Order %s: receipt sent to %s", order.pk, order.user.email)
    return True


def _send(order: Order) -> None:
    user = order.user
    context = {
        "order": order,
        "user": user,
        "download_url": f"{settings.SITE_URL}{reverse('payments:download')}",
        "receipt_url": f"{settings.SITE_URL}{reverse('payments:receipt', args=[order.pk])}",
        "purchases_url": f"{settings.SITE_URL}{reverse('payments:purchases')}",
    }
    twelve_hour = user.profile.uses_12_hour_clock
    with timezone.override(user.profile.zone), clock.override(twelve_hour=twelve_hour):
        subject = render_to_string("emails/receipt-subject.txt", context).strip()
        text = render_to_string("emails/receipt-body.txt", context)
        html = render_to_string("emails/receipt-body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
