"""The .ics of a booking and the private feed, parsed back with icalendar."""

from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from sessions.scheduling import services
from sessions.scheduling.calendar import build_feed, build_ics
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
host, guest = support.host, support.guest


def parse(body: bytes):
    cal = Calendar.from_ical(body)
    return cal, list(cal.walk("VEVENT"))


@pytest.fixture
def booking(host, guest):
    return services.book_slot(slot=make_slot(host=host, host_role="swap"), guest=guest)


class TestBookingIcs:
    def test_it_is_a_request_with_everything_a_calendar_needs(self, booking):
        cal, [event] = parse(build_ics(booking))
        assert str(cal["method"]) == "REQUEST"
        assert str(event["uid"]) == f"{booking.calendar_uid}@interviewprep"
        assert int(event["sequence"]) == 0
        assert str(event["status"]) == "CONFIRMED"
        assert event.decoded("dtstart") == booking.starts_at
        assert event["dtstart"].to_ical().endswith(b"Z")
        assert event["dtend"].to_ical().endswith(b"Z")
        assert event.decoded("dtend") == booking.ends_at
        assert str(event["organizer"]) == f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}"
        assert [a.params["cn"] for a in event["attendee"]] == ["host", "guest"]
        assert b"@example.com" not in build_ics(booking).replace(b"\r\n ", b"")  # unfolded
        assert str(event["url"]) == booking.meeting_url
        assert str(event["location"]) == booking.meeting_url
        description = str(event["description"])
        assert "First half: host interviews guest. Second half: guest interviews host." in (
            description
        )
        assert booking.meeting_url in description

    def test_a_cancellation_is_a_cancel_with_a_higher_sequence_and_the_same_uid(
        self, booking, guest
    ):
        uid = booking.calendar_uid
        services.cancel_booking(booking=booking, by=guest, reason="Offer signed")
        booking.refresh_from_db()
        cal, [event] = parse(build_ics(booking))
        assert str(cal["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == f"{uid}@interviewprep"
        assert int(event["sequence"]) == 1

    def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(self, booking, host, guest):
        _, [before] = parse(build_ics(booking))
        new_start = booking.starts_at + timedelta(days=2)
        proposal = services.propose_reschedule(booking=booking, by=host, starts_at=new_start)
        services.accept_reschedule(request=proposal, by=guest)
        booking.refresh_from_db()
        _, [after] = parse(build_ics(booking))
        assert str(after["uid"]) == str(before["uid"])
        assert int(after["sequence"]) == int(before["sequence"]) + 1
        assert after.decoded("dtstart") == new_start

    def test_the_view_serves_it_to_participants(self, client, booking, guest):
        client.force_login(guest)
        response = client.get(reverse("sessions:booking_ics", args=[booking.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        _, [event] = parse(response.content)
        assert str(event["uid"]) == f"{booking.calendar_uid}@interviewprep"

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_the_view_hides_it_from_everyone_else(self, client, booking, persona, request):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(reverse("sessions:booking_ics", args=[booking.pk])).status_code == 404

    def test_the_view_refuses_post(self, client, booking, guest):
        client.force_login(guest)
        assert client.post(reverse("sessions:booking_ics", args=[booking.pk])).status_code == 405

    def test_the_view_needs_a_login(self, client, booking):
        response = client.get(reverse("sessions:booking_ics", args=[booking.pk]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


class TestFeed:
    def test_it_lists_the_persons_bookings_on_both_sides(self, host, guest):
        hosted = services.book_slot(slot=make_slot(host=host), guest=guest)
        as_guest = make_booking(host=UserFactory(), guest=host, starts_at=soon(96))
        cancelled = services.book_slot(slot=make_slot(host=host, starts_at=soon(120)), guest=guest)
        services.cancel_booking(booking=cancelled, by=guest, reason="x")
        make_booking(starts_at=soon(24))  # someone else's
        cal, events = parse(build_feed(host))
        assert "method" not in cal
        uids = {str(e["uid"]): e for e in events}
        assert set(uids) == {
            f"{b.calendar_uid}@interviewprep" for b in (hosted, as_guest, cancelled)
        }
        assert str(uids[f"{cancelled.calendar_uid}@interviewprep"]["status"]) == "CANCELLED"

    def test_the_feed_url_works_without_a_login(self, client, host, guest):
        services.book_slot(slot=make_slot(host=host), guest=guest)
        response = client.get(reverse("sessions:calendar_feed", args=[host.profile.calendar_token]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        _, events = parse(response.content)
        assert len(events) == 1

    def test_a_replaced_token_stops_working(self, client, host):
        old = host.profile.calendar_token
        client.force_login(host)
        client.post(reverse("rotate_calendar_token"))
        host.profile.refresh_from_db()
        assert client.get(reverse("sessions:calendar_feed", args=[old])).status_code == 404
        new = reverse("sessions:calendar_feed", args=[host.profile.calendar_token])
        assert client.get(new).status_code == 200

    def test_an_unknown_token_is_404(self, client):
        assert client.get(reverse("sessions:calendar_feed", args=["nope"])).status_code == 404
