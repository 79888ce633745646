"""Claiming and sending rows: once, on time, never late, never to the unwilling."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from sessions.models import Booking, Reminder, Slot
from sessions.notifications import services as notifications
from sessions.notifications.tasks import send_reminders
from sessions.scheduling.services import (
    accept_reschedule,
    book_slot,
    cancel_booking,
    propose_reschedule,
    report_no_show,
)
from tests.factories import UserFactory, make_booking

Kind, Status = Reminder.Kind, Reminder.Status
BOOKED_AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)


def book(host, guest, starts_at=START, minutes=60):
    slot = Slot.objects.create(
        host=host,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        interview_type="system_design",
        host_role="interviewer",
    )
    return book_slot(slot=slot, guest=guest)


def sweep_at(moment) -> list:
    before = len(mail.outbox)
    with time_machine.travel(moment, tick=False):
        notifications.send_due_reminders()
    return mail.outbox[before:]


def kinds_sent(messages) -> list[tuple[str, str]]:
    return sorted((m.extra_headers["Message-ID"].split(".")[1], m.to[0]) for m in messages)


@pytest.fixture
def booking(db):
    host = UserFactory(email="host@example.com", tz="Europe/Berlin")
    guest = UserFactory(email="guest@example.com", tz="America/Los_Angeles")
    with time_machine.travel(BOOKED_AT, tick=False):
        return book(host, guest)


def test_a_sent_row_is_never_claimed_again(booking):
    assert len(sweep_at(BOOKED_AT)) == 2
    row = Reminder.objects.filter(kind=Kind.CONFIRMATION).first()
    assert row.status == Status.SENT
    later = BOOKED_AT + timedelta(days=30)
    assert notifications.claim_reminder(reminder_id=row.pk, now=later) is False
    assert notifications.deliver_reminder(reminder_id=row.pk, now=later) is None
    assert sweep_at(BOOKED_AT + timedelta(minutes=1)) == []


def test_a_row_is_not_claimed_before_it_is_due(booking):
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    assert not notifications.claim_reminder(
        reminder_id=row.pk, now=row.due_at - timedelta(seconds=1)
    )
    assert notifications.claim_reminder(reminder_id=row.pk, now=row.due_at)


def test_a_claim_held_by_a_live_worker_is_respected_and_an_expired_one_is_taken_over(booking):
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    due = row.due_at
    assert notifications.claim_reminder(reminder_id=row.pk, now=due)
    # The first worker is still within its lease.
    assert not notifications.claim_reminder(reminder_id=row.pk, now=due + timedelta(minutes=9))
    # It died: once the lease runs out the row is claimable again.
    assert notifications.claim_reminder(reminder_id=row.pk, now=due + timedelta(minutes=11))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 2)


def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_new_owners_result(booking):
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    assert notifications.claim_reminder(reminder_id=row.pk, now=row.due_at)
    stale = Reminder.objects.get(pk=row.pk)  # attempts == 1
    with time_machine.travel(row.due_at + timedelta(minutes=11), tick=False):
        assert notifications.deliver_reminder(reminder_id=row.pk) == Status.SENT
    # The first worker wakes up and tries to record a failure.
    assert notifications._finish(stale, status=Status.PENDING, last_error="late") is False
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twelve_threads_claiming_one_row_leave_exactly_one_owner():
    booking = make_booking(starts_at=START)
    row = Reminder.objects.create(
        booking=booking, recipient=booking.guest, kind=Kind.REMINDER_24H, due_at=BOOKED_AT
    )
    barrier = threading.Barrier(12)
    results = []

    def claim():
        try:
            barrier.wait()
            results.append(notifications.claim_reminder(reminder_id=row.pk, now=BOOKED_AT))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 11 + [True]
    row.refresh_from_db()
    assert row.attempts == 1


def test_the_whole_life_of_a_booking_sends_each_email_once_at_its_time(booking):
    host, guest = "host@example.com", "guest@example.com"
    assert kinds_sent(sweep_at(BOOKED_AT)) == [("confirmation", guest), ("confirmation", host)]
    assert sweep_at(START - timedelta(hours=24, seconds=1)) == []
    assert kinds_sent(sweep_at(START - timedelta(hours=24))) == [
        ("reminder_24h", guest),
        ("reminder_24h", host),
    ]
    assert sweep_at(START - timedelta(hours=1, seconds=1)) == []
    assert kinds_sent(sweep_at(START - timedelta(hours=1))) == [
        ("reminder_1h", guest),
        ("reminder_1h", host),
    ]
    end = START + timedelta(minutes=60)
    assert sweep_at(end - timedelta(seconds=1)) == []
    assert kinds_sent(sweep_at(end)) == [("feedback_request", host)]
    assert kinds_sent(sweep_at(end + timedelta(hours=24))) == [("feedback_nudge", host)]
    # Nobody graded, so at the deadline there is nothing to reveal and nothing to say.
    assert sweep_at(end + timedelta(hours=72)) == []
    assert Reminder.objects.get(kind=Kind.FEEDBACK_READY).status == Status.CANCELLED
    assert not Reminder.objects.filter(status__in=[Status.PENDING, Status.SENDING]).exists()


def test_a_cancelled_booking_gets_no_reminder(booking):
    sweep_at(BOOKED_AT)
    with time_machine.travel(BOOKED_AT + timedelta(hours=1), tick=False):
        cancel_booking(booking=booking, by=booking.guest, reason="Something came up at work.")
    sent = sweep_at(BOOKED_AT + timedelta(hours=1))
    assert kinds_sent(sent) == [
        ("cancellation", "guest@example.com"),
        ("cancellation", "host@example.com"),
    ]
    for moment in (
        START - timedelta(hours=24),
        START - timedelta(hours=1),
        START + timedelta(days=4),
    ):
        assert sweep_at(moment) == []


def test_a_row_claimed_just_before_the_cancellation_is_not_sent(booking):
    row = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert notifications.deliver_reminder(reminder_id=row.pk, now=row.due_at) == Status.CANCELLED
    assert mail.outbox == []


def test_a_rescheduled_booking_is_reminded_at_the_new_time_only(booking):
    sweep_at(BOOKED_AT)
    new_start = START + timedelta(days=2, hours=3)
    with time_machine.travel(BOOKED_AT + timedelta(hours=2), tick=False):
        request = propose_reschedule(booking=booking, by=booking.guest, starts_at=new_start)
        accept_reschedule(request=request, by=booking.host)
    moved = sweep_at(BOOKED_AT + timedelta(hours=2))
    # The proposal was answered before its email went out; the move says it all.
    assert kinds_sent(moved) == [
        ("rescheduled", "guest@example.com"),
        ("rescheduled", "host@example.com"),
    ]
    assert sweep_at(START - timedelta(hours=24)) == []
    assert sweep_at(START - timedelta(hours=1)) == []
    assert len(sweep_at(new_start - timedelta(hours=24))) == 2
    one_hour = sweep_at(new_start - timedelta(hours=1))
    assert len(one_hour) == 2
    to_host = next(m.body for m in one_hour if m.to == ["host@example.com"])
    assert "Sat 6 Jun, 21:00–22:00 (Europe/Berlin)" in to_host
    assert "Thu 4 Jun" not in to_host


def test_a_reminder_still_unsent_when_the_session_starts_is_dropped(booking):
    sweep_at(BOOKED_AT)
    sent = sweep_at(START + timedelta(minutes=1))
    assert sent == []
    statuses = dict(
        Reminder.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]).values_list(
            "status", "last_error"
        )
    )
    assert list(statuses) == [Status.DROPPED]
    assert "started" in statuses[Status.DROPPED]


def test_a_late_24_hour_reminder_gives_way_to_the_1_hour_one(booking):
    sweep_at(BOOKED_AT)
    sent = sweep_at(START - timedelta(minutes=50))
    assert kinds_sent(sent) == [
        ("reminder_1h", "guest@example.com"),
        ("reminder_1h", "host@example.com"),
    ]
    assert set(
        Reminder.objects.filter(kind=Kind.REMINDER_24H).values_list("status", flat=True)
    ) == {Status.DROPPED}


def test_preferences_are_read_when_sending_not_when_booking(booking):
    sweep_at(BOOKED_AT)
    profile = booking.guest.profile
    profile.email_reminder_24h = False
    profile.save(update_fields=["email_reminder_24h"])
    sent = sweep_at(START - timedelta(hours=24))
    assert kinds_sent(sent) == [("reminder_24h", "host@example.com")]
    skipped = Reminder.objects.get(kind=Kind.REMINDER_24H, recipient=booking.guest)
    assert skipped.status == Status.CANCELLED
    assert "switched these emails off" in skipped.last_error
    # The 1-hour one is still wanted.
    assert len(sweep_at(START - timedelta(hours=1))) == 2


def test_switching_off_feedback_emails_stops_the_request_and_nudge(booking):
    sweep_at(BOOKED_AT)
    booking.host.profile.email_feedback = False
    booking.host.profile.save(update_fields=["email_feedback"])
    end = START + timedelta(minutes=60)
    assert sweep_at(end) == []
    assert sweep_at(end + timedelta(hours=24)) == []


def test_no_feedback_request_while_a_no_show_report_is_open(booking):
    sweep_at(BOOKED_AT)
    reported_at = START + timedelta(minutes=20)
    with time_machine.travel(reported_at, tick=False):
        report_no_show(booking=booking, by=booking.host)
    # The accused hears of the report; nobody is asked for feedback on it.
    assert kinds_sent(sweep_at(reported_at)) == [("no_show_reported", "guest@example.com")]
    end = START + timedelta(minutes=60)
    for moment in (end, end + timedelta(hours=24), end + timedelta(hours=72)):
        assert sweep_at(moment) == []


def test_an_unreachable_mail_server_is_retried_with_backoff_then_given_up(booking, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    row = Reminder.objects.filter(kind=Kind.CONFIRMATION).first()
    moment, delays = BOOKED_AT, []
    for attempt in range(1, notifications.MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            status = notifications.deliver_reminder(reminder_id=row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt
        assert "ConnectionRefusedError" in row.last_error
        if attempt < notifications.MAX_ATTEMPTS:
            assert status == Status.PENDING
            delays.append(row.due_at - moment)
            # Not claimable a second early.
            assert not notifications.claim_reminder(
                reminder_id=row.pk, now=row.due_at - timedelta(seconds=1)
            )
            moment = row.due_at
        else:
            assert (status, row.status) == (Status.FAILED, Status.FAILED)
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert not notifications.claim_reminder(reminder_id=row.pk, now=moment + timedelta(days=1))


def test_one_queued_message_sends_each_of_its_rows_unless_someone_has_it(booking):
    host_row, guest_row = (
        Reminder.objects.get(kind=Kind.CONFIRMATION, recipient=person)
        for person in (booking.host, booking.guest)
    )
    with time_machine.travel(BOOKED_AT + timedelta(seconds=5), tick=False):
        # Another worker (or the sweep) took the host's row first.
        assert notifications.claim_reminder(reminder_id=host_row.pk, now=BOOKED_AT)
        assert send_reminders([host_row.pk, guest_row.pk]) == 1
    assert [m.to for m in mail.outbox] == [["guest@example.com"]]
    guest_row.refresh_from_db()
    assert guest_row.status == Status.SENT
