"""Refunds and disputes of playbook payments, as Stripe reports them to the webhook.

Each event is only a trigger: the order is found by its payment, the dispute is
looked up again at Stripe, and the order moves with conditional UPDATEs, so replays
and any delivery order end in one state.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import pagecache

from .checkout import fulfill_checkout
from .models import Order
from .services import flag_order, stripe_client

logger = logging.getLogger(__name__)


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
        flag_order(order, f"Partially refunded ({amount_refunded}); the download stays available.")
        return order
    now = timezone.now()
    # A disputed payment can be refunded too (an inquiry, before it escalates);
    # the refund is final, so a dispute closed later never restores the download.
    revoked = Order.objects.filter(
        pk=order.pk, status__in=[Order.Status.PAID, Order.Status.DISPUTED]
    ).update(status=Order.Status.REFUNDED, refunded_at=now)
    if not revoked:
        Order.objects.filter(pk=order.pk, refunded_at__isnull=True).update(refunded_at=now)
    pagecache.people_changed(order.user_id)  # bulk updates send no post_save
    logger.info("Order %s refunded", order.pk)
    order.refresh_from_db()
    return order


# Stripe's dispute statuses. An inquiry ("warning_*") takes no money yet but
# may become a chargeback, so it revokes the download like an open dispute.
DISPUTE_OPEN = {"warning_needs_response", "warning_under_review", "needs_response", "under_review"}
# Closed in the seller's favour: the money stays (or came back).
DISPUTE_RESOLVED_FOR_SELLER = {"won", "warning_closed"}
DISPUTE_LOST = "lost"


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
        flag_order(order, f"Dispute {dispute_id} names another payment; not applied.")
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
                transaction.on_commit(lambda: flag_order(order, note))
        pagecache.people_changed(order.user_id)  # bulk updates send no post_save
    order.refresh_from_db()
    reason = dispute.reason or "no reason given"
    if status in DISPUTE_OPEN or (status == DISPUTE_LOST and order.disputed_at == now):
        flag_order(order, f"Dispute {dispute_id} opened ({reason}); download revoked.")
    if status in DISPUTE_RESOLVED_FOR_SELLER:
        flag_order(order, f"Dispute {dispute_id} {status.replace('_', ' ')}; download restored.")
    elif status == DISPUTE_LOST:
        flag_order(order, f"Dispute {dispute_id} lost; the download stays revoked.")
    logger.info("Order %s: dispute %s is %s", order.pk, dispute_id, status)
    return order
