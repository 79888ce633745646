"""Booking notifications: every email about a booking is a Reminder row first.

Scheduling services call these functions inside their transaction; rows are
created there and sent by Celery after commit (see sessions/tasks.py).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Booking, Reminder, RescheduleRequest

REMINDER_OFFSETS = {
    Reminder.Kind.REMINDER_24H: timedelta(hours=24),
    Reminder.Kind.REMINDER_1H: timedelta(hours=1),
}


def _notify_now(booking: Booking, kind: str, recipients) -> list[Reminder]:
    now = timezone.now()
    rows = [
        Reminder.objects.create(booking=booking, recipient=r, kind=kind, due_at=now)
        for r in recipients
    ]
    transaction.on_commit(lambda: _dispatch([row.pk for row in rows]))
    return rows


def _dispatch(reminder_ids: list[int]) -> None:
    from .tasks import send_reminder

    for pk in reminder_ids:
        send_reminder.delay(pk)


def schedule_reminders(booking: Booking) -> None:
    """(Re)create the 24 h and 1 h reminders of a live booking."""
    cancel_pending(booking, kinds=list(REMINDER_OFFSETS))
    now = timezone.now()
    for kind, offset in REMINDER_OFFSETS.items():
        due = booking.starts_at - offset
        if due <= now:
            continue
        for person in (booking.host, booking.guest):
            Reminder.objects.create(booking=booking, recipient=person, kind=kind, due_at=due)


def cancel_pending(booking: Booking, kinds: list[str] | None = None) -> int:
    rows = Reminder.objects.filter(booking=booking, status=Reminder.Status.PENDING)
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    return rows.update(status=Reminder.Status.CANCELLED)


def booking_confirmed(booking: Booking) -> None:
    _notify_now(booking, Reminder.Kind.CONFIRMATION, [booking.host, booking.guest])
    schedule_reminders(booking)


def booking_cancelled(booking: Booking, cancelled_by) -> None:
    cancel_pending(booking)
    _notify_now(booking, Reminder.Kind.CANCELLATION, [booking.other_participant(cancelled_by)])


def reschedule_proposed(request: RescheduleRequest) -> None:
    booking = request.booking
    _notify_now(
        booking,
        Reminder.Kind.RESCHEDULE_PROPOSED,
        [booking.other_participant(request.proposed_by)],
    )


def reschedule_declined(request: RescheduleRequest) -> None:
    _notify_now(request.booking, Reminder.Kind.RESCHEDULE_DECLINED, [request.proposed_by])


def booking_rescheduled(booking: Booking) -> None:
    _notify_now(booking, Reminder.Kind.RESCHEDULED, [booking.host, booking.guest])
    schedule_reminders(booking)


def scorecard_submitted(scorecard) -> None:
    """The grader is done: no nudge for them any more."""
    Reminder.objects.filter(
        booking_id=scorecard.booking_id,
        recipient_id=scorecard.grader_id,
        kind__in=[Reminder.Kind.FEEDBACK_REQUEST, Reminder.Kind.FEEDBACK_NUDGE],
        status=Reminder.Status.PENDING,
    ).update(status=Reminder.Status.CANCELLED)


def feedback_revealed(booking: Booking, candidates) -> None:
    """Every scorecard of the booking is in: tell each candidate now."""
    _notify_now(booking, Reminder.Kind.FEEDBACK_READY, list(candidates))
