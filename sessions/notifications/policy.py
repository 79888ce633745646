"""Which emails a booking gets and when, and which profile switch silences which."""

from datetime import timedelta

from sessions.grading.selectors import REVEAL_AFTER

from .models import Reminder

__all__ = [
    "FEEDBACK_KINDS",
    "FEEDBACK_NUDGE_AFTER",
    "PREFERENCE_FIELDS",
    "REMINDER_OFFSETS",
    "REVEAL_AFTER",
    "Kind",
    "Status",
]

Kind = Reminder.Kind
Status = Reminder.Status

REMINDER_OFFSETS = {
    Kind.REMINDER_24H: timedelta(hours=24),
    Kind.REMINDER_1H: timedelta(hours=1),
}
FEEDBACK_NUDGE_AFTER = timedelta(hours=24)
FEEDBACK_KINDS = [Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE, Kind.FEEDBACK_READY]

# Which profile switch silences which kind. Kinds not listed always go.
PREFERENCE_FIELDS = {
    Kind.REMINDER_24H: "email_reminder_24h",
    Kind.REMINDER_1H: "email_reminder_1h",
    Kind.FEEDBACK_REQUEST: "email_feedback",
    Kind.FEEDBACK_NUDGE: "email_feedback",
    Kind.FEEDBACK_READY: "email_feedback",
}
