"""The notification outbox: one Reminder row per email about a booking."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sessions.scheduling.models import Booking

# --- Outbound notifications ---------------------------------------------------


class Reminder(models.Model):
    """Every email about a booking is a row first, then a send.

    Rows are claimed with a conditional UPDATE before sending, so any number
    of workers and overlapping sweeps send each one once.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Booking confirmed"
        CANCELLATION = "cancellation", "Booking cancelled"
        RESCHEDULE_PROPOSED = "reschedule_proposed", "New time proposed"
        RESCHEDULED = "rescheduled", "Booking moved"
        RESCHEDULE_DECLINED = "reschedule_declined", "New time declined"
        REMINDER_24H = "reminder_24h", "Reminder 24 hours before"
        REMINDER_1H = "reminder_1h", "Reminder 1 hour before"
        FEEDBACK_REQUEST = "feedback_request", "Feedback request"
        FEEDBACK_NUDGE = "feedback_nudge", "Feedback nudge"
        FEEDBACK_READY = "feedback_ready", "Feedback ready"
        NO_SHOW_REPORTED = "no_show_reported", "No-show reported (to the accused)"
        NO_SHOW_DISPUTED = "no_show_disputed", "No-show report disputed (to the reporter)"
        NO_SHOW_DECIDED = "no_show_decided", "No-show report decided by staff"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        DROPPED = "dropped", "Dropped (too late)"
        FAILED = "failed", "Failed"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # The sweep's reads: pending rows by due time, claimed rows by lease end.
            # Partial, so they hold the few live rows, not the sent history.
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="reminder_pending_due"
            ),
            models.Index(
                fields=["claimed_until"],
                condition=Q(status="sending"),
                name="reminder_sending_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} (booking #{self.booking_id})"
