"""Forms that keep what was typed, show times in both zones, and ask before acting."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Booking, RescheduleRequest
from sessions.scheduling import services
from sessions.timeutils import format_duration, format_range
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db

# A January Monday, 10:00 UTC: Berlin is UTC+1, Los Angeles UTC-8.
NOW = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
BERLIN, LOS_ANGELES = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")


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


@pytest.fixture
def booking(ada, dev):
    return make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(days=3))


class TestTimeRanges:
    def test_a_range_past_midnight_is_marked_next_day(self):
        start = datetime(2026, 1, 15, 22, 0, tzinfo=UTC)  # 23:00 in Berlin
        assert format_range(start, start + timedelta(hours=1), BERLIN) == (
            "Thu 15 Jan, 23:00–00:00 (+1 day)"
        )
        assert format_range(start, start + timedelta(hours=1), LOS_ANGELES) == (
            "Thu 15 Jan, 14:00–15:00"
        )

    def test_durations_read_like_people_say_them(self):
        assert format_duration(timedelta(minutes=40)) == "40 min"
        assert format_duration(timedelta(hours=3, seconds=59)) == "3 h"
        assert format_duration(timedelta(hours=3, minutes=20)) == "3 h 20 min"
        assert format_duration(timedelta(days=3, hours=1)) == "3 days"


class TestReschedule:
    def url(self, booking):
        return reverse("sessions:reschedule", args=[booking.pk])

    def test_an_error_shows_beside_the_field_and_keeps_what_was_typed(self, client, booking, dev):
        client.force_login(dev)
        yesterday = (NOW - timedelta(days=1)).astimezone(BERLIN)
        response = client.post(
            self.url(booking),
            {
                "day": yesterday.date().isoformat(),
                "start_time": "18:30",
                "message": "Can we do the evening instead?",
            },
        )
        assert response.status_code == 400
        form = response.context["reschedule_form"]
        assert "is in the past" in str(form.errors["start_time"])
        body = response.content.decode()
        assert 'id="id_start_time_error"' in body
        assert 'value="18:30"' in body
        assert f'value="{yesterday.date().isoformat()}"' in body
        assert "Can we do the evening instead?" in body
        assert not RescheduleRequest.objects.exists()

    def test_a_missing_time_is_marked_on_its_field(self, client, booking, dev):
        client.force_login(dev)
        response = client.post(
            self.url(booking), {"day": "2026-01-20", "start_time": "", "message": "Later?"}
        )
        assert response.status_code == 400
        assert "start_time" in response.context["reschedule_form"].errors
        assert "Later?" in response.content.decode()

    def test_a_proposal_shows_the_peers_local_time_and_the_next_day(
        self, client, booking, ada, dev
    ):
        client.force_login(dev)
        client.post(self.url(booking), {"day": "2026-01-15", "start_time": "23:00", "message": ""})
        proposal = RescheduleRequest.objects.get()
        assert proposal.starts_at == datetime(2026, 1, 15, 22, 0, tzinfo=UTC)
        body = client.get(reverse("sessions:booking", args=[booking.pk])).content.decode()
        assert "Thu 15 Jan, 23:00–00:00 (+1 day)</time></strong> your time" in body
        assert "Thu 15 Jan, 14:00–15:00 for Ada" in body
        client.force_login(ada)
        body = client.get(reverse("sessions:mine")).content.decode()
        assert "Thu 15 Jan, 14:00–15:00</time></strong> your time" in body
        assert "Thu 15 Jan, 23:00–00:00 (+1 day) for Dev" in body


class TestCancelConfirmation:
    def url(self, booking):
        return reverse("sessions:cancel", args=[booking.pk])

    @pytest.mark.parametrize(
        ("starts_in", "late"),
        [(timedelta(hours=23, minutes=59), True), (timedelta(hours=24, minutes=1), False)],
    )
    def test_the_page_says_whether_it_will_count_as_late_by_the_same_rule(
        self, client, ada, dev, starts_in, late
    ):
        booking = make_booking(host=ada, guest=dev, starts_at=NOW + starts_in)
        client.force_login(dev)
        body = client.get(self.url(booking)).content.decode()
        assert ('id="cancel-late"' in body) is late
        assert ('id="cancel-not-late"' in body) is not late
        client.post(self.url(booking), {"reason": "Offer signed", "confirm": "yes"})
        booking.refresh_from_db()
        dev.profile.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert booking.late_cancellation is late
        assert dev.profile.late_cancellations == int(late)

    def test_the_booking_page_links_to_the_confirmation_instead_of_cancelling(
        self, client, booking, dev
    ):
        client.force_login(dev)
        body = client.get(reverse("sessions:booking", args=[booking.pk])).content.decode()
        assert f'href="{self.url(booking)}"' in body
        assert f'action="{self.url(booking)}"' not in body

    def test_a_started_booking_cannot_reach_the_page(self, client, booking, dev, clock):
        clock.move_to(booking.starts_at + timedelta(minutes=1))
        client.force_login(dev)
        response = client.get(self.url(booking), follow=True)
        assert "already started" in response.content.decode()


class TestFindKeepsFilters:
    def test_a_date_range_error_keeps_the_other_filters(self, client, ada, dev):
        coding = make_slot(host=ada, starts_at=NOW + timedelta(days=2), interview_type="coding")
        make_slot(host=ada, starts_at=NOW + timedelta(days=3), interview_type="behavioral")
        client.force_login(dev)
        response = client.get(
            reverse("sessions:find"),
            {"interview_type": "coding", "date_from": "2026-01-20", "date_to": "2026-01-13"},
        )
        assert response.status_code == 200
        assert "The end date is before the start date." in response.content.decode()
        assert [s.pk for s in response.context["page"].object_list] == [coding.pk]
        assert 'value="coding" selected' in response.content.decode()


def test_cancellation_would_be_late_is_the_rule_cancel_applies(ada, dev):
    booking = make_booking(host=ada, guest=dev, starts_at=NOW + timedelta(hours=5))
    assert services.cancellation_would_be_late(booking=booking, by=dev)
    staff = UserFactory(is_staff=True)
    assert not services.cancellation_would_be_late(booking=booking, by=staff)
