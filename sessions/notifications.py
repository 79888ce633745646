"""Booking notifications: every email about a booking is a Reminder row first.

Scheduling and grading services call the hooks below inside their
transactions; the rows commit with the change that caused them. Immediate
emails are queued to Celery after commit, and a beat sweep every minute
sends whatever is due (including anything the queue lost). Each send claims
its row with a conditional UPDATE first, so any number of workers and
overlapping sweeps send a row at most once, and a row whose worker died is
claimed again once its lease runs out.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Booking, HostRole, Reminder, RescheduleRequest, Round, Scorecard

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
Status = Reminder.Status

REMINDER_OFFSETS = {
    Kind.REMINDER_24H: timedelta(hours=24),
    Kind.REMINDER_1H: timedelta(hours=1),
}
FEEDBACK_NUDGE_AFTER = timedelta(hours=24)
# The grading reveal deadline: scorecards show to the candidate at the latest
# this long after the session, even when the other side never submitted.
REVEAL_AFTER = timedelta(hours=72)
FEEDBACK_KINDS = [Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE, Kind.FEEDBACK_READY]

# Which profile switch silences which kind. Kinds not listed always go.
PREFERENCE_FIELDS = {
    Kind.REMINDER_24H: "email_reminder_24h",
    Kind.REMINDER_1H: "email_reminder_1h",
    Kind.FEEDBACK_REQUEST: "email_feedback",
    Kind.FEEDBACK_NUDGE: "email_feedback",
    Kind.FEEDBACK_READY: "email_feedback",
}

# A claimed row belongs to its worker this long. It must outlast the slowest
# send (EMAIL_TIMEOUT is 15 s per SMTP step), or a slow worker and the one that
# reclaims its row would both send.
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 6
RETRY_BASE_DELAY = timedelta(minutes=1)
SWEEP_LIMIT = 500


# --- Hooks called by the scheduling and grading services ---------------------


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
    from .tasks import send_reminder

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


# --- Sending ---------------------------------------------------------------------


def claim_reminder(*, reminder_id: int, now: datetime) -> bool:
    """Take a due row for this worker; False when someone else has it or it is done.

    One conditional UPDATE: PostgreSQL re-checks the WHERE clause of a row a
    concurrent UPDATE just changed, so of two claimers exactly one matches.
    """
    claimable = Q(status=Status.PENDING, due_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )
    return bool(
        Reminder.objects.filter(claimable, pk=reminder_id).update(
            status=Status.SENDING,
            claimed_until=now + CLAIM_LEASE,
            attempts=F("attempts") + 1,
        )
    )


def _finish(reminder: Reminder, **changes) -> bool:
    # Fenced on the attempt number: if this worker's lease ran out and another
    # worker took the row over, this worker's late result changes nothing.
    return bool(
        Reminder.objects.filter(
            pk=reminder.pk, status=Status.SENDING, attempts=reminder.attempts
        ).update(claimed_until=None, **changes)
    )


def reason_not_to_send(reminder: Reminder, now: datetime) -> tuple[str, str] | None:
    """(status, reason) when a claimed row must not go out, checked at send time."""
    booking = reminder.booking
    kind = reminder.kind
    if not reminder.recipient.is_active:
        return Status.CANCELLED, "The recipient's account is deactivated."
    if booking.status == Booking.Status.CANCELLED and kind != Kind.CANCELLATION:
        return Status.CANCELLED, "The booking was cancelled."
    if kind in REMINDER_OFFSETS:
        if booking.status != Booking.Status.CONFIRMED:
            return Status.CANCELLED, f"The booking is {booking.get_status_display().lower()}."
        if now >= booking.starts_at:
            return Status.DROPPED, "The session had started; a late reminder helps nobody."
        if kind == Kind.REMINDER_24H and _superseded_by_1h_reminder(reminder, now):
            return Status.DROPPED, "Sent too late; the 1-hour reminder covers it."
    field = PREFERENCE_FIELDS.get(kind)
    if field and not getattr(reminder.recipient.profile, field):
        return Status.CANCELLED, "The recipient switched these emails off."
    if kind in (Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE):
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED):
            return Status.CANCELLED, f"The booking is {booking.get_status_display().lower()}."
        if Scorecard.objects.filter(
            booking=booking, grader=reminder.recipient, status=Scorecard.Status.SUBMITTED
        ).exists():
            return Status.CANCELLED, "The feedback is already submitted."
    if kind == Kind.FEEDBACK_READY and not revealed_scorecards(reminder, now):
        # Nothing to show yet; feedback_revealed queues a fresh row when there is.
        return Status.CANCELLED, "No feedback was revealed to the recipient."
    if kind == Kind.RESCHEDULE_PROPOSED and not pending_reschedule(booking):
        return Status.CANCELLED, "The proposal was already answered or withdrawn."
    return None


def _superseded_by_1h_reminder(reminder: Reminder, now: datetime) -> bool:
    booking = reminder.booking
    if now < booking.starts_at - REMINDER_OFFSETS[Kind.REMINDER_1H]:
        return False
    return (
        reminder.recipient.profile.email_reminder_1h
        and Reminder.objects.filter(
            booking=booking,
            recipient=reminder.recipient,
            kind=Kind.REMINDER_1H,
            status__in=[Status.PENDING, Status.SENDING, Status.SENT],
        ).exists()
    )


def revealed_scorecards(reminder: Reminder, now: datetime) -> list[Scorecard]:
    from .grading import is_revealed

    scorecards = Scorecard.objects.filter(
        booking=reminder.booking,
        candidate=reminder.recipient,
        status=Scorecard.Status.SUBMITTED,
    ).select_related("round", "grader__profile", "booking")
    return [s for s in scorecards if is_revealed(s, now=now)]


def pending_reschedule(booking: Booking) -> RescheduleRequest | None:
    return (
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING)
        .select_related("proposed_by__profile")
        .first()
    )


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the first, second, … failed attempt."""
    return RETRY_BASE_DELAY * (2 ** max(attempt - 1, 0))


def deliver_reminder(*, reminder_id: int, now: datetime | None = None) -> str | None:
    """Claim one row and send it; returns the row's new status, None if not claimed."""
    from . import emails

    now = now or timezone.now()
    if not claim_reminder(reminder_id=reminder_id, now=now):
        return None
    reminder = (
        Reminder.objects.select_related(
            "booking__host__profile", "booking__guest__profile", "recipient__profile"
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:  # deleted with its booking since the claim
        return None

    if reminder.attempts > MAX_ATTEMPTS:
        # Only a row whose workers kept dying gets here.
        _finish(reminder, status=Status.FAILED, last_error="Gave up: no worker finished it.")
        return Status.FAILED
    skip = reason_not_to_send(reminder, now)
    if skip:
        status, reason = skip
        _finish(reminder, status=status, last_error=reason)
        return status

    try:
        emails.send_notification(reminder)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Reminder %s attempt %s failed: %s", reminder.pk, reminder.attempts, error)
        if reminder.attempts >= MAX_ATTEMPTS:
            _finish(reminder, status=Status.FAILED, last_error=error)
            return Status.FAILED
        _finish(
            reminder,
            status=Status.PENDING,
            last_error=error,
            due_at=now + retry_delay(reminder.attempts),
        )
        return Status.PENDING

    _finish(reminder, status=Status.SENT, sent_at=timezone.now())
    return Status.SENT


def reminders_due(now: datetime):
    """Rows a sweep should try: due and pending, or claimed by a worker that vanished."""
    return Reminder.objects.filter(
        Q(status=Status.PENDING, due_at__lte=now) | Q(status=Status.SENDING, claimed_until__lt=now)
    ).order_by("due_at", "pk")


def drop_late_reminders(now: datetime) -> int:
    return Reminder.objects.filter(
        status=Status.PENDING, kind__in=list(REMINDER_OFFSETS), booking__starts_at__lte=now
    ).update(status=Status.DROPPED, last_error="The session had started before it was sent.")


def send_due_reminders(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Send every due row this sweep can claim; returns how many it sent.

    Overlapping sweeps walk the same list and split it between them through
    the claim; rows beyond `limit` wait for the next minute's sweep.
    """
    fixed_now = now
    drop_late_reminders(fixed_now or timezone.now())
    ids = list(reminders_due(fixed_now or timezone.now()).values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in ids:
        if deliver_reminder(reminder_id=pk, now=fixed_now) == Status.SENT:
            sent += 1
    return sent
