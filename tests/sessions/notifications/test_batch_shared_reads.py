"""A batch of reminders reads what its emails share once, not once per email."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import Reminder
from tests.factories import UserFactory

from .test_reminders_sending import BOOKED_AT, START, book, sweep_at

pytestmark = pytest.mark.django_db
Kind, Status = Reminder.Kind, Reminder.Status


def test_the_rubric_is_read_once_for_a_batch_of_day_before_reminders():
    host = UserFactory()
    guests = [UserFactory() for _ in range(4)]
    with time_machine.travel(BOOKED_AT, tick=False):
        for i, guest in enumerate(guests):
            book(host, guest, starts_at=START + timedelta(hours=2 * i))
    due = START + timedelta(hours=2 * len(guests)) - timedelta(hours=24)
    # Everything else (confirmations) is out of the way first.
    Reminder.objects.exclude(kind=Kind.REMINDER_24H).update(status=Status.SENT)
    Reminder.objects.filter(kind=Kind.REMINDER_24H).update(due_at=due - timedelta(minutes=1))
    with time_machine.travel(due, tick=False), CaptureQueriesContext(connection) as queries:
        sent = sweep_at(due)
    rubric_reads = [q for q in queries if 'FROM "interviews_rubric"' in q["sql"]]
    assert len(sent) == 2 * len(guests)
    assert len(rubric_reads) == 1
    # Each candidate's email still lists the rubric's dimensions.
    for guest in guests:
        (email,) = [m for m in mail.outbox if m.to == [guest.email]]
        assert "Your interviewer scores: " in email.body
