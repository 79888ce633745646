"""Celery tasks of the notifications: thin, idempotent, and given ids only.

Reminder timing lives in Reminder rows, never in ETA or countdown tasks: on
Redis those come back after the visibility timeout and would send twice.
The registered names keep the app-level module path they were first queued
under, so rows already on a running deployment's queue and the beat
schedule still resolve.
"""

from celery import shared_task

from . import services
from .policy import Status


@shared_task(name="sessions.tasks.send_reminder")
def send_reminder(reminder_id: int) -> str | None:
    """Send one row now (queued after the commit that created it)."""
    return services.deliver_reminder(reminder_id=reminder_id)


@shared_task(name="sessions.tasks.send_reminders")
def send_reminders(reminder_ids: list[int]) -> int:
    """Send several rows now, one after another (queued after the commit that
    created them, one message for a booking or a batch of them); returns how
    many were sent. A row another worker or the sweep has is skipped."""
    return sum(services.deliver_reminder(reminder_id=pk) == Status.SENT for pk in reminder_ids)


@shared_task(name="sessions.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Beat, every minute: send every due row, and any a dead worker left behind."""
    return services.send_due_reminders()
