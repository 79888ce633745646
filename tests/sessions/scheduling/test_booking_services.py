"""book_slot, cancel, reschedule, no-shows and completion, through the services."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import (
    Booking,
    BookingParticipant,
    Question,
    Reminder,
    RescheduleRequest,
    Slot,
)
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
host, guest = support.host, support.guest


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


class TestBooking:
    def test_it_books_an_open_slot(self, host, guest):
        slot = make_slot(host=host)
        booking = services.book_slot(slot=slot, guest=guest)
        refresh(slot)
        assert slot.status == Slot.Status.BOOKED
        assert (booking.host, booking.guest, booking.status) == (host, guest, "confirmed")
        assert (booking.starts_at, booking.ends_at) == (slot.starts_at, slot.ends_at)
        assert booking.calendar_sequence == 0
        assert sorted(p.user.email for p in booking.participants.all()) == [
            "guest@example.com",
            "host@example.com",
        ]
        assert all(p.live for p in booking.participants.all())

    def test_each_booking_gets_its_own_unguessable_room(self, host, guest):
        first = services.book_slot(slot=make_slot(host=host), guest=guest)
        second = services.book_slot(slot=make_slot(host=host, starts_at=soon(72)), guest=guest)
        for booking in (first, second):
            assert booking.meeting_url.startswith(settings.MEETING_BASE_URL + "interviewprep-")
            assert (
                len(booking.meeting_url.rsplit("-", 1)[-1]) >= 20 or len(booking.meeting_url) > 50
            )
        assert first.meeting_url != second.meeting_url

    def test_it_records_the_confirmations(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        confirmations = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.CONFIRMATION)
        assert sorted(r.recipient.email for r in confirmations) == [
            "guest@example.com",
            "host@example.com",
        ]

    @pytest.mark.parametrize(
        ("host_role", "expected"),
        [
            ("interviewer", [("host", "guest")]),
            ("candidate", [("guest", "host")]),
            ("swap", [("host", "guest"), ("guest", "host")]),
        ],
    )
    def test_rounds_follow_the_hosts_role(self, host, guest, host_role, expected):
        booking = services.book_slot(slot=make_slot(host=host, host_role=host_role), guest=guest)
        names = {host.pk: "host", guest.pk: "guest"}
        rounds = list(booking.rounds.order_by("number"))
        assert [(names[r.interviewer_id], names[r.candidate_id]) for r in rounds] == expected
        assert all(r.question and r.question.interview_type == "system_design" for r in rounds)

    def test_a_swap_never_asks_the_same_question_twice(self, host, guest):
        for _ in range(5):
            slot = make_slot(host=host, host_role="swap", starts_at=soon(24 + 5 * _))
            booking = services.book_slot(slot=slot, guest=guest)
            first, second = booking.rounds.order_by("number")
            assert first.question_id != second.question_id

    def test_questions_match_the_slots_level_first(self, host, guest):
        slot = make_slot(host=host, level="staff", interview_type="coding")
        booking = services.book_slot(slot=slot, guest=guest)
        assert booking.rounds.get().question.level == "staff"

    def test_it_refuses_the_hosts_own_slot(self, host):
        with pytest.raises(services.SchedulingError, match="your own slot"):
            services.book_slot(slot=make_slot(host=host), guest=host)

    def test_it_refuses_a_taken_slot(self, host, guest):
        slot = make_slot(host=host)
        services.book_slot(slot=slot, guest=guest)
        with pytest.raises(services.SlotTaken, match="just taken"):
            services.book_slot(slot=slot, guest=UserFactory())
        assert Booking.objects.count() == 1

    def test_it_refuses_a_withdrawn_slot(self, host, guest):
        slot = make_slot(host=host, status=Slot.Status.WITHDRAWN)
        with pytest.raises(services.SlotTaken, match="withdrawn"):
            services.book_slot(slot=slot, guest=guest)

    def test_it_refuses_a_slot_that_has_started(self, host, guest):
        slot = make_slot(host=host, starts_at=soon(-0.25))
        with pytest.raises(services.SchedulingError, match="already started"):
            services.book_slot(slot=slot, guest=guest)

    def test_it_refuses_a_guest_who_is_busy_then(self, host, guest):
        make_booking(guest=guest, starts_at=soon(48) - timedelta(minutes=30))
        with pytest.raises(services.TimeConflict, match="You are already in an interview"):
            services.book_slot(slot=make_slot(host=host, starts_at=soon(48)), guest=guest)
        assert not Booking.objects.filter(host=host).exists()

    def test_it_refuses_when_the_host_got_booked_elsewhere(self, host, guest):
        make_booking(guest=host, starts_at=soon(48))
        with pytest.raises(services.SlotTaken):
            services.book_slot(slot=make_slot(host=host, starts_at=soon(48)), guest=guest)

    def test_the_database_refuses_overlapping_participations(self, host, guest):
        # The last word is PostgreSQL's, whatever Python checks.
        booking = make_booking(host=host, guest=guest, starts_at=soon(48))
        other = make_booking(starts_at=soon(96))
        with pytest.raises(IntegrityError), transaction.atomic():
            BookingParticipant.objects.create(
                booking=other,
                user=guest,
                starts_at=booking.starts_at + timedelta(minutes=59),
                ends_at=booking.ends_at + timedelta(minutes=59),
            )

    def test_the_database_refuses_two_live_bookings_of_one_slot(self, host, guest):
        booking = make_booking(host=host, guest=guest)
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(
                slot=booking.slot,
                host=host,
                guest=UserFactory(),
                interview_type=booking.interview_type,
                host_role=booking.host_role,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                meeting_url="https://meet.jit.si/x",
            )

    def test_a_cancelled_participation_does_not_block(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        services.cancel_booking(booking=booking, by=guest, reason="Sick")
        other_host = UserFactory()
        services.book_slot(
            slot=make_slot(host=other_host, starts_at=booking.starts_at), guest=guest
        )


class TestSuspension:
    def test_two_no_shows_within_30_days_suspend_booking_for_14_days(self, host, guest):
        now = timezone.now()
        first = make_booking(host=host, guest=guest, starts_at=now - timedelta(days=20))
        second = make_booking(host=host, guest=guest, starts_at=now - timedelta(minutes=10))
        services.report_no_show(booking=first, by=host, now=first.starts_at + timedelta(minutes=15))
        refresh(guest.profile)
        assert guest.profile.no_shows == 1
        assert guest.profile.booking_suspended_until is None

        services.report_no_show(booking=second, by=host, now=now)
        refresh(guest.profile)
        assert guest.profile.no_shows == 2
        assert guest.profile.booking_suspended_until == now + timedelta(days=14)
        with pytest.raises(services.BookingSuspended) as excinfo:
            services.book_slot(slot=make_slot(host=UserFactory()), guest=guest)
        until = (now + timedelta(days=14)).astimezone(guest.profile.zone)
        assert f"Booking is paused until {until:%a} {until.day} {until:%b %Y}, {until:%H:%M}" in (
            excinfo.value.message
        )
        assert "(Europe/Berlin)" in excinfo.value.message

    def test_no_shows_more_than_30_days_apart_do_not_suspend(self, host, guest):
        now = timezone.now()
        old = make_booking(host=host, guest=guest, starts_at=now - timedelta(days=31))
        services.report_no_show(booking=old, by=host, now=old.starts_at + timedelta(minutes=5))
        recent = make_booking(host=host, guest=guest, starts_at=now - timedelta(minutes=10))
        services.report_no_show(booking=recent, by=host, now=now)
        refresh(guest.profile)
        assert guest.profile.no_shows == 2
        assert not guest.profile.is_booking_suspended()

    def test_the_suspension_ends_after_14_days(self, host, guest):
        guest.profile.booking_suspended_until = timezone.now() + timedelta(days=14)
        guest.profile.save()
        slot = make_slot(host=host, starts_at=soon(24 * 15))
        with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
            services.book_slot(slot=slot, guest=guest)


class TestNoShows:
    def test_it_refuses_before_the_start(self, host, guest):
        booking = make_booking(host=host, guest=guest)
        with pytest.raises(services.SchedulingError, match="once the interview has started"):
            services.report_no_show(booking=booking, by=host)

    def test_it_is_reported_once(self, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.5))
        services.report_no_show(booking=booking, by=host)
        with pytest.raises(services.SchedulingError, match="already reported"):
            services.report_no_show(booking=booking, by=guest)
        refresh(host.profile, guest.profile)
        assert (host.profile.no_shows, guest.profile.no_shows) == (0, 1)

    def test_it_undoes_the_completed_count(self, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-2))
        assert services.complete_finished_bookings() == 1
        services.report_no_show(booking=booking, by=guest)
        refresh(booking, host.profile, guest.profile)
        assert booking.status == Booking.Status.NO_SHOW
        assert booking.no_show_user == host
        assert (host.profile.completed_sessions, guest.profile.completed_sessions) == (0, 0)

    def test_a_stranger_cannot_report(self, host, guest, stranger):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.5))
        with pytest.raises(services.SchedulingError):
            services.report_no_show(booking=booking, by=stranger)


class TestCancelling:
    def test_the_guest_cancels_early_and_the_slot_opens_again(self, host, guest):
        slot = make_slot(host=host)
        booking = services.book_slot(slot=slot, guest=guest)
        services.cancel_booking(booking=booking, by=guest, reason="Offer accepted elsewhere")
        refresh(booking, slot, guest.profile)
        assert booking.status == Booking.Status.CANCELLED
        assert booking.cancelled_by == guest
        assert booking.cancellation_reason == "Offer accepted elsewhere"
        assert not booking.late_cancellation
        assert booking.calendar_sequence == 1
        assert not booking.participants.filter(live=True).exists()
        assert slot.status == Slot.Status.OPEN
        assert guest.profile.late_cancellations == 0
        told = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.CANCELLATION)
        assert sorted(r.recipient.email for r in told) == [guest.email, host.email]

    def test_the_host_cancels_and_the_slot_is_withdrawn(self, host, guest):
        slot = make_slot(host=host)
        booking = services.book_slot(slot=slot, guest=guest)
        services.cancel_booking(booking=booking, by=host, reason="On call")
        refresh(slot)
        assert slot.status == Slot.Status.WITHDRAWN
        told = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.CANCELLATION)
        assert sorted(r.recipient.email for r in told) == [guest.email, host.email]

    def test_within_24_hours_it_is_a_late_cancellation(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host, starts_at=soon(23.9)), guest=guest)
        services.cancel_booking(booking=booking, by=host, reason="Sorry")
        refresh(booking, host.profile, guest.profile)
        assert booking.late_cancellation
        assert (host.profile.late_cancellations, guest.profile.late_cancellations) == (1, 0)

    def test_24_hours_and_more_is_not_late(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host, starts_at=soon(30)), guest=guest)
        services.cancel_booking(
            booking=booking, by=host, reason="Sorry", now=booking.starts_at - timedelta(hours=24)
        )
        refresh(host.profile)
        assert host.profile.late_cancellations == 0

    def test_it_needs_a_reason(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        with pytest.raises(services.SchedulingError, match="why"):
            services.cancel_booking(booking=booking, by=host, reason="  ")
        refresh(booking)
        assert booking.status == Booking.Status.CONFIRMED

    def test_it_refuses_after_the_start(self, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.1))
        with pytest.raises(services.SchedulingError, match="no-show instead"):
            services.cancel_booking(booking=booking, by=host, reason="Late")

    def test_it_refuses_twice(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        services.cancel_booking(booking=booking, by=host, reason="x")
        with pytest.raises(services.SchedulingError, match="already cancelled"):
            services.cancel_booking(booking=booking, by=guest, reason="y")

    def test_staff_cancel_tells_both_and_counts_nobody_late(self, host, guest, staff):
        booking = services.book_slot(slot=make_slot(host=host, starts_at=soon(2)), guest=guest)
        services.cancel_booking(booking=booking, by=staff, reason="Abuse report")
        refresh(host.profile, guest.profile)
        told = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.CANCELLATION)
        assert sorted(r.recipient.email for r in told) == [guest.email, host.email]
        assert host.profile.late_cancellations == guest.profile.late_cancellations == 0

    def test_a_stranger_cannot_cancel(self, host, guest, stranger):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        with pytest.raises(services.SchedulingError):
            services.cancel_booking(booking=booking, by=stranger, reason="x")


class TestRescheduling:
    def test_accepting_moves_everything_and_keeps_the_calendar_identity(self, host, guest):
        slot = make_slot(host=host)
        booking = services.book_slot(slot=slot, guest=guest)
        uid = booking.calendar_uid
        new_start = booking.starts_at + timedelta(days=1, hours=2)
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=new_start, message="Conflict at work"
        )
        assert Reminder.objects.filter(
            booking=booking, kind=Reminder.Kind.RESCHEDULE_PROPOSED, recipient=host
        ).exists()
        services.accept_reschedule(request=proposal, by=host)
        refresh(booking, slot, proposal)
        assert booking.calendar_uid == uid
        assert booking.calendar_sequence == 1
        assert (booking.starts_at, booking.ends_at) == (new_start, new_start + timedelta(hours=1))
        assert (slot.starts_at, slot.ends_at) == (booking.starts_at, booking.ends_at)
        assert {(p.starts_at, p.ends_at) for p in booking.participants.all()} == {
            (booking.starts_at, booking.ends_at)
        }
        assert proposal.status == RescheduleRequest.Status.ACCEPTED
        assert Reminder.objects.filter(booking=booking, kind=Reminder.Kind.RESCHEDULED).count() == 2

    def test_the_proposer_cannot_accept_their_own_time(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=3)
        )
        with pytest.raises(services.SchedulingError, match="other person"):
            services.accept_reschedule(request=proposal, by=guest)

    def test_accepting_refuses_a_time_when_someone_is_busy(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        new_start = booking.starts_at + timedelta(days=1)
        proposal = services.propose_reschedule(booking=booking, by=guest, starts_at=new_start)
        make_booking(guest=host, starts_at=new_start + timedelta(minutes=30))
        with pytest.raises(services.TimeConflict, match="You are already in an interview"):
            services.accept_reschedule(request=proposal, by=host)
        refresh(booking, proposal)
        assert booking.calendar_sequence == 0
        assert proposal.status == RescheduleRequest.Status.PENDING

    def test_a_proposal_must_respect_the_publishing_window(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        with pytest.raises(services.ValidationError, match="less than an hour"):
            services.propose_reschedule(booking=booking, by=guest, starts_at=soon(0.5))
        with pytest.raises(services.ValidationError, match="8 weeks"):
            services.propose_reschedule(booking=booking, by=guest, starts_at=soon(24 * 60))

    def test_a_new_proposal_replaces_the_pending_one(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        first = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=3)
        )
        second = services.propose_reschedule(
            booking=booking, by=host, starts_at=booking.starts_at + timedelta(hours=5)
        )
        refresh(first)
        assert first.status == RescheduleRequest.Status.WITHDRAWN
        assert second.status == RescheduleRequest.Status.PENDING

    def test_declining_keeps_the_booking_and_tells_the_proposer(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        start = booking.starts_at
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=start + timedelta(hours=3)
        )
        services.decline_reschedule(request=proposal, by=host)
        refresh(booking, proposal)
        assert booking.starts_at == start
        assert proposal.status == RescheduleRequest.Status.DECLINED
        assert Reminder.objects.filter(
            booking=booking, kind=Reminder.Kind.RESCHEDULE_DECLINED, recipient=guest
        ).exists()
        with pytest.raises(services.SchedulingError, match="already declined"):
            services.accept_reschedule(request=proposal, by=host)

    def test_cancelling_withdraws_a_pending_proposal(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=3)
        )
        services.cancel_booking(booking=booking, by=host, reason="x")
        refresh(proposal)
        assert proposal.status == RescheduleRequest.Status.WITHDRAWN


class TestCompletion:
    def test_finished_bookings_complete_once(self, host, guest):
        done = make_booking(host=host, guest=guest, starts_at=soon(-2))
        running = make_booking(host=host, guest=guest, starts_at=soon(-0.5))
        assert services.complete_finished_bookings() == 1
        assert services.complete_finished_bookings() == 0
        refresh(done, running, host.profile, guest.profile)
        assert (done.status, running.status) == ("completed", "confirmed")
        assert host.profile.completed_sessions == guest.profile.completed_sessions == 1

    def test_cancelled_bookings_never_complete(self, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        services.cancel_booking(booking=booking, by=host, reason="x")
        assert services.complete_finished_bookings(now=booking.ends_at + timedelta(hours=1)) == 0


def test_the_seeded_bank_has_at_least_8_questions_per_type():
    for kind in ("system_design", "behavioral", "coding", "compensation"):
        questions = Question.objects.filter(interview_type=kind, active=True)
        assert questions.count() >= 8, kind
        assert all(q.interviewer_notes and q.prompt for q in questions)
        assert set(questions.values_list("level", flat=True)) <= {"senior", "staff"}


def test_negotiation_questions_are_offer_scenarios():
    for q in Question.objects.filter(interview_type="compensation"):
        text = (q.prompt + q.interviewer_notes).lower()
        assert "base" in text, q.title
        assert "concede" in text, q.title
        assert any(word in text for word in ("equity", "rsu", "options", "virtual share")), q.title
