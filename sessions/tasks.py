from celery import shared_task


@shared_task(acks_late=True)
def send_reminder(reminder_id: int) -> None:
    """Send one notification row (implemented by the reminders work)."""


@shared_task
def send_due_reminders() -> None:
    """Sweep due notification rows (implemented by the reminders work)."""
