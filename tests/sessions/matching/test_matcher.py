"""The matcher on PostgreSQL: booking through the scheduling service, skips, rematches."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sessions.matching import matcher, rules, services
from sessions.matching.models import MatchRequest
from sessions.models import Booking, BookingParticipant, Reminder, Slot
from sessions.scheduling.services import accept_reschedule, cancel_booking, propose_reschedule
from tests.factories import UserFactory, make_booking
from tests.sessions.matching.matching_support import ask

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, 09:00 in Los Angeles, 18:00 in Berlin.
NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"
# Friday 6 March 2026, 17:00-20:00 UTC: 09:00-12:00 in Los Angeles, 18:00-21:00 in Berlin.
LA_MORNING = [(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 12))]
BERLIN_EVENING = [(datetime(2026, 3, 6, 18), datetime(2026, 3, 6, 21))]
FIRST_START = datetime(2026, 3, 6, 17, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ben(db):
    return UserFactory(email="ben@example.com", tz=LA)


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com", tz=BERLIN)


def pair(ben, ada):
    """Ben asks to interview, then Ada to be interviewed; the matcher books them."""
    interviewer = ask(ben, role="interviewer", level="staff", windows=LA_MORNING)
    candidate = ask(ada, windows=BERLIN_EVENING, now=NOW + timedelta(seconds=1))
    report = matcher.run(now=NOW)
    interviewer.refresh_from_db()
    candidate.refresh_from_db()
    return report, interviewer, candidate


def test_a_run_books_the_pair_through_the_scheduling_service(ben, ada):
    report, interviewer, candidate = pair(ben, ada)
    assert (report.planned, report.booked, report.skipped) == (1, 1, 0)
    booking = Booking.objects.get()
    # Ben asked first, so his side hosts; he interviews Ada.
    assert (booking.host, booking.guest, booking.host_role) == (ben, ada, "interviewer")
    assert (booking.starts_at, booking.ends_at) == (FIRST_START, FIRST_START + timedelta(hours=1))
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.slot.status == Slot.Status.BOOKED and booking.slot.note == matcher.SLOT_NOTE
    assert booking.slot.level == "staff"  # the level Ada aims for
    round_ = booking.rounds.get()
    assert (round_.interviewer, round_.candidate) == (ben, ada)
    assert set(BookingParticipant.objects.values_list("user__email", flat=True)) == {
        "ben@example.com",
        "ada@example.com",
    }
    # The usual confirmation and reminders, as for a booked slot.
    kinds = sorted(Reminder.objects.filter(booking=booking).values_list("kind", flat=True))
    assert kinds.count("confirmation") == 2
    # The session is exactly a day away, so the day-before reminder would be due now.
    assert kinds.count("reminder_1h") == 2 and kinds.count("reminder_24h") == 0
    assert kinds.count("feedback_request") == 1
    for request in (interviewer, candidate):
        assert (request.status, request.booking, request.matched_at) == ("matched", booking, NOW)


def test_a_second_run_finds_nothing_left(ben, ada):
    pair(ben, ada)
    assert matcher.run(now=NOW) == matcher.RunReport()
    assert Booking.objects.count() == 1


def test_a_time_taken_since_the_plan_is_skipped_and_both_keep_waiting(ben, ada):
    interviewer = ask(ben, role="interviewer", windows=LA_MORNING)
    candidate = ask(ada, windows=BERLIN_EVENING)
    (planned,) = rules.match(matcher.load_pool(NOW))
    # Ben books a slot by hand over the planned hour before the pairing is booked.
    make_booking(host=UserFactory(), guest=ben, starts_at=FIRST_START)
    assert matcher.book_pairing(planned, now=NOW) is None
    assert set(MatchRequest.objects.values_list("status", flat=True)) == {"waiting"}
    assert Booking.objects.count() == 1
    # The next run steps around Ben's new booking.
    assert matcher.run(now=NOW).booked == 1
    booking = Booking.objects.get(match_requests=interviewer)
    assert booking.starts_at == FIRST_START + timedelta(hours=1)
    assert candidate in booking.match_requests.all()


def test_a_request_withdrawn_since_the_plan_is_not_booked(ben, ada):
    ask(ben, role="interviewer", windows=LA_MORNING)
    candidate = ask(ada, windows=BERLIN_EVENING)
    (planned,) = rules.match(matcher.load_pool(NOW))
    services.withdraw_request(request=candidate, by=ada)
    assert matcher.book_pairing(planned, now=NOW) is None
    assert not Booking.objects.exists() and not Slot.objects.exists()


def test_people_whose_matching_is_paused_stay_out_of_the_pool(ben, ada):
    ask(ben, role="interviewer", windows=LA_MORNING)
    ask(ada, windows=BERLIN_EVENING)
    ada.profile.booking_suspended_until = NOW + timedelta(days=1)
    ada.profile.save()
    assert matcher.run(now=NOW).planned == 0
    assert not Booking.objects.exists()


def test_blocked_people_are_not_paired(ben, ada):
    ask(ben, role="interviewer", windows=LA_MORNING)
    ask(ada, windows=BERLIN_EVENING)
    services.block(by=ada, other=ben)
    assert matcher.run(now=NOW).planned == 0


def test_a_run_expires_requests_whose_windows_have_passed(ben, ada):
    request = ask(ben, role="interviewer", windows=LA_MORNING)
    report = matcher.run(now=datetime(2026, 3, 6, 20, tzinfo=UTC))
    request.refresh_from_db()
    assert (report.expired, request.status) == (1, "expired")


def test_when_the_guest_cancels_the_host_goes_back_first_in_line(ben, ada):
    _, interviewer, candidate = pair(ben, ada)
    booking = interviewer.booking
    later = NOW + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        cancel_booking(booking=booking, by=ada, reason="A clash at work.")
    interviewer.refresh_from_db()
    candidate.refresh_from_db()
    assert (interviewer.status, interviewer.booking, interviewer.rematch_since) == (
        "waiting",
        None,
        later,
    )
    assert interviewer.cancelled_booking == booking and interviewer.matched_at is None
    assert (candidate.status, candidate.booking, candidate.closed_at) == (
        "withdrawn",
        booking,
        later,
    )
    # Scheduling reopens a slot when its guest cancels; a pairing's slot never joins the market.
    assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.WITHDRAWN

    # Two candidates wait; Ben's rematch comes first, and Ada is not paired with him again.
    with time_machine.travel(later, tick=False):
        older = ask(UserFactory(tz=BERLIN), windows=BERLIN_EVENING, now=later - timedelta(days=1))
        ask(UserFactory(tz=BERLIN), windows=BERLIN_EVENING)
        report = matcher.run(now=later)
    assert report.booked == 1
    interviewer.refresh_from_db()
    assert interviewer.status == "matched"
    assert older in interviewer.booking.match_requests.all()


def test_when_staff_cancel_both_go_back(ben, ada):
    _, interviewer, candidate = pair(ben, ada)
    staff = UserFactory(is_staff=True)
    cancel_booking(booking=interviewer.booking, by=staff, reason="Duplicate accounts check.")
    statuses = set(MatchRequest.objects.values_list("status", "rematch_since"))
    assert statuses == {("waiting", NOW)}
    # They were booked together this month, so they meet again only because nobody else fits.
    assert matcher.run(now=NOW).booked == 1


def test_a_cancellation_after_the_last_window_expires_the_request(ben, ada):
    _, interviewer, _ = pair(ben, ada)
    # They moved the interview past their windows, then Ada cancels after the windows ended.
    proposal = propose_reschedule(
        booking=interviewer.booking, by=ben, starts_at=datetime(2026, 3, 9, 17, tzinfo=UTC)
    )
    booking = accept_reschedule(request=proposal, by=ada)
    after_windows = datetime(2026, 3, 6, 21, tzinfo=UTC)
    with time_machine.travel(after_windows, tick=False):
        cancel_booking(booking=booking, by=ada, reason="Sorry.")
    interviewer.refresh_from_db()
    assert (interviewer.status, interviewer.closed_at) == ("expired", after_windows)
    assert interviewer.rematch_since is None
