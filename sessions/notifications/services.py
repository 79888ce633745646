"""Sending the outbox: every email about a booking is a Reminder row first.

The rows are written by sessions.notifications.outbox. Immediate emails are
queued to Celery after commit, and a beat sweep every minute sends whatever
is due (including anything the queue lost). Each send claims
its row with a conditional UPDATE first, so any number of workers and
overlapping sweeps send a row at most once, and a row whose worker died is
claimed again once its lease runs out.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache

from django.core import mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from sessions.grading.models import Scorecard
from sessions.scheduling.models import Booking, NoShowReport

from . import emails
from .models import Reminder
from .policy import PREFERENCE_FIELDS, REMINDER_OFFSETS, Kind, Status
from .selectors import pending_reschedule, revealed_scorecards

logger = logging.getLogger(__name__)

# A claimed row belongs to its worker this long. It must outlast the slowest
# send (EMAIL_TIMEOUT is 15 s per SMTP step), or a slow worker and the one that
# reclaims its row would both send.
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 6
RETRY_BASE_DELAY = timedelta(minutes=1)
# One sweep claims due rows in batches and sends each batch over one email
# connection, until nothing is due or its time is up (under the beat's 55 s
# expiry, so sweeps hardly ever overlap; when they do, the claim splits the work).
BATCH_SIZE = 200
SWEEP_BUDGET = timedelta(seconds=45)
# The drop step looks only at rows due this recently: a 24-hour reminder of a
# session that has started is at most a day past due by then. An older pending
# row is dropped at send time instead (reason_not_to_send), with the same result.
LATE_WINDOW = timedelta(hours=48)


# --- Sending ---------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    """Due and pending, or claimed by a worker whose lease ran out."""
    return Q(status=Status.PENDING, due_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def claim_reminder(*, reminder_id: int, now: datetime) -> bool:
    """Take a due row for this worker; False when someone else has it or it is done.

    One conditional UPDATE: PostgreSQL re-checks the WHERE clause of a row a
    concurrent UPDATE just changed, so of two claimers exactly one matches.
    """
    return bool(
        Reminder.objects.filter(_claimable(now), pk=reminder_id).update(
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


@cache
def _mark_sent_sql(vendor: str) -> str:
    """The fenced UPDATE of _mark_sent, with this database's quoted names (built once)."""
    quote = connection.ops.quote_name
    column = {
        name: quote(Reminder._meta.get_field(name).column)
        for name in ("id", "status", "sent_at", "claimed_until", "attempts")
    }
    # Only quoted names are formatted in; the values are parameters.
    return (
        f"UPDATE {quote(Reminder._meta.db_table)} SET {column['status']} = %s, "  # noqa: S608
        f"{column['sent_at']} = %s, {column['claimed_until']} = NULL "
        f"WHERE {column['id']} = %s AND {column['status']} = %s AND {column['attempts']} = %s"
    )


def _mark_sent(reminder: Reminder, *, sent_at: datetime) -> bool:
    """_finish(reminder, status=SENT, sent_at=sent_at), written as SQL.

    A batch marks each sent row on its own, so this runs once per email, and
    the ORM built the same UPDATE anew each time: three times the CPU of
    executing it. The same fenced statement, plain SQL PostgreSQL and SQLite share.
    """
    # As the ORM writes it: SQLite keeps naive UTC text, which raw SQL would write with "+00:00".
    sent_at_value = connection.ops.adapt_datetimefield_value(sent_at)
    params = [Status.SENT, sent_at_value, reminder.pk, Status.SENDING, reminder.attempts]
    with connection.cursor() as cursor:
        cursor.execute(_mark_sent_sql(connection.vendor), params)
        return cursor.rowcount == 1


@contextmanager
def _commits_without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, this session's commits return before their WAL is flushed.

    For the marks of sent rows (deliver_batch): each is its own commit, and
    waiting for the disk was a good part of a row's time. A commit is visible
    to every other session at once either way, so a worker killed mid-batch
    still resends nothing. What is traded: if the PostgreSQL server itself
    crashes, the marks of its last fraction of a second (wal_writer_delay,
    200 ms by default, three times that at worst) are lost, and those rows are
    sent once more when their lease runs out. Elsewhere (SQLite) this does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


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
    if (
        kind in (Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE, Kind.FEEDBACK_READY)
        and NoShowReport.objects.filter(
            booking=booking, status__in=NoShowReport.OPEN_STATUSES
        ).exists()
    ):
        return Status.CANCELLED, "A no-show was reported for this session."
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
    if (
        kind == Kind.NO_SHOW_REPORTED
        and not NoShowReport.objects.filter(
            booking=booking, status=NoShowReport.Status.REPORTED
        ).exists()
    ):
        return Status.CANCELLED, "The no-show report was already disputed or decided."
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


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the first, second, … failed attempt."""
    return RETRY_BASE_DELAY * (2 ** max(attempt - 1, 0))


def deliver_reminder(*, reminder_id: int, now: datetime | None = None) -> str | None:
    """Claim one row and send it; returns the row's new status, None if not claimed."""
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
        return _failed(reminder, exc, now)

    _finish(reminder, status=Status.SENT, sent_at=timezone.now())
    return Status.SENT


def _failed(reminder: Reminder, exc: Exception, now: datetime) -> str:
    """Record a failed send: retried later with a growing delay, or given up on."""
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


def reminders_due(now: datetime):
    """Rows a sweep should try: due and pending, or claimed by a worker that vanished."""
    return Reminder.objects.filter(_claimable(now)).order_by("due_at", "pk")


def drop_late_reminders(now: datetime) -> int:
    """Mark pending 24 h / 1 h reminders of sessions that have started as dropped.

    Bounded to rows due within LATE_WINDOW, read through the partial index of
    pending rows by due time: it never walks the sent history.
    """
    return Reminder.objects.filter(
        status=Status.PENDING,
        due_at__lte=now,
        due_at__gt=now - LATE_WINDOW,
        kind__in=list(REMINDER_OFFSETS),
        booking__starts_at__lte=now,
    ).update(status=Status.DROPPED, last_error="The session had started before it was sent.")


def _anything_claimable(now: datetime) -> bool:
    """Whether any row is claimable: the oldest due row and the oldest lapsed lease.

    Each half reads its partial index in order and stops at the first entry.
    (As one EXISTS the planner multiplies "pending" by "due before now" as if
    they were independent, expects ~10% of the table, and scans it all.) One
    statement where the database takes a UNION of limited queries (PostgreSQL),
    two elsewhere (SQLite, the development default).
    """
    due = (
        Reminder.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:1]
    )
    lapsed = (
        Reminder.objects.filter(status=Status.SENDING, claimed_until__lt=now)
        .order_by("claimed_until")
        .values_list("pk", flat=True)[:1]
    )
    if connection.features.supports_slicing_ordering_in_compound:
        return bool(list(due.union(lapsed, all=True)))
    return due.exists() or lapsed.exists()


def claim_batch(*, now: datetime, limit: int = BATCH_SIZE) -> tuple[list[int], datetime]:
    """Claim up to `limit` due rows, oldest first; returns their ids and this claim's lease end.

    The rows are locked with SKIP LOCKED, so concurrent sweeps take disjoint
    batches, and the UPDATE re-checks the claim condition, so no row is
    claimed twice. The lease end identifies this claim when the batch finishes.
    """
    lease = now + CLAIM_LEASE
    with transaction.atomic():
        ids = list(
            Reminder.objects.filter(_claimable(now))
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(_claimable(now), pk__in=ids).update(
                status=Status.SENDING, claimed_until=lease, attempts=F("attempts") + 1
            )
    return ids, lease


def _claimed_rows(ids: list[int], lease: datetime) -> list[Reminder]:
    """The rows of a claim with what the checks and the emails read, in two queries.

    The recipient and both people of each round are the booking's host and
    guest, loaded once with the booking instead of once for every role they
    play (a recipient who is neither would be read on first use).
    """
    reminders = list(
        Reminder.objects.select_related("booking__host__profile", "booking__guest__profile")
        .prefetch_related("booking__rounds")
        .filter(pk__in=ids, status=Status.SENDING, claimed_until=lease)
    )
    for reminder in reminders:
        booking = reminder.booking
        people = {booking.host_id: booking.host, booking.guest_id: booking.guest}
        if reminder.recipient_id in people:
            reminder.recipient = people[reminder.recipient_id]
        for round_ in booking.rounds.all():
            if round_.interviewer_id in people and round_.candidate_id in people:
                round_.interviewer = people[round_.interviewer_id]
                round_.candidate = people[round_.candidate_id]
    return reminders


def deliver_batch(*, ids: list[int], lease: datetime, now: datetime) -> int:
    """Send a claimed batch over one email connection; returns how many went out.

    Each row is checked (reason_not_to_send) and rendered on its own; a row whose
    email fails is retried later exactly like a single send, and each sent row is
    marked as soon as its email is handed over, by a commit that does not wait
    for the disk (_commits_without_waiting_for_disk). The skipped rows are written with
    one UPDATE per outcome, fenced on this claim's lease end, so a worker whose
    lease ran out and whose rows were claimed again changes nothing.
    """
    reminders = _claimed_rows(ids, lease)
    outcomes: dict[tuple[str, str], list[int]] = {}
    ready = []
    memo: dict = {}  # what the batch's emails share (emails.build_context)
    for reminder in reminders:
        if reminder.attempts > MAX_ATTEMPTS:
            # Only a row whose workers kept dying gets here.
            skip = (Status.FAILED, "Gave up: no worker finished it.")
        else:
            skip = reason_not_to_send(reminder, now)
        if skip:
            outcomes.setdefault(skip, []).append(reminder.pk)
            continue
        try:
            ready.append((reminder, emails.build_message(reminder, memo=memo)))
        except Exception as exc:
            _failed(reminder, exc, now)
    sent: list[int] = []
    if ready:
        email_connection = mail.get_connection()
        try:
            email_connection.open()
        except Exception as exc:
            for reminder, _ in ready:
                _failed(reminder, exc, now)
            ready = []
        with _commits_without_waiting_for_disk():
            for reminder, message in ready:
                message.connection = email_connection
                try:
                    message.send(fail_silently=False)
                except Exception as exc:
                    _failed(reminder, exc, now)
                else:
                    # Marked at once: a worker killed later in the batch resends nothing.
                    if _mark_sent(reminder, sent_at=timezone.now()):
                        sent.append(reminder.pk)
        email_connection.close()
    claimed = Reminder.objects.filter(status=Status.SENDING, claimed_until=lease)
    for (status, reason), pks in outcomes.items():
        claimed.filter(pk__in=pks).update(status=status, last_error=reason, claimed_until=None)
    return len(sent)


def send_due_reminders(
    *, now: datetime | None = None, budget: timedelta = SWEEP_BUDGET, batch_size: int = BATCH_SIZE
) -> int:
    """Send every due row this sweep can claim within `budget`; returns how many it sent.

    Batches are claimed one after another (see claim_batch), so overlapping
    sweeps and workers split the due rows between them; rows left when the
    budget runs out wait for the next minute's sweep. With `now` given, every
    batch is judged at that moment (tests); otherwise at the clock's time.
    """
    started = timezone.now()
    # Most minutes nothing is due: one statement over the partial indexes says
    # so, and the drop and claim statements (a join, a transaction) are skipped.
    # A late row is pending and past due, so it is claimable too.
    if not _anything_claimable(now or started):
        return 0
    drop_late_reminders(now or started)
    sent = 0
    while True:
        moment = now or timezone.now()
        ids, lease = claim_batch(now=moment, limit=batch_size)
        if not ids:
            break
        sent += deliver_batch(ids=ids, lease=lease, now=moment)
        if timezone.now() - started >= budget:
            break
    return sent
