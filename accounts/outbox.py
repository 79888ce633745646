"""The email outbox: queue in the request, send from the worker, retry with back-off.

Any code may queue a message (`queue_email`); it becomes an OutgoingEmail row in
the caller's transaction, and after commit a Celery task is asked to send it.
If the broker is unreachable the row simply waits: beat runs `send_due_emails`
every minute, which also retries failed deliveries. A delivery is claimed with a
conditional UPDATE, so any number of workers send each message once.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Attempts before a message is given up on (about 9 hours of back-off in all).
MAX_ATTEMPTS = 12
# A worker that died mid-send leaves a claim; after this long it is taken again.
STALE_CLAIM = timedelta(minutes=10)
# Seconds to wait for the mail server within one attempt.
SEND_TIMEOUT = 20


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the given number of failed attempts: 1, 2, 4 ... 60 minutes."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def queue_email(message: EmailMessage) -> OutgoingEmail:
    """Store a rendered message for delivery; never contacts the mail server.

    Text body, an optional text/html alternative and extra headers are kept;
    attachments are not supported (raises ValueError). The send is requested
    after the surrounding transaction commits.
    """
    if message.attachments:
        raise ValueError("The outbox does not carry attachments.")
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    row = OutgoingEmail.objects.create(
        to=list(message.to),
        from_email=message.from_email,
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        headers=dict(message.extra_headers),
    )
    transaction.on_commit(lambda: request_delivery(row.pk))
    return row


def request_delivery(email_id: int) -> None:
    """Ask a worker to send now; if the broker is down, the minute sweep will."""
    from .tasks import send_outgoing_email

    try:
        send_outgoing_email.apply_async((email_id,), retry=False)
    except Exception:
        logger.warning(
            "Could not queue email %s (broker unavailable); the sweep will send it",
            email_id,
            exc_info=True,
        )


def _message(row: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        row.from_email,
        row.to,
        headers=row.headers,
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def send_outgoing_email(email_id: int, *, now: datetime | None = None) -> bool:
    """Deliver one queued message if it is due; True when this call sent it.

    Claims the row with a conditional UPDATE (queued and due -> sending). A
    failure puts it back in the queue with back-off, or marks it failed after
    MAX_ATTEMPTS; errors are recorded on the row and logged, never raised.
    """
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now
    ).update(status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    row = OutgoingEmail.objects.get(pk=email_id)
    # Every outcome is written only while the claim holds: a message cancelled
    # meanwhile (its recipient left, see forget_recipient) stays cancelled.
    claim = OutgoingEmail.objects.filter(pk=row.pk, status=OutgoingEmail.Status.SENDING)
    try:
        with get_connection(timeout=SEND_TIMEOUT) as connection:
            _message(row, connection).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            claim.update(status=OutgoingEmail.Status.FAILED, last_error=error)
            logger.error(
                "Email %s to %s given up after %s attempts: %s", row.pk, row.to, row.attempts, error
            )
        else:
            claim.update(
                status=OutgoingEmail.Status.QUEUED,
                next_attempt_at=timezone.now() + retry_delay(row.attempts),
                last_error=error,
            )
            logger.warning(
                "Email %s to %s not sent (attempt %s): %s", row.pk, row.to, row.attempts, error
            )
        return False
    # Bodies carry reset and confirmation keys: once delivered, only the
    # envelope (who, what subject, when) is kept.
    claim.update(
        status=OutgoingEmail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        body_text="",
        body_html="",
    )
    logger.info("Email %s sent to %s", row.pk, row.to)
    return True


def send_due_emails(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every due message (and retake stale claims); returns how many were sent."""
    now = now or timezone.now()
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutgoingEmail.Status.QUEUED, next_attempt_at=now)
    due = (
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_outgoing_email(pk, now=now) for pk in list(due))


# Recorded on a message cancelled because its recipient left.
CANCELLED_RECIPIENT_LEFT = "Cancelled: the recipient closed their account before it was sent."


def forget_recipient(*, addresses: Iterable[str], replacement: str) -> tuple[int, int]:
    """Take a departing person's addresses out of the outbox; returns (cancelled, rewritten).

    Called inside accounts.services.anonymise_user's transaction. Addresses are
    compared without regard to case. A message still queued or being sent that
    was only for them is cancelled (status CANCELLED, the reason in last_error,
    bodies cleared): the row stays as a trace, a worker holding its claim finds
    it cancelled, and the sweep never takes it. A pending message that also goes
    to other people loses only their addresses and is still sent. In every
    other row (sent, failed, cancelled) their addresses become ``replacement``
    (their `.invalid` placeholder), and bodies of messages that went only to
    them are cleared. The rows are locked, so a worker waits and then sees the
    outcome.
    """
    gone = {a.strip().lower() for a in addresses if a and a.strip()}
    if not gone:
        return 0, 0
    # A cheap filter in the database on both backends (PostgreSQL and SQLite),
    # then the exact comparison here.
    mentions = Q()
    for address in gone:
        mentions |= Q(to_text__icontains=address)
    rows = (
        OutgoingEmail.objects.select_for_update()
        .annotate(to_text=Cast("to", TextField()))
        .filter(mentions)
    )
    pending = {OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING}
    cancelled = rewritten = 0
    for row in rows:
        if not any(str(a).lower() in gone for a in row.to):
            continue
        others = [a for a in row.to if str(a).lower() not in gone]
        if row.status in pending and others:
            row.to = others
            row.save(update_fields=["to"])
        elif row.status in pending:
            row.to = [replacement]
            row.status = OutgoingEmail.Status.CANCELLED
            row.body_text = row.body_html = ""
            row.last_error = CANCELLED_RECIPIENT_LEFT
            row.save(update_fields=["to", "status", "body_text", "body_html", "last_error"])
            cancelled += 1
            continue
        else:
            row.to = [a if str(a).lower() not in gone else replacement for a in row.to]
            fields = ["to"]
            if not others:
                row.body_text = row.body_html = ""
                fields += ["body_text", "body_html"]
            row.save(update_fields=fields)
        rewritten += 1
    return cancelled, rewritten
