"""Calendar files carry no personal email address unless its owner chose to share it:
the organizer is the service, attendees are display names. Download, feed and
email invite alike; the clock preference shapes the description's time."""

from datetime import UTC, datetime
from email.utils import parseaddr

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Profile
from sessions.scheduling import services
from sessions.scheduling.calendar import build_feed, build_ics
from tests.factories import UserFactory
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db

SERVICE_NAME, SERVICE_ADDRESS = parseaddr(settings.DEFAULT_FROM_EMAIL)


@pytest.fixture(autouse=True)
def pinned_clock():
    # The booking is three days ahead, inside the feed's window.
    with time_machine.travel(datetime(2030, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def ada(db):
    user = UserFactory(email="ada@personal.example", tz="Europe/Berlin")
    Profile.objects.filter(user=user).update(display_name="Ada")
    user.profile.refresh_from_db()
    return user


@pytest.fixture
def ben(db):
    user = UserFactory(email="ben@personal.example", tz="America/Los_Angeles")
    Profile.objects.filter(user=user).update(display_name="Ben")
    user.profile.refresh_from_db()
    return user


@pytest.fixture
def booking(ada, ben):
    start = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)  # 14:00 in Berlin, 05:00 in Los Angeles
    return services.book_slot(slot=make_slot(host=ada, starts_at=start), guest=ben)


def the_event(body: bytes):
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return event


def attendees(event) -> dict[str, str]:
    return {str(a.params["cn"]): str(a) for a in event["attendee"]}


def unfolded(body: bytes) -> bytes:
    # iCalendar folds lines at 75 octets ("ben@personal\r\n .example"): a search
    # for an address in the raw file would miss it.
    return body.replace(b"\r\n ", b"")


def download(client, user, booking) -> bytes:
    client.force_login(user)
    response = client.get(reverse("sessions:booking_ics", args=[booking.pk]))
    assert response.status_code == 200
    return unfolded(response.content)


def feed(client, user) -> bytes:
    token = Profile.objects.get(user=user).calendar_token
    response = client.get(reverse("sessions:calendar_feed", args=[token]))
    assert response.status_code == 200
    return unfolded(response.content)


def test_the_organizer_is_the_service_and_attendees_are_names_only(client, booking, ada, ben):
    for body in (download(client, ben, booking), feed(client, ada), feed(client, ben)):
        event = the_event(body)
        assert str(event["organizer"]) == f"mailto:{SERVICE_ADDRESS}"
        assert str(event["organizer"].params["cn"]) == SERVICE_NAME
        named = attendees(event)
        assert set(named) == {"Ada", "Ben"}
        assert all(value.startswith("urn:uuid:") for value in named.values())
        assert b"personal.example" not in body


def test_the_builder_takes_a_user_or_a_user_id(booking, ada):
    by_object, by_id = the_event(build_feed(ada)), the_event(build_feed(ada.pk))
    assert attendees(by_object) == attendees(by_id)
    assert str(by_object["description"]) == str(by_id["description"])


def test_an_attendee_stays_the_same_address_across_files_and_reveals_no_id(booking, ada, ben):
    first = attendees(the_event(build_ics(booking)))
    again = attendees(the_event(build_feed(ben)))
    assert first == again
    assert str(ada.pk) not in first["Ada"].removeprefix("urn:uuid:").split("-")


def test_a_person_who_shares_their_address_is_reachable_and_the_other_is_not(
    client, booking, ada, ben
):
    client.force_login(ben)
    data = {
        "profile-display_name": "Ben",
        "profile-timezone": "America/Los_Angeles",
        "profile-clock": "24h",
        "profile-current_level": "senior",
        "profile-target_level": "staff",
        "profile-share_email_with_peers": "on",
    }
    assert client.post(reverse("profile"), data).status_code == 302

    for body in (download(client, ben, booking), feed(client, ada)):
        named = attendees(the_event(body))
        assert named["Ben"] == "mailto:ben@personal.example"
        assert named["Ada"].startswith("urn:uuid:")
        assert b"ada@personal.example" not in body


def test_changing_the_choice_refreshes_both_cached_feeds(
    client, booking, ada, ben, django_capture_on_commit_callbacks
):
    # Each feed is cached per person; both are served once before the change.
    before_ada, before_ben = feed(client, ada), feed(client, ben)
    assert b"ben@personal.example" not in before_ada + before_ben

    with django_capture_on_commit_callbacks(execute=True):
        profile = Profile.objects.get(user=ben)
        profile.share_email_with_peers = True
        profile.save(update_fields=["share_email_with_peers"])
    assert b"ben@personal.example" in feed(client, ada)
    assert b"ben@personal.example" in feed(client, ben)

    with django_capture_on_commit_callbacks(execute=True):
        profile.share_email_with_peers = False
        profile.save(update_fields=["share_email_with_peers"])
    assert b"ben@personal.example" not in feed(client, ada)


def test_the_description_gives_the_time_in_the_readers_zone_and_clock(client, booking, ada, ben):
    Profile.objects.filter(user=ben).update(clock="12h")

    ben_copy = str(the_event(download(client, ben, booking))["description"])
    ada_copy = str(the_event(feed(client, ada))["description"])

    assert ben_copy.startswith("When: Mon 4 Mar, 5:00 AM–6:00 AM (America/Los_Angeles)")
    assert ada_copy.startswith("When: Mon 4 Mar, 14:00–15:00 (Europe/Berlin)")


def test_a_cancelled_feed_entry_keeps_names_only(client, booking, ada, ben):
    services.cancel_booking(booking=booking, by=ben, reason="Travelling.")
    body = feed(client, ada)
    assert str(the_event(body)["status"]) == "CANCELLED"
    assert b"personal.example" not in body
