"""insert_rows and insert_objects: COPY on PostgreSQL gives what bulk_create gives."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from sessions.notifications.models import Reminder
from sessions.scheduling.bulk import insert_objects, insert_rows
from sessions.scheduling.models import Booking, BookingParticipant, Slot
from tests.factories import UserFactory, make_booking

pytestmark = pytest.mark.django_db
# Fixed times: only the first test reads the clock (the created_at default), so only it pins it.
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = NOW + timedelta(days=3, hours=8)


@time_machine.travel(NOW, tick=False)
def test_rows_get_their_ids_in_order_and_the_defaults_of_left_out_fields():
    booking = make_booking(starts_at=START)
    rows = [
        (
            booking.pk,
            booking.host_id,
            Reminder.Kind.REMINDER_24H.value,
            START - timedelta(hours=24),
        ),
        (booking.pk, booking.guest_id, Reminder.Kind.REMINDER_1H.value, START - timedelta(hours=1)),
    ]
    ids = insert_rows(
        Reminder, ("booking_id", "recipient_id", "kind", "due_at"), rows, with_ids=True
    )

    saved = [Reminder.objects.get(pk=pk) for pk in ids]
    assert ids == sorted(ids)
    assert [(r.booking_id, r.recipient_id, r.kind, r.due_at) for r in saved] == rows
    assert {(r.status, r.attempts, r.last_error, r.created_at) for r in saved} == {
        ("pending", 0, "", NOW)
    }
    assert insert_rows(Reminder, ("booking_id",), []) == []


def test_objects_get_their_keys_and_the_keys_of_instances_saved_meanwhile():
    host, guest = UserFactory(), UserFactory()
    slot = Slot(
        host=host,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        interview_type="coding",
        host_role="interviewer",
    )
    booking = Booking(
        slot=slot,
        host=host,
        guest=guest,
        interview_type="coding",
        host_role="interviewer",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        meeting_url="https://meet.example.com/x",
    )
    insert_objects([slot], with_ids=True)
    insert_objects([booking], with_ids=True)

    assert booking.slot is slot
    saved = Booking.objects.get(pk=booking.pk)
    assert (saved.slot_id, saved.calendar_uid, saved.status) == (
        slot.pk,
        booking.calendar_uid,
        "confirmed",
    )
    assert not booking._state.adding


def test_a_row_the_exclusion_constraint_refuses_fails_the_whole_copy():
    taken = make_booking(starts_at=START)
    other = make_booking(starts_at=START + timedelta(hours=5))
    overlapping = BookingParticipant(
        booking=other, user=taken.host, starts_at=START, ends_at=START + timedelta(minutes=30)
    )
    free = BookingParticipant(
        booking=other,
        user=UserFactory(),
        starts_at=START,
        ends_at=START + timedelta(minutes=30),
    )
    before = BookingParticipant.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_objects([free, overlapping])

    assert BookingParticipant.objects.count() == before
