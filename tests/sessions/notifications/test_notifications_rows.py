"""Which Reminder rows each booking event creates, moves or cancels."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from sessions.models import Reminder, RescheduleRequest, Scorecard
from sessions.notifications import outbox as notifications
from tests.factories import UserFactory, make_booking

Kind, Status = Reminder.Kind, Reminder.Status
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rows(booking, **filters):
    return sorted(
        (r.kind, r.recipient.email, r.due_at, r.status)
        for r in Reminder.objects.filter(booking=booking, **filters).select_related("recipient")
    )


def confirmed_booking(**kwargs):
    host = kwargs.pop("host", None) or UserFactory(email="host@example.com")
    guest = kwargs.pop("guest", None) or UserFactory(email="guest@example.com")
    booking = make_booking(host=host, guest=guest, starts_at=START, **kwargs)
    notifications.booking_confirmed(booking)
    return booking


def test_a_confirmed_booking_gets_confirmations_reminders_and_feedback_rows():
    booking = confirmed_booking()
    end = START + timedelta(minutes=60)
    assert rows(booking) == sorted(
        [
            (Kind.CONFIRMATION, "host@example.com", NOW, Status.PENDING),
            (Kind.CONFIRMATION, "guest@example.com", NOW, Status.PENDING),
            (Kind.REMINDER_24H, "host@example.com", START - timedelta(hours=24), Status.PENDING),
            (Kind.REMINDER_24H, "guest@example.com", START - timedelta(hours=24), Status.PENDING),
            (Kind.REMINDER_1H, "host@example.com", START - timedelta(hours=1), Status.PENDING),
            (Kind.REMINDER_1H, "guest@example.com", START - timedelta(hours=1), Status.PENDING),
            # The host interviews: asked at the end, nudged a day later.
            (Kind.FEEDBACK_REQUEST, "host@example.com", end, Status.PENDING),
            (Kind.FEEDBACK_NUDGE, "host@example.com", end + timedelta(hours=24), Status.PENDING),
            # The guest is the candidate: told at the reveal deadline at the latest.
            (Kind.FEEDBACK_READY, "guest@example.com", end + timedelta(hours=72), Status.PENDING),
        ]
    )


def test_a_swap_asks_each_interviewer_at_the_end_of_their_own_half():
    booking = confirmed_booking(host_role="swap", minutes=45)
    half = START + timedelta(minutes=45)
    end = START + timedelta(minutes=90)
    requests = rows(booking, kind=Kind.FEEDBACK_REQUEST)
    assert requests == sorted(
        [
            (Kind.FEEDBACK_REQUEST, "host@example.com", half, Status.PENDING),
            (Kind.FEEDBACK_REQUEST, "guest@example.com", end, Status.PENDING),
        ]
    )
    ready = rows(booking, kind=Kind.FEEDBACK_READY)
    assert [r[1] for r in ready] == ["guest@example.com", "host@example.com"]


def test_a_booking_less_than_a_day_ahead_gets_no_24_hour_reminder():
    booking = make_booking(starts_at=NOW + timedelta(hours=5))
    notifications.booking_confirmed(booking)
    kinds = set(Reminder.objects.filter(booking=booking).values_list("kind", flat=True))
    assert Kind.REMINDER_1H in kinds
    assert Kind.REMINDER_24H not in kinds


def test_confirmation_rows_are_queued_only_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        booking = confirmed_booking()
    assert len(callbacks) == 1
    assert Reminder.objects.filter(booking=booking, kind=Kind.CONFIRMATION).count() == 2


def test_cancelling_cancels_every_pending_row_and_tells_both_people():
    booking = confirmed_booking()
    booking.status = booking.Status.CANCELLED
    booking.cancelled_by = booking.guest
    booking.save(update_fields=["status", "cancelled_by"])
    notifications.booking_cancelled(booking, booking.guest)

    live = rows(booking, status=Status.PENDING)
    assert live == sorted(
        [
            (Kind.CANCELLATION, "host@example.com", NOW, Status.PENDING),
            (Kind.CANCELLATION, "guest@example.com", NOW, Status.PENDING),
        ]
    )
    assert Reminder.objects.filter(booking=booking, status=Status.CANCELLED).count() == 9


def test_cancelling_twice_for_both_sides_tells_each_person_once():
    booking = confirmed_booking()
    notifications.booking_cancelled(booking, booking.host)
    notifications.booking_cancelled(booking, booking.guest)
    assert Reminder.objects.filter(booking=booking, kind=Kind.CANCELLATION).count() == 2


def test_rescheduling_moves_reminders_and_feedback_to_the_new_time():
    booking = confirmed_booking()
    new_start = START + timedelta(days=2, hours=3)
    booking.starts_at, booking.ends_at = new_start, new_start + timedelta(minutes=60)
    booking.save(update_fields=["starts_at", "ends_at"])
    notifications.booking_rescheduled(booking)

    pending = Reminder.objects.filter(booking=booking, status=Status.PENDING)
    due = {(r.kind, r.recipient_id): r.due_at for r in pending}
    assert due[(Kind.REMINDER_24H, booking.guest_id)] == new_start - timedelta(hours=24)
    assert due[(Kind.REMINDER_1H, booking.host_id)] == new_start - timedelta(hours=1)
    assert due[(Kind.FEEDBACK_REQUEST, booking.host_id)] == new_start + timedelta(minutes=60)
    assert pending.filter(kind=Kind.RESCHEDULED).count() == 2
    # Nothing pending is left at the old time.
    assert not pending.filter(due_at__in=[START - timedelta(hours=24), START - timedelta(hours=1)])
    assert pending.filter(kind=Kind.REMINDER_24H).count() == 2


def test_a_proposal_is_sent_to_the_other_person_and_a_decline_to_the_proposer():
    booking = confirmed_booking()
    request = RescheduleRequest.objects.create(
        booking=booking,
        proposed_by=booking.guest,
        starts_at=START + timedelta(days=1),
        ends_at=START + timedelta(days=1, minutes=60),
    )
    notifications.reschedule_proposed(request)
    notifications.reschedule_declined(request)
    assert rows(booking, kind=Kind.RESCHEDULE_PROPOSED)[0][1] == "host@example.com"
    assert rows(booking, kind=Kind.RESCHEDULE_DECLINED)[0][1] == "guest@example.com"


def submitted_scorecard(booking):
    from sessions.models import Rubric

    round_ = booking.rounds.get(number=1)
    rubric = Rubric.objects.filter(interview_type=booking.interview_type).first() or (
        Rubric.objects.create(interview_type=booking.interview_type, version=99, title="t")
    )
    return Scorecard.objects.create(
        round=round_,
        booking=booking,
        grader=round_.interviewer,
        candidate=round_.candidate,
        rubric=rubric,
        interview_type=booking.interview_type,
        status=Scorecard.Status.SUBMITTED,
        submitted_at=NOW,
        session_ended_at=booking.ends_at,
    )


def test_a_submitted_scorecard_stops_the_request_and_the_nudge_for_that_grader():
    booking = confirmed_booking()
    notifications.scorecard_submitted(submitted_scorecard(booking))
    assert not Reminder.objects.filter(
        booking=booking,
        kind__in=[Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE],
        status=Status.PENDING,
    ).exists()


def test_the_reveal_brings_the_deadline_row_forward_instead_of_adding_one():
    booking = confirmed_booking()
    deadline_row = Reminder.objects.get(booking=booking, kind=Kind.FEEDBACK_READY)
    with transaction.atomic():
        notifications.feedback_revealed(booking, [booking.guest])
    ready = Reminder.objects.filter(booking=booking, kind=Kind.FEEDBACK_READY)
    assert [(r.pk, r.due_at) for r in ready] == [(deadline_row.pk, NOW)]


def test_the_reveal_after_the_candidate_already_heard_adds_nothing():
    booking = confirmed_booking()
    Reminder.objects.filter(booking=booking, kind=Kind.FEEDBACK_READY).update(
        status=Status.SENT, sent_at=NOW
    )
    notifications.feedback_revealed(booking, [booking.guest])
    assert Reminder.objects.filter(booking=booking, kind=Kind.FEEDBACK_READY).count() == 1


def test_the_reveal_after_an_empty_deadline_queues_a_fresh_row():
    booking = confirmed_booking()
    # At the deadline there was nothing to show, so that row was cancelled.
    Reminder.objects.filter(booking=booking, kind=Kind.FEEDBACK_READY).update(
        status=Status.CANCELLED
    )
    notifications.feedback_revealed(booking, [booking.guest])
    fresh = Reminder.objects.get(booking=booking, kind=Kind.FEEDBACK_READY, status=Status.PENDING)
    assert fresh.due_at == NOW
