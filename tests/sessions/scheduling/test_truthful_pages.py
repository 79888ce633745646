"""Pages tell the truth about the booking: yours, waiting, now, done, late, strongest."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.grading import services as grading
from sessions.models import Booking, Rubric
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db

# 23:30 UTC on a Sunday: late evening in Berlin's past, afternoon in Los Angeles.
NOW = datetime(2026, 1, 11, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def person(email, name, zone):
    user = UserFactory(email=email, tz=zone)
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


@pytest.fixture
def ada(db):
    return person("ada@example.com", "Ada", "America/Los_Angeles")


@pytest.fixture
def dev(db):
    return person("dev@example.com", "Dev", "Europe/Berlin")


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


class TestBookPage:
    def test_reloading_the_page_of_a_slot_you_booked_says_it_is_yours(self, client, ada, dev):
        slot = make_slot(host=ada, starts_at=NOW + timedelta(days=2))
        client.force_login(dev)
        client.post(reverse("sessions:book", args=[slot.pk]))
        booking = Booking.objects.get()
        body = page(client, "sessions:book", slot.pk)
        assert "You booked this one" in body
        assert reverse("sessions:booking", args=[booking.pk]) in body
        assert "just taken" not in body

    def test_a_second_click_goes_to_your_booking_without_booking_twice(self, client, ada, dev):
        slot = make_slot(host=ada, starts_at=NOW + timedelta(days=2))
        client.force_login(dev)
        client.post(reverse("sessions:book", args=[slot.pk]))
        response = client.post(reverse("sessions:book", args=[slot.pk]))
        booking = Booking.objects.get()
        assert response["Location"] == reverse("sessions:booking", args=[booking.pk])

    def test_someone_elses_booking_still_reads_as_taken(self, client, ada, dev):
        slot = make_slot(host=ada, starts_at=NOW + timedelta(days=2))
        services.book_slot(slot=slot, guest=UserFactory())
        client.force_login(dev)
        response = client.get(reverse("sessions:book", args=[slot.pk]), follow=True)
        assert "just taken by someone else" in response.content.decode()


class TestWaitingForYou:
    def test_a_proposal_awaiting_your_answer_is_waiting_for_you(self, client, ada, dev):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(days=3))
        services.propose_reschedule(
            booking=booking, by=ada, starts_at=NOW + timedelta(days=4), message="Clash at work"
        )
        client.force_login(dev)
        body = page(client, "sessions:dashboard")
        assert "Nothing waiting" not in body
        assert "Ada asks to move your system design session" in body
        assert reverse("sessions:booking", args=[booking.pk]) in body
        client.force_login(ada)  # the proposer waits for Dev, not for themselves
        assert "asks to move" not in page(client, "sessions:dashboard")


class TestNowBadge:
    @pytest.mark.parametrize(
        ("offset", "shown"),
        [
            (timedelta(hours=-1), False),  # starts in an hour
            (timedelta(0), True),  # starts now
            (timedelta(minutes=59), True),
            (timedelta(hours=1), False),  # just ended
            (timedelta(days=3), False),  # ended days ago
        ],
    )
    def test_now_shows_only_while_the_round_runs(self, client, ada, dev, clock, offset, shown):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW)
        clock.move_to(NOW + offset)
        client.force_login(dev)
        body = page(client, "sessions:room", booking.pk)
        assert ('<span class="badge badge-ok">now</span>' in body) is shown

    def test_in_a_swap_only_the_running_half_says_now(self, client, ada, dev, clock):
        booking = make_booking(host=ada, guest=dev, host_role="swap", starts_at=NOW)
        clock.move_to(NOW + timedelta(minutes=70))
        client.force_login(dev)
        body = page(client, "sessions:room", booking.pk)
        assert body.count('<span class="badge badge-ok">now</span>') == 1
        assert body.index('badge-ok">now') > body.index('id="round-2"')


class TestScorecardPrompt:
    def test_the_room_stops_asking_for_the_scorecard_once_it_is_submitted(self, client, ada, dev):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(hours=2))
        client.force_login(ada)
        assert "Write the scorecard while it's fresh" in page(client, "sessions:room", booking.pk)
        grading.submit_scorecard(round=booking.rounds.get(), grader=ada, data=complete_data())
        body = page(client, "sessions:room", booking.pk)
        assert "while it's fresh" not in body
        assert "Your scorecard is submitted" in body


class TestLateCancellationInWords:
    def test_the_peers_late_cancellation_is_said_in_words(self, client, ada, dev):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(hours=3))
        services.cancel_booking(booking=booking, by=ada, reason="Production incident")
        client.force_login(dev)
        body = page(client, "sessions:mine")
        assert "Ada cancelled 3 h before the start, a late cancellation" in body
        assert '<span class="badge badge-warn">late</span>' not in body
        assert "Ada cancelled 3 h before the start" in page(client, "sessions:booking", booking.pk)

    def test_your_own_early_cancellation_says_so_without_late(self, client, ada, dev):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(days=2, hours=4))
        services.cancel_booking(booking=booking, by=dev, reason="Got the offer")
        client.force_login(dev)
        body = page(client, "sessions:mine")
        assert "You cancelled 52 h before the start" not in body  # days beyond 48 h
        assert "You cancelled 2 days before the start." in body


class TestPastBookingPage:
    @pytest.fixture
    def past(self, ada, dev):
        return make_booking(host=ada, guest=dev, starts_at=NOW - timedelta(hours=3))

    def test_it_drops_the_call_and_the_calendar_file(self, client, past, dev):
        client.force_login(dev)
        body = page(client, "sessions:booking", past.pk)
        assert past.meeting_url not in body
        assert reverse("sessions:booking_ics", args=[past.pk]) not in body
        assert "This interview is over" in body

    def test_the_interviewer_is_linked_to_their_scorecard(self, client, past, ada):
        client.force_login(ada)
        round_ = past.rounds.get()
        body = page(client, "sessions:booking", past.pk)
        assert reverse("grading:scorecard", args=[round_.pk]) in body
        assert "Write your scorecard for Dev" in body
        grading.submit_scorecard(round=round_, grader=ada, data=complete_data())
        body = page(client, "sessions:booking", past.pk)
        assert reverse("grading:scorecard_view", args=[round_.pk]) in body
        assert "Your scorecard for Dev" in body

    def test_the_candidate_is_linked_to_the_feedback_once_revealed(self, client, past, ada, dev):
        round_ = past.rounds.get()
        client.force_login(dev)
        body = page(client, "sessions:booking", past.pk)
        assert "Ada has not submitted your scorecard yet" in body
        assert reverse("grading:rate", args=[round_.pk]) in body
        grading.submit_scorecard(round=round_, grader=ada, data=complete_data())
        body = page(client, "sessions:booking", past.pk)
        assert reverse("grading:scorecard_view", args=[round_.pk]) in body
        assert "Your feedback from Ada" in body

    def test_an_upcoming_booking_still_offers_the_call_and_calendar(self, client, ada, dev):
        upcoming = make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(days=1))
        client.force_login(dev)
        body = page(client, "sessions:booking", upcoming.pk)
        assert upcoming.meeting_url in body
        assert reverse("sessions:booking_ics", args=[upcoming.pk]) in body

    def test_strangers_get_404(self, client, past):
        client.force_login(UserFactory())
        assert client.get(reverse("sessions:booking", args=[past.pk])).status_code == 404


class TestStrongestDimension:
    def graded(self, candidate, grader, days_ago, value_of):
        booking = make_booking(
            host=grader, guest=candidate, starts_at=NOW - timedelta(days=days_ago, hours=2)
        )
        data = complete_data()
        rubric = Rubric.objects.get(interview_type="system_design", active=True)
        for d in rubric.dimensions.all():
            data["scores"][d.pk]["value"] = value_of(d.key)
        grading.submit_scorecard(round=booking.rounds.get(), grader=grader, data=data)

    def test_it_waits_for_three_sessions_and_says_so(self, client, ada, dev):
        def value_of(key):
            return 4 if key == "communication" else 2

        self.graded(dev, ada, 10, value_of)
        client.force_login(dev)
        response = client.get(reverse("sessions:dashboard"))
        assert response.context["strongest"] is None
        body = response.content.decode()
        assert "Named after 3 graded sessions of one interview type" in body
        assert "You have 1 so far." in body
        self.graded(dev, ada, 6, value_of)
        self.graded(dev, ada, 2, value_of)
        response = client.get(reverse("sessions:dashboard"))
        assert response.context["strongest"].key == "communication"
        assert "Named after 3 graded sessions" not in response.content.decode()
