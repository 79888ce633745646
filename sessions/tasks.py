"""Celery tasks of the mock interview app: thin, idempotent, and given ids only.

Reminder timing lives in Reminder rows, never in ETA or countdown tasks: on
Redis those come back after the visibility timeout and would send twice.
"""

from celery import shared_task
from django.utils import timezone

from . import notifications


@shared_task
def send_reminder(reminder_id: int) -> str | None:
    """Send one row now (queued after the commit that created it)."""
    return notifications.deliver_reminder(reminder_id=reminder_id)


@shared_task
def send_due_reminders() -> int:
    """Beat, every minute: send every due row, and any a dead worker left behind."""
    return notifications.send_due_reminders()


@shared_task
def complete_finished_bookings() -> int:
    """Beat: bookings whose end has passed become completed."""
    from .services import complete_finished_bookings as complete

    return complete(now=timezone.now())
