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

from sessions.scheduling.bulk import insert_rows
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
from .tasks import send_reminders

logger = logging.getLogger(__name__)

# Rows queued in one message: a booking's two confirmations go together, and a
# matcher batch of hundreds is split so several workers can share the sending.
DISPATCH_CHUNK = 50


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
    for start in range(0, len(reminder_ids), DISPATCH_CHUNK):
        chunk = reminder_ids[start : start + DISPATCH_CHUNK]
        try:
            send_reminders.delay(chunk)
        except Exception:
            # The rows are committed and due: the next sweep sends them. A broker
            # hiccup must not turn a saved booking into an error page.
            logger.warning(
                "Could not queue reminders %s; the sweep sends them", chunk, exc_info=True
            )


# A Reminder row as `insert_rows` writes it: (booking id, recipient id, kind, due at).
ROW_FIELDS = ("booking_id", "recipient_id", "kind", "due_at")


def _reminder_rows(booking: Booking, now: datetime) -> list[tuple]:
    """The 24 h and 1 h reminders of a live booking still ahead of `now`, as rows."""
    return [
        (booking.pk, person_id, kind.value, booking.starts_at - offset)
        for kind, offset in REMINDER_OFFSETS.items()
        if booking.starts_at - offset > now
        for person_id in (booking.host_id, booking.guest_id)
    ]


def schedule_reminders(booking: Booking) -> None:
    """(Re)create the 24 h and 1 h reminders of a live booking."""
    cancel_pending(booking, kinds=list(REMINDER_OFFSETS))
    insert_rows(Reminder, ROW_FIELDS, _reminder_rows(booking, timezone.now()))


def round_ends_at(round_: Round) -> datetime:
    """A swap's first round ends at half time; every other round with the booking."""
    return _round_ends_at(round_.booking, round_.number)


def _round_ends_at(booking: Booking, number: int) -> datetime:
    if booking.host_role == HostRole.SWAP and number == 1:
        return booking.starts_at + (booking.ends_at - booking.starts_at) / 2
    return booking.ends_at


def _feedback_rows(booking: Booking, rounds: list[tuple[int, int, int]]) -> list[tuple]:
    """The feedback request, nudge and "feedback ready" rows of a booking's rounds
    (each as (number, interviewer id, candidate id), in order), as rows."""
    rows = []
    for number, interviewer_id, _ in rounds:
        ends = _round_ends_at(booking, number)
        rows.append((booking.pk, interviewer_id, Kind.FEEDBACK_REQUEST.value, ends))
        rows.append(
            (booking.pk, interviewer_id, Kind.FEEDBACK_NUDGE.value, ends + FEEDBACK_NUDGE_AFTER)
        )
    ready = booking.ends_at + REVEAL_AFTER
    for candidate_id in dict.fromkeys(candidate for _, _, candidate in rounds):
        rows.append((booking.pk, candidate_id, Kind.FEEDBACK_READY.value, ready))
    return rows


def _rounds_of(booking_ids: list[int]) -> dict[int, list[tuple[int, int, int]]]:
    """Each booking's rounds as (number, interviewer id, candidate id), in order."""
    rounds: dict[int, list[tuple[int, int, int]]] = {pk: [] for pk in booking_ids}
    for booking_id, *round_ in (
        Round.objects.filter(booking__in=booking_ids)
        .order_by("booking", "number")
        .values_list("booking_id", "number", "interviewer_id", "candidate_id")
    ):
        rounds[booking_id].append(tuple(round_))
    return rounds


def schedule_feedback(booking: Booking) -> None:
    """(Re)create the feedback request, nudge and "feedback ready" rows of a booking.

    Each interviewer is asked when their round ends and nudged a day later;
    each candidate hears about their feedback at the reveal deadline at the
    latest (feedback_revealed brings that forward when both sides are in).
    """
    cancel_pending(booking, kinds=FEEDBACK_KINDS)
    insert_rows(Reminder, ROW_FIELDS, _feedback_rows(booking, _rounds_of([booking.pk])[booking.pk]))


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


def bookings_confirmed(bookings: list[Booking]) -> None:
    """New bookings: a confirmation for both people now (queued after commit),
    the 24 h and 1 h reminders, and the feedback rows of every round.

    Written with two inserts for all of them (COPY on PostgreSQL, see
    `insert_rows`), so the matcher's batch of a few hundred bookings costs the
    same few queries as one booking.
    """
    now = timezone.now()
    rounds = _rounds_of([booking.pk for booking in bookings])
    confirmation = Kind.CONFIRMATION.value
    confirmations = [
        (booking.pk, person_id, confirmation, now)
        for booking in bookings
        for person_id in (booking.host_id, booking.guest_id)
    ]
    later = []
    for booking in bookings:
        later += _reminder_rows(booking, now)
        later += _feedback_rows(booking, rounds[booking.pk])
    _dispatch_on_commit(insert_rows(Reminder, ROW_FIELDS, confirmations, with_ids=True))
    insert_rows(Reminder, ROW_FIELDS, later)


def booking_confirmed(booking: Booking) -> None:
    """`bookings_confirmed` for one booking."""
    bookings_confirmed([booking])


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
