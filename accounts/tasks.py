from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def send_outgoing_email(email_id: int) -> bool:
    """Deliver one outbox row (accounts.outbox.send_outgoing_email)."""
    return outbox.send_outgoing_email(email_id)


@shared_task(acks_late=True, ignore_result=True)
def send_due_emails() -> int:
    """The minute sweep: due and retried outbox rows."""
    return outbox.send_due_emails()
