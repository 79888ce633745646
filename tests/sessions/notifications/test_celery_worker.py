"""Reminders through a real Celery worker on the real Redis broker.

The worker runs in a thread of this process (celery.contrib.testing), so it
shares time_machine's clock, the settings fixture and the locmem outbox.
Tasks go through Redis exactly as in production: queued after commit by the
booking, and by the sweep that beat enqueues every minute.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from sessions.models import Booking, Reminder, Slot
from sessions.notifications.tasks import send_due_reminders
from sessions.scheduling.services import book_slot
from sessions.scheduling.tasks import complete_finished_bookings
from tests.factories import UserFactory
from tests.sessions.notifications.notifications_support import (
    SMTPServer,
    embedded_worker,
    submit_for,
    use_smtp,
)

Kind, Status = Reminder.Kind, Reminder.Status
BOOKED_AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
END = START + timedelta(minutes=60)

# serialized_rollback: the grading step needs the rubrics seeded by migration,
# which the flush after an earlier transactional test would have removed.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]


def book(host, guest):
    slot = Slot.objects.create(
        host=host,
        starts_at=START,
        ends_at=END,
        interview_type="system_design",
        host_role="interviewer",
    )
    return book_slot(slot=slot, guest=guest)


def sent_summary(messages) -> list[tuple[str, str]]:
    return sorted((m.extra_headers["Message-ID"].split(".")[1], m.to[0]) for m in messages)


def sent_at(message) -> datetime:
    """When the worker sent it, by the (travelled) clock, from the row it came from."""
    pk = message.extra_headers["Message-ID"].split(".")[2].split("@")[0]
    return Reminder.objects.get(pk=pk).sent_at


def test_a_booking_leads_to_exactly_the_right_emails_at_the_right_times():
    host = UserFactory(email="host@example.com", tz="Europe/Berlin")
    guest = UserFactory(email="guest@example.com", tz="America/Los_Angeles")
    schedule = []  # (when, what the sweep at that moment must send)

    with embedded_worker() as worker:

        def at(moment, *, sweeps=1):
            before = len(mail.outbox)
            with time_machine.travel(moment, tick=True):
                for _ in range(sweeps):
                    send_due_reminders.delay()
                worker.wait_idle()
            new = mail.outbox[before:]
            for message in new:
                assert abs(sent_at(message) - moment) < timedelta(seconds=30)
            return sent_summary(new)

        with time_machine.travel(BOOKED_AT, tick=True):
            booking = book(host, guest)
            worker.wait_idle()  # the two confirmations, queued after commit
        schedule.append(("booked", sent_summary(mail.outbox)))
        assert all(abs(sent_at(m) - BOOKED_AT) < timedelta(seconds=30) for m in mail.outbox)

        schedule.append(("24 h - 1 min", at(START - timedelta(hours=24, minutes=1))))
        # Two sweeps at once, as when one overran into the next minute.
        schedule.append(("24 h", at(START - timedelta(hours=24), sweeps=2)))
        schedule.append(("1 h - 1 min", at(START - timedelta(hours=1, minutes=1))))
        schedule.append(("1 h", at(START - timedelta(hours=1), sweeps=2)))
        schedule.append(("start", at(START + timedelta(seconds=30))))
        schedule.append(("end", at(END)))
        with time_machine.travel(END + timedelta(minutes=1), tick=True):
            complete_finished_bookings.delay()
            worker.wait_idle()
        schedule.append(("end + 23 h", at(END + timedelta(hours=23))))
        schedule.append(("end + 24 h", at(END + timedelta(hours=24))))

        # The interviewer submits a day late; the candidate hears at once.
        before = len(mail.outbox)
        with time_machine.travel(END + timedelta(hours=25), tick=True):
            submit_for(booking.rounds.get())
            worker.wait_idle()
        schedule.append(("graded", sent_summary(mail.outbox[before:])))
        schedule.append(("reveal deadline", at(END + timedelta(hours=72), sweeps=2)))

    host_, guest_ = "host@example.com", "guest@example.com"
    assert schedule == [
        ("booked", [("confirmation", guest_), ("confirmation", host_)]),
        ("24 h - 1 min", []),
        ("24 h", [("reminder_24h", guest_), ("reminder_24h", host_)]),
        ("1 h - 1 min", []),
        ("1 h", [("reminder_1h", guest_), ("reminder_1h", host_)]),
        ("start", []),
        ("end", [("feedback_request", host_)]),
        ("end + 23 h", []),
        ("end + 24 h", [("feedback_nudge", host_)]),
        ("graded", [("feedback_ready", guest_)]),
        ("reveal deadline", []),
    ]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    rows = Reminder.objects.filter(booking=booking)
    assert rows.filter(status=Status.SENT).count() == len(mail.outbox) == 9
    assert not rows.filter(status__in=[Status.PENDING, Status.SENDING]).exists()
    assert set(rows.filter(status=Status.SENT).values_list("attempts", flat=True)) == {1}
    # The reveal brought the deadline row forward instead of adding a second one.
    assert rows.filter(kind=Kind.FEEDBACK_READY).count() == 1


def test_an_smtp_failure_is_recorded_retried_later_and_sent_once(settings):
    host = UserFactory(email="host@example.com", tz="Europe/Berlin")
    guest = UserFactory(email="guest@example.com", tz="Asia/Kolkata")
    with SMTPServer() as smtp, embedded_worker() as worker:
        use_smtp(settings, smtp)
        smtp.refuse = True
        with time_machine.travel(BOOKED_AT, tick=True):
            book(host, guest)
            worker.wait_idle()
        rows = Reminder.objects.filter(kind=Kind.CONFIRMATION)
        assert smtp.messages == []
        for row in rows:
            assert (row.status, row.attempts) == (Status.PENDING, 1)
            assert "451" in row.last_error and "try again later" in row.last_error
            assert row.due_at > BOOKED_AT + timedelta(seconds=55)

        smtp.refuse = False
        # The server is back, but the backoff has not run out: nothing yet.
        with time_machine.travel(BOOKED_AT + timedelta(seconds=30), tick=True):
            send_due_reminders.delay()
            worker.wait_idle()
        assert smtp.messages == []

        with time_machine.travel(BOOKED_AT + timedelta(minutes=2), tick=True):
            send_due_reminders.delay()
            send_due_reminders.delay()
            worker.wait_idle()
        with time_machine.travel(BOOKED_AT + timedelta(minutes=5), tick=True):
            send_due_reminders.delay()
            worker.wait_idle()

    delivered = smtp.parsed()
    assert sorted(m["To"] for m in delivered) == ["guest@example.com", "host@example.com"]
    assert len({m["Message-ID"] for m in delivered}) == 2
    for row in Reminder.objects.filter(kind=Kind.CONFIRMATION):
        assert (row.status, row.attempts) == (Status.SENT, 2)
        assert "451" in row.last_error  # the history stays visible in the admin
    kolkata = next(m for m in delivered if m["To"] == "guest@example.com")
    assert "Thu 4 Jun, 21:30" in kolkata["Subject"]
