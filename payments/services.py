"""The playbook sale's shared parts: the Stripe client, who owns or disputes a copy,
flagging an order for staff, complimentary copies and download records.

Opening and settling a Checkout Session is in `checkout`; refunds and disputes in
`refunds`. Stripe is the source of truth for money: webhook payloads and the success
page are only triggers.
"""

import logging

import stripe
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Order, Product

logger = logging.getLogger(__name__)

# Seconds to wait for Stripe before giving up; a webhook or a page is waiting.
STRIPE_TIMEOUT = 20


class PaymentsNotConfigured(Exception):
    pass


class AlreadyOwned(Exception):
    """The buyer already has this product; nobody is charged twice."""


class PaymentProcessing(Exception):
    """The buyer's last checkout is complete but its payment is settling or being checked."""


def payments_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    if not payments_configured():
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        # Safe: every POST carries an idempotency key, and GETs change nothing.
        max_network_retries=2,
        http_client=stripe.new_default_http_client(timeout=STRIPE_TIMEOUT),
    )


def get_playbook() -> Product | None:
    """The product on sale (a database constraint allows one active at a time)."""
    return Product.objects.active().first()


def paid_order_for(user, product: Product) -> Order | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return Order.objects.filter(user=user, product=product, status=Order.Status.PAID).first()


def has_playbook(user) -> bool:
    """Whether this person may download the active playbook.

    A paid order is the only way in: complimentary copies are paid orders of
    zero, and refunds and disputes move the order out of "paid".
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return Order.objects.filter(user=user, product__active=True, status=Order.Status.PAID).exists()


class DisputedOrder(Exception):
    """The buyer's payment for this product is disputed; no second checkout meanwhile."""


def disputed_order_for(user, product: Product) -> Order | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return Order.objects.filter(user=user, product=product, status=Order.Status.DISPUTED).first()


def flag_order(order: Order, note: str) -> None:
    """Mark the order as needing staff attention, adding `note` once (a repeat adds nothing)."""
    logger.warning("Order %s needs attention: %s", order.pk, note)
    Order.objects.filter(pk=order.pk).exclude(attention_note__contains=note).update(
        needs_attention=True, attention_note=(order.attention_note + "\n" + note).strip()
    )
    order.refresh_from_db(fields=["needs_attention", "attention_note"])


# --- Staff --------------------------------------------------------------------


def grant_complimentary(*, user, product: Product, granted_by) -> Order:
    """Give a person a copy without payment; a no-op when they own one already."""
    existing = paid_order_for(user, product)
    if existing:
        return existing
    try:
        with transaction.atomic():
            order = Order.objects.create(
                user=user,
                product=product,
                status=Order.Status.PAID,
                amount_cents=0,
                currency=product.currency,
                complimentary=True,
                granted_by=granted_by,
                fulfilled_at=timezone.now(),
            )
    except IntegrityError:
        return Order.objects.get(user=user, product=product, status=Order.Status.PAID)
    logger.info("Order %s: complimentary copy for %s by %s", order.pk, user, granted_by)
    return order


# --- Downloads ----------------------------------------------------------------


def record_download(*, order: Order, ip_address: str | None, user_agent: str):
    from .models import DownloadLog

    return DownloadLog.objects.create(
        order=order,
        user=order.user,
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )
