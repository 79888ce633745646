"""The playbook sale: checkout, fulfillment, refunds and disputes, complimentary copies.

Stripe is the source of truth for money. Webhook payloads and the success page
are only triggers: `fulfill_checkout` looks the Checkout Session up again and
moves the order with a conditional UPDATE, so it can run any number of times,
from any number of processes, with one effect.
"""

import logging

import stripe
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
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
            _close_order(order_id=order.pk, status=Order.Status.EXPIRED)
            continue
        try:
            session = client.v1.checkout.sessions.create(
                params=_session_params(order),
                options={"idempotency_key": checkout_idempotency_key(order)},
            )
        except stripe.IdempotencyError:
            # An earlier attempt for this order used other details (the buyer
            # changed their email since): retire the order and start a new one.
            _close_order(order_id=order.pk, status=Order.Status.FAILED)
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


def _flag(order: Order, note: str) -> None:
    logger.warning("Order %s needs attention: %s", order.pk, note)
    Order.objects.filter(pk=order.pk).exclude(attention_note__contains=note).update(
        needs_attention=True, attention_note=(order.attention_note + "\n" + note).strip()
    )
    order.refresh_from_db(fields=["needs_attention", "attention_note"])


def _close_order(*, order_id: int, status: str) -> bool:
    return bool(
        Order.objects.filter(pk=order_id, status=Order.Status.PENDING).update(
            status=status, closed_at=timezone.now()
        )
    )


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
        _flag(order, f"Checkout Session {session.id} names another order; not fulfilled.")
        return order
    if session.status == "expired":
        _close_order(order_id=order.pk, status=Order.Status.EXPIRED)
        order.refresh_from_db()
        return order
    if session.payment_status != "paid":
        # Open, or complete with a delayed payment method still settling.
        return order
    amount, currency = session.amount_total, (session.currency or "").lower()
    if amount != order.amount_cents or currency != order.currency:
        _flag(
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
        _flag(order, "Paid while the buyer already owned a copy: refund this payment.")
        Order.objects.filter(pk=order.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=session.payment_intent or ""
        )
    order.refresh_from_db()
    return order


def fail_checkout(*, session_id: str) -> Order | None:
    """A delayed payment (bank debit) failed: the order can never be paid."""
    order = Order.objects.filter(stripe_checkout_session_id=session_id).first()
    if order:
        _close_order(order_id=order.pk, status=Order.Status.FAILED)
        order.refresh_from_db()
    return order


def expire_checkout(*, session_id: str) -> Order | None:
    order = Order.objects.filter(stripe_checkout_session_id=session_id).first()
    if order:
        _close_order(order_id=order.pk, status=Order.Status.EXPIRED)
        order.refresh_from_db()
    return order


# --- Refunds and disputes -----------------------------------------------------


def _order_for_payment_intent(payment_intent_id: str) -> Order | None:
    if not payment_intent_id:
        return None  # a charge made outside Checkout; never one of ours
    order = Order.objects.filter(stripe_payment_intent_id=payment_intent_id).first()
    if order:
        return order
    # A refund or dispute can arrive before checkout.session.completed; ask
    # Stripe which session took this payment and settle that one first, so the
    # late completion can't hand the download back.
    sessions = stripe_client().v1.checkout.sessions.list(
        params={"payment_intent": payment_intent_id, "limit": 1}
    )
    for session in sessions.data:
        return fulfill_checkout(session_id=session.id)
    return None


def refund_payment(*, payment_intent_id: str, fully_refunded: bool, amount_refunded: int):
    """charge.refunded: a full refund revokes the download; a partial one is for staff."""
    order = _order_for_payment_intent(payment_intent_id)
    if order is None:
        return None
    if not fully_refunded:
        _flag(order, f"Partially refunded ({amount_refunded}); the download stays available.")
        return order
    now = timezone.now()
    # A disputed payment can be refunded too (an inquiry, before it escalates);
    # the refund is final, so a dispute closed later never restores the download.
    revoked = Order.objects.filter(
        pk=order.pk, status__in=[Order.Status.PAID, Order.Status.DISPUTED]
    ).update(status=Order.Status.REFUNDED, refunded_at=now)
    if not revoked:
        Order.objects.filter(pk=order.pk, refunded_at__isnull=True).update(refunded_at=now)
    logger.info("Order %s refunded", order.pk)
    order.refresh_from_db()
    return order


# Stripe's dispute statuses. An inquiry ("warning_*") takes no money yet but
# may become a chargeback, so it revokes the download like an open dispute.
DISPUTE_OPEN = {"warning_needs_response", "warning_under_review", "needs_response", "under_review"}
# Closed in the seller's favour: the money stays (or came back).
DISPUTE_RESOLVED_FOR_SELLER = {"won", "warning_closed"}
DISPUTE_LOST = "lost"


class DisputedOrder(Exception):
    """The buyer's payment for this product is disputed; no second checkout meanwhile."""


def disputed_order_for(user, product: Product) -> Order | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return Order.objects.filter(user=user, product=product, status=Order.Status.DISPUTED).first()


def sync_dispute(*, payment_intent_id: str, dispute_id: str) -> Order | None:
    """Bring the order in line with the dispute's current status at Stripe.

    Every charge.dispute.* event (created, updated, closed, funds_withdrawn,
    funds_reinstated) lands here. The payload is only a trigger: the dispute
    is looked up again, so replays and any delivery order end in one state.

    - open (needs_response, under_review and their warning_* inquiry forms):
      a paid order becomes disputed and the download is revoked;
    - won or warning_closed: a disputed order is paid again, download restored;
    - lost: the order stays (or becomes) disputed; the download stays revoked.

    A refunded order is never moved. Returns the order, or None when the
    payment is not one of ours. Raises stripe.StripeError when Stripe can't be
    asked (the webhook answers 503 and Stripe retries).
    """
    if not dispute_id:
        return None
    order = _order_for_payment_intent(payment_intent_id)
    if order is None:
        return None
    dispute = stripe_client().v1.disputes.retrieve(dispute_id)
    if (dispute.payment_intent or "") != order.stripe_payment_intent_id:
        _flag(order, f"Dispute {dispute_id} names another payment; not applied.")
        return order
    status = dispute.status or ""
    now = timezone.now()
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.dispute_status == status and current.stripe_dispute_id == dispute_id:
            return current
        Order.objects.filter(pk=order.pk).update(
            stripe_dispute_id=dispute_id, dispute_status=status
        )
        if status in DISPUTE_OPEN or status == DISPUTE_LOST:
            Order.objects.filter(pk=order.pk, status=Order.Status.PAID).update(
                status=Order.Status.DISPUTED
            )
            Order.objects.filter(pk=order.pk, disputed_at__isnull=True).update(disputed_at=now)
        elif status in DISPUTE_RESOLVED_FOR_SELLER:
            try:
                with transaction.atomic():
                    Order.objects.filter(pk=order.pk, status=Order.Status.DISPUTED).update(
                        status=Order.Status.PAID
                    )
            except IntegrityError:
                # The buyer got another copy meanwhile (a complimentary grant).
                note = f"Dispute {dispute_id} {status}, but the buyer owns another copy."
                transaction.on_commit(lambda: _flag(order, note))
    order.refresh_from_db()
    reason = dispute.reason or "no reason given"
    if status in DISPUTE_OPEN or (status == DISPUTE_LOST and order.disputed_at == now):
        _flag(order, f"Dispute {dispute_id} opened ({reason}); download revoked.")
    if status in DISPUTE_RESOLVED_FOR_SELLER:
        _flag(order, f"Dispute {dispute_id} {status.replace('_', ' ')}; download restored.")
    elif status == DISPUTE_LOST:
        _flag(order, f"Dispute {dispute_id} lost; the download stays revoked.")
    logger.info("Order %s: dispute %s is %s", order.pk, dispute_id, status)
    return order


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
