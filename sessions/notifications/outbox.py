"""The outbox: every email about a booking is a Reminder row first.

The receivers (sessions.notifications.receivers) call these functions when
scheduling or grading announce a change, inside the transaction that made
it, so the rows commit with the change that caused them. Immediate emails
are queued to Celery after commit; the sweep in sessions.notifications.services
sends whatever is due, including anything the queue lost.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sessions.scheduling.models import (
    Booking,
    HostRole,
    NoShowReport,
    RescheduleRequest,
    Round,
)

from .models import Reminder
from .policy import (
    FEEDBACK_KINDS,
    FEEDBACK_NUDGE_AFTER,
    REMINDER_OFFSETS,
    REVEAL_AFTER,
    Kind,
    Status,
)
from .tasks import send_reminder

logger = logging.getLogger(__name__)


def _notify_now(booking: Booking, kind: str, recipients) -> list[Reminder]:
    now = timezone.now()
    rows = [
        Reminder.objects.create(booking=booking, recipient=r, kind=kind, due_at=now)
        for r in recipients
    ]
    _dispatch_on_commit([row.pk for row in rows])
    return rows


def _dispatch_on_commit(reminder_ids: list[int]) -> None:
    if reminder_ids:
        transaction.on_commit(lambda: _dispatch(reminder_ids))


def _dispatch(reminder_ids: list[int]) -> None:
    for pk in reminder_ids:
        try:
            send_reminder.delay(pk)
        except Exception:
            # The row is committed and due: the next sweep sends it. A broker
            # hiccup must not turn a saved booking into an error page.
            logger.warning("Could not queue reminder %s; the sweep will send it", pk, exc_info=True)


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


def round_ends_at(round_: Round) -> datetime:
    """A swap's first round ends at half time; every other round with the booking."""
    booking = round_.booking
    if booking.host_role == HostRole.SWAP and round_.number == 1:
        return booking.starts_at + (booking.ends_at - booking.starts_at) / 2
    return booking.ends_at


def schedule_feedback(booking: Booking) -> None:
    """(Re)create the feedback request, nudge and "feedback ready" rows of a booking.

    Each interviewer is asked when their round ends and nudged a day later;
    each candidate hears about their feedback at the reveal deadline at the
    latest (feedback_revealed brings that forward when both sides are in).
    """
    cancel_pending(booking, kinds=FEEDBACK_KINDS)
    rounds = list(booking.rounds.select_related("booking", "interviewer", "candidate"))
    for round_ in rounds:
        ends = round_ends_at(round_)
        Reminder.objects.create(
            booking=booking, recipient=round_.interviewer, kind=Kind.FEEDBACK_REQUEST, due_at=ends
        )
        Reminder.objects.create(
            booking=booking,
            recipient=round_.interviewer,
            kind=Kind.FEEDBACK_NUDGE,
            due_at=ends + FEEDBACK_NUDGE_AFTER,
        )
    for candidate in {r.candidate for r in rounds}:
        Reminder.objects.create(
            booking=booking,
            recipient=candidate,
            kind=Kind.FEEDBACK_READY,
            due_at=booking.ends_at + REVEAL_AFTER,
        )


def cancel_pending(booking: Booking, kinds: list[str] | None = None) -> int:
    rows = Reminder.objects.filter(booking=booking, status=Status.PENDING)
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    return rows.update(status=Status.CANCELLED)


def cancel_pending_for(user) -> int:
    """Cancel every email still waiting to go to `user` (they left); returns how many."""
    return Reminder.objects.filter(recipient=user, status=Status.PENDING).update(
        status=Status.CANCELLED, last_error="The recipient closed their account."
    )


def booking_confirmed(booking: Booking) -> None:
    _notify_now(booking, Kind.CONFIRMATION, [booking.host, booking.guest])
    schedule_reminders(booking)
    schedule_feedback(booking)


def booking_cancelled(booking: Booking, cancelled_by) -> None:
    """Both calendars hold the event, so both people get the CANCEL invite.

    The email words it for each side from booking.cancelled_by; calling this
    again for the same booking (staff cancelling for both) adds nothing.
    """
    cancel_pending(booking, kinds=[k for k in Kind.values if k != Kind.CANCELLATION])
    told = set(
        Reminder.objects.filter(booking=booking, kind=Kind.CANCELLATION)
        .exclude(status=Status.CANCELLED)
        .values_list("recipient_id", flat=True)
    )
    _notify_now(
        booking,
        Kind.CANCELLATION,
        [person for person in (booking.host, booking.guest) if person.pk not in told],
    )


def reschedule_proposed(request: RescheduleRequest) -> None:
    booking = request.booking
    _notify_now(
        booking,
        Kind.RESCHEDULE_PROPOSED,
        [booking.other_participant(request.proposed_by)],
    )


def reschedule_declined(request: RescheduleRequest) -> None:
    _notify_now(request.booking, Kind.RESCHEDULE_DECLINED, [request.proposed_by])


def booking_rescheduled(booking: Booking) -> None:
    _notify_now(booking, Kind.RESCHEDULED, [booking.host, booking.guest])
    schedule_reminders(booking)
    schedule_feedback(booking)


def scorecard_submitted(scorecard) -> None:
    """The grader is done: no request or nudge for them any more."""
    Reminder.objects.filter(
        booking_id=scorecard.booking_id,
        recipient_id=scorecard.grader_id,
        kind__in=[Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE],
        status=Status.PENDING,
    ).update(status=Status.CANCELLED)


def feedback_revealed(booking: Booking, candidates) -> None:
    """Every scorecard of the booking is in: tell each candidate now.

    The candidate's deadline row is brought forward rather than duplicated; a
    candidate who already heard gets nothing more.
    """
    now = timezone.now()
    due_now = []
    for candidate in candidates:
        rows = Reminder.objects.filter(
            booking=booking, recipient=candidate, kind=Kind.FEEDBACK_READY
        )
        if rows.filter(status__in=[Status.SENT, Status.SENDING]).exists():
            continue
        pending = list(rows.filter(status=Status.PENDING).values_list("pk", flat=True))
        if pending:
            rows.filter(pk__in=pending).update(due_at=now)
            due_now.extend(pending)
        else:
            row = Reminder.objects.create(
                booking=booking, recipient=candidate, kind=Kind.FEEDBACK_READY, due_at=now
            )
            due_now.append(row.pk)
    _dispatch_on_commit(due_now)


def no_show_reported(report: NoShowReport) -> None:
    """The accused hears of the report at once, with the way to dispute it."""
    _notify_now(report.booking, Kind.NO_SHOW_REPORTED, [report.accused])


def no_show_disputed(report: NoShowReport) -> None:
    """The reporter hears that the accused disputes it and staff will decide."""
    _notify_now(report.booking, Kind.NO_SHOW_DISPUTED, [report.reporter])


def no_show_upheld(report: NoShowReport) -> None:
    # Nothing to grade and nothing to remind about for a session that didn't happen.
    cancel_pending(report.booking)
    if report.resolved_by_id:
        no_show_decided(report)


def no_show_decided(report: NoShowReport) -> None:
    """Staff decided: both people hear the outcome."""
    _notify_now(report.booking, Kind.NO_SHOW_DECIDED, [report.accused, report.reporter])
