"""The minute's sweep when nothing is due: one short statement, and nothing is missed."""

from datetime import timedelta

import time_machine
from django.core import mail

from sessions.models import Reminder
from sessions.notifications import services as notifications

from .test_reminders_sending import booking  # noqa: F401 (fixture)

Kind, Status = Reminder.Kind, Reminder.Status


def test_a_sweep_with_nothing_due_asks_one_question(booking, django_assert_num_queries):  # noqa: F811
    first_due = Reminder.objects.filter(status=Status.PENDING).order_by("due_at").first()
    with (
        time_machine.travel(first_due.due_at - timedelta(seconds=1), tick=False),
        django_assert_num_queries(1),
    ):
        assert notifications.send_due_reminders() == 0
    assert Reminder.objects.filter(status=Status.PENDING).count() > 0
    assert mail.outbox == []


def test_a_row_whose_worker_died_is_still_found_when_nothing_else_is_due(booking):  # noqa: F811
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    # Every other row is done: only the abandoned claim is left to find.
    Reminder.objects.exclude(pk=row.pk).update(status=Status.SENT)
    assert notifications.claim_reminder(reminder_id=row.pk, now=row.due_at)
    with time_machine.travel(row.due_at + timedelta(minutes=11), tick=False):
        assert notifications.send_due_reminders() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert [m.to for m in mail.outbox] == [[booking.guest.email]]


def test_a_due_row_is_sent_by_the_next_sweep(booking):  # noqa: F811
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    Reminder.objects.exclude(pk=row.pk).update(status=Status.SENT)
    with time_machine.travel(row.due_at, tick=False):
        assert notifications.send_due_reminders() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
