"""What each Stripe event does. The view in views.py verifies and records first.

The payload only says *that* something happened: checkout events are settled
by looking the session up again (`fulfill_checkout`), and every handler can
run twice, concurrently, or after a later event without changing the result.
"""

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import checkout, refunds
from .models import Order, StripeEvent

logger = logging.getLogger(__name__)

IGNORED = "ignored"  # the outcome of an event no handler acts on


class MalformedEvent(ValueError):
    """A signed event whose object lacks a field in the shape Stripe documents."""


def _text(obj: dict, name: str) -> str:
    value = obj.get(name) or ""
    if not isinstance(value, str) or "\x00" in value:
        raise MalformedEvent(f"{name} is not a string")
    return value


def _required_text(obj: dict, name: str) -> str:
    value = _text(obj, name)
    if not value:
        raise MalformedEvent(f"{name} is missing")
    return value


def _whole_number(obj: dict, name: str) -> int:
    value = obj.get(name) or 0
    # bool is an int in Python, but never an amount.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedEvent(f"{name} is not a whole number of the smallest currency unit")
    return value


@dataclass
class Outcome:
    note: str
    order: Order | None = None


def _checkout_completed(obj: dict) -> Outcome:
    # Also async_payment_succeeded: both mean "look at the session now".
    order = checkout.fulfill_checkout(session_id=_required_text(obj, "id"))
    if order is None:
        return Outcome("no order for this session")
    return Outcome(f"order is {order.status}", order)


def _checkout_failed(obj: dict) -> Outcome:
    order = checkout.fail_checkout(session_id=_required_text(obj, "id"))
    return Outcome(f"order is {order.status}" if order else "no order for this session", order)


def _checkout_expired(obj: dict) -> Outcome:
    order = checkout.expire_checkout(session_id=_required_text(obj, "id"))
    return Outcome(f"order is {order.status}" if order else "no order for this session", order)


def _charge_refunded(obj: dict) -> Outcome:
    order = refunds.refund_payment(
        payment_intent_id=_text(obj, "payment_intent"),
        fully_refunded=obj.get("refunded") is True,
        amount_refunded=_whole_number(obj, "amount_refunded"),
    )
    return Outcome(f"order is {order.status}" if order else "no order for this payment", order)


def _dispute_changed(obj: dict) -> Outcome:
    order = refunds.sync_dispute(
        payment_intent_id=_text(obj, "payment_intent"), dispute_id=_text(obj, "id")
    )
    if order is None:
        return Outcome("no order for this payment")
    return Outcome(f"order is {order.status} (dispute {order.dispute_status})", order)


HANDLERS: dict[str, Callable[[dict], Outcome]] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.async_payment_failed": _checkout_failed,
    "checkout.session.expired": _checkout_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_changed,
    "charge.dispute.updated": _dispute_changed,
    "charge.dispute.closed": _dispute_changed,
    "charge.dispute.funds_withdrawn": _dispute_changed,
    "charge.dispute.funds_reinstated": _dispute_changed,
}


def record_event(event: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event once per id; returns the row and whether it is new.

    A new event is one INSERT, with no read before it; an event of a type no
    handler acts on goes in already processed, as "ignored", in that same
    statement. A later delivery of the same id meets the unique constraint:
    it only counts the delivery and reads the stored row.
    """
    fields = {"event_id": event["id"], "type": event["type"], "payload": event}
    if event["type"] not in HANDLERS:
        fields.update(processed_at=timezone.now(), outcome=IGNORED)
    # Inside a transaction the refused INSERT needs a savepoint to roll back
    # to; in autocommit it is rolled back alone.
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return StripeEvent.objects.create(**fields), True
    except IntegrityError:
        StripeEvent.objects.filter(event_id=event["id"]).update(deliveries=F("deliveries") + 1)
        return StripeEvent.objects.get(event_id=event["id"]), False


def process_event(row: StripeEvent, *, created: bool) -> str:
    """Act on a recorded event unless that already happened; returns what was done.

    Concurrent deliveries of one event may both get here before either marks it
    processed; that is harmless, since every handler has a single effect.
    Errors propagate, leaving the row unprocessed so Stripe's retry runs it.
    """
    if row.processed_at:
        if created:  # recorded as done: a type no handler acts on
            logger.info("Stripe event %s (%s): %s", row.event_id, row.type, row.outcome)
            return row.outcome
        return "already processed"
    handler = HANDLERS.get(row.type)
    try:
        outcome = handler(row.payload["data"]["object"]) if handler else Outcome(IGNORED)
    except MalformedEvent as exc:
        # Signed by Stripe yet not in Stripe's shape: a retry can't help, so
        # it is recorded, changes nothing, and is answered like an ignored type.
        logger.warning("Stripe event %s refused as malformed: %s", row.event_id, exc)
        outcome = Outcome(f"malformed: {exc}")
    StripeEvent.objects.filter(pk=row.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(),
        outcome=outcome.note[:255],
        order=outcome.order,
    )
    logger.info("Stripe event %s (%s): %s", row.event_id, row.type, outcome.note)
    return outcome.note
