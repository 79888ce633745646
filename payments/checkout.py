"""The playbook checkout: open (or reopen) a Checkout Session, and settle it.

Stripe is the source of truth for money. Webhook payloads and the success page
are only triggers: `fulfill_checkout` looks the Checkout Session up again and
moves the order with a conditional UPDATE, so it can run any number of times,
from any number of processes, with one effect.
"""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import pagecache

from .models import Order, Product
from .services import (
    AlreadyOwned,
    DisputedOrder,
    PaymentProcessing,
    disputed_order_for,
    flag_order,
    paid_order_for,
    stripe_client,
)

logger = logging.getLogger(__name__)


# --- Checkout -----------------------------------------------------------------


def _pending_order(*, user, product: Product) -> Order:
    """The person's one open order for the product, made on first use.

    A partial unique index allows one pending order per person and product, so
    a double click or a second tab gets the same order and, through the
    idempotency key below, the same Checkout Session.
    """
    order = Order.objects.filter(user=user, product=product, status=Order.Status.PENDING).first()
    if order:
        return order
    try:
        with transaction.atomic():
            return Order.objects.create(
                user=user,
                product=product,
                amount_cents=product.price_cents,
                currency=product.currency,
            )
    except IntegrityError:
        return Order.objects.get(user=user, product=product, status=Order.Status.PENDING)


def checkout_idempotency_key(order: Order) -> str:
    return f"interviewprep-order-{order.pk}-checkout"


def _session_params(order: Order) -> dict:
    site = settings.SITE_URL
    success = reverse("payments:success")
    return {
        "mode": "payment",
        "client_reference_id": str(order.pk),
        "customer_email": order.user.email,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    # From the order, which copied them from the database.
                    "currency": order.currency,
                    "unit_amount": order.amount_cents,
                    "product_data": {"name": order.product.title},
                },
            }
        ],
        "metadata": {"order_id": str(order.pk)},
        "payment_intent_data": {"metadata": {"order_id": str(order.pk)}},
        # Stripe substitutes the literal {CHECKOUT_SESSION_ID} on redirect.
        "success_url": f"{site}{success}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{site}{reverse('payments:playbook')}?cancelled=1",
    }


def start_checkout(*, user, product: Product) -> str:
    """Open (or reopen) a Checkout Session for this person; returns its URL.

    Raises AlreadyOwned instead when the person has the product already, and
    DisputedOrder while their payment for it is disputed with their bank.
    """
    if paid_order_for(user, product):
        raise AlreadyOwned
    if disputed_order_for(user, product):
        raise DisputedOrder
    client = stripe_client()
    while True:
        order = _pending_order(user=user, product=product)
        if order.stripe_checkout_session_id:
            session = client.v1.checkout.sessions.retrieve(order.stripe_checkout_session_id)
            if session.status == "open":
                return session.url
            if session.status == "complete":
                # Paid, settling, or held for staff: never open a second payment.
                settled = fulfill_checkout(session_id=session.id)
                if settled and settled.status == Order.Status.PAID:
                    raise AlreadyOwned
                raise PaymentProcessing
            _close_order(order=order, status=Order.Status.EXPIRED)
            continue
        try:
            session = client.v1.checkout.sessions.create(
                params=_session_params(order),
                options={"idempotency_key": checkout_idempotency_key(order)},
            )
        except stripe.IdempotencyError:
            # An earlier attempt for this order used other details (the buyer
            # changed their email since): retire the order and start a new one.
            _close_order(order=order, status=Order.Status.FAILED)
            continue
        Order.objects.filter(pk=order.pk, stripe_checkout_session_id__isnull=True).update(
            stripe_checkout_session_id=session.id
        )
        logger.info("Order %s: Checkout Session %s created", order.pk, session.id)
        return session.url


# --- Fulfillment --------------------------------------------------------------


def _order_for_session(session) -> Order | None:
    order = Order.objects.filter(stripe_checkout_session_id=session.id).first()
    if order:
        return order
    # The session was made but its id never reached our row (a crash between
    # Stripe's answer and our UPDATE): client_reference_id still names it.
    ref = session.client_reference_id or ""
    if not ref.isdigit():
        return None
    order = Order.objects.filter(pk=int(ref), stripe_checkout_session_id__isnull=True).first()
    if order:
        Order.objects.filter(pk=order.pk, stripe_checkout_session_id__isnull=True).update(
            stripe_checkout_session_id=session.id
        )
        order.refresh_from_db()
    return order


def _close_order(*, order: Order, status: str) -> bool:
    closed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
        status=status, closed_at=timezone.now()
    )
    # A bulk update sends no post_save: the buyer's cached pages are told here.
    pagecache.people_changed(order.user_id)
    return bool(closed)


def _queue_receipt(order_id: int) -> None:
    from .tasks import send_receipt

    send_receipt.delay(order_id)


def fulfill_checkout(*, session_id: str) -> Order | None:
    """Mark the session's order paid if Stripe says it is; any number of calls, one effect.

    Returns the order (in its current state), or None when no order of ours
    belongs to the session.
    """
    session = stripe_client().v1.checkout.sessions.retrieve(session_id)
    order = _order_for_session(session)
    if order is None:
        logger.warning("Checkout Session %s matches no order", session_id)
        return None
    if session.client_reference_id != str(order.pk):
        flag_order(order, f"Checkout Session {session.id} names another order; not fulfilled.")
        return order
    if session.status == "expired":
        _close_order(order=order, status=Order.Status.EXPIRED)
        order.refresh_from_db()
        return order
    if session.payment_status != "paid":
        # Open, or complete with a delayed payment method still settling.
        return order
    amount, currency = session.amount_total, (session.currency or "").lower()
    if amount != order.amount_cents or currency != order.currency:
        flag_order(
            order,
            f"Stripe charged {amount} {currency} but the order is for "
            f"{order.amount_cents} {order.currency}; not fulfilled.",
        )
        return order
    try:
        with transaction.atomic():
            won = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
                status=Order.Status.PAID,
                fulfilled_at=timezone.now(),
                stripe_payment_intent_id=session.payment_intent or "",
            )
            if won:
                logger.info("Order %s paid (session %s)", order.pk, session.id)
                transaction.on_commit(lambda: _queue_receipt(order.pk))
    except IntegrityError:
        # Another order of this person was paid (or a copy granted) while this
        # checkout was open: the person now paid twice and must be refunded.
        flag_order(order, "Paid while the buyer already owned a copy: refund this payment.")
        Order.objects.filter(pk=order.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=session.payment_intent or ""
        )
    # The bulk updates above send no post_save: the playbook page is told here.
    pagecache.people_changed(order.user_id)
    order.refresh_from_db()
    return order


def fail_checkout(*, session_id: str) -> Order | None:
    """A delayed payment (bank debit) failed: the order can never be paid."""
    order = Order.objects.filter(stripe_checkout_session_id=session_id).first()
    if order:
        _close_order(order=order, status=Order.Status.FAILED)
        order.refresh_from_db()
    return order


def expire_checkout(*, session_id: str) -> Order | None:
    order = Order.objects.filter(stripe_checkout_session_id=session_id).first()
    if order:
        _close_order(order=order, status=Order.Status.EXPIRED)
        order.refresh_from_db()
    return order
