"""What each Stripe event does. The view in views.py verifies and records first.

The payload only says *that* something happened: checkout events are settled
by looking the session up again (`fulfill_checkout`), and every handler can
run twice, concurrently, or after a later event without changing the result.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from . import services
from .models import Order, StripeEvent

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    note: str
    order: Order | None = None


def _checkout_completed(obj: dict) -> Outcome:
    # Also async_payment_succeeded: both mean "look at the session now".
    order = services.fulfill_checkout(session_id=obj["id"])
    if order is None:
        return Outcome("no order for this session")
    return Outcome(f"order is {order.status}", order)


def _checkout_failed(obj: dict) -> Outcome:
    order = services.fail_checkout(session_id=obj["id"])
    return Outcome(f"order is {order.status}" if order else "no order for this session", order)


def _checkout_expired(obj: dict) -> Outcome:
    order = services.expire_checkout(session_id=obj["id"])
    return Outcome(f"order is {order.status}" if order else "no order for this session", order)


def _charge_refunded(obj: dict) -> Outcome:
    order = services.refund_payment(
        payment_intent_id=obj.get("payment_intent") or "",
        fully_refunded=bool(obj.get("refunded")),
        amount_refunded=int(obj.get("amount_refunded") or 0),
    )
    return Outcome(f"order is {order.status}" if order else "no order for this payment", order)


def _dispute_created(obj: dict) -> Outcome:
    order = services.dispute_payment(
        payment_intent_id=obj.get("payment_intent") or "",
        dispute_id=obj.get("id") or "",
        reason=obj.get("reason") or "",
    )
    return Outcome(f"order is {order.status}" if order else "no order for this payment", order)


HANDLERS: dict[str, Callable[[dict], Outcome]] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.async_payment_failed": _checkout_failed,
    "checkout.session.expired": _checkout_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}


def record_event(event: dict) -> StripeEvent:
    """Store a verified event once per id; later deliveries only count."""
    row, created = StripeEvent.objects.get_or_create(
        event_id=event["id"],
        defaults={"type": event["type"], "payload": event},
    )
    if not created:
        StripeEvent.objects.filter(pk=row.pk).update(deliveries=F("deliveries") + 1)
    return row


def process_event(row: StripeEvent) -> str:
    """Act on a recorded event unless that already happened; returns what was done.

    Concurrent deliveries of one event may both get here before either marks it
    processed; that is harmless, since every handler has a single effect.
    Errors propagate, leaving the row unprocessed so Stripe's retry runs it.
    """
    if row.processed_at:
        return "already processed"
    handler = HANDLERS.get(row.type)
    outcome = handler(row.payload["data"]["object"]) if handler else Outcome("ignored")
    StripeEvent.objects.filter(pk=row.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(),
        outcome=outcome.note[:255],
        order=outcome.order,
    )
    logger.info("Stripe event %s (%s): %s", row.event_id, row.type, outcome.note)
    return outcome.note
