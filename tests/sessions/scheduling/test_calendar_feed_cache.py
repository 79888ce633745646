"""The subscribed feed: built once per change, 304 on a repeat poll, bounded in time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = pytest.mark.django_db
host, guest = support.host, support.guest


def events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def feed_url(user) -> str:
    return reverse("sessions:calendar_feed", args=[user.profile.calendar_token])


def test_a_repeat_poll_gets_304_and_a_booking_change_a_new_feed(
    client, host, guest, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
    first = client.get(feed_url(host))
    assert first.status_code == 200
    assert len(events(first.content)) == 1
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    etag, modified = first["ETag"], first["Last-Modified"]

    # The repeat poll: the feed's owner and the feed from the cache; nothing to send back.
    with django_assert_num_queries(0):
        again = client.get(feed_url(host), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(feed_url(host), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    # A cancellation changes the feed of both people at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking=booking, by=guest, reason="Travelling after all.")
    changed = client.get(feed_url(host), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    [event] = events(changed.content)
    assert str(event["status"]) == "CANCELLED"
    assert str(events(client.get(feed_url(guest)).content)[0]["status"]) == "CANCELLED"


def test_a_new_booking_appears_on_the_next_poll(
    client, host, guest, django_capture_on_commit_callbacks
):
    first = client.get(feed_url(guest))
    assert events(first.content) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.book_slot(slot=make_slot(host=host, starts_at=soon(30)), guest=guest)
    second = client.get(feed_url(guest), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert len(events(second.content)) == 1


def test_the_feed_holds_the_recent_past_and_the_coming_year_only(client):
    person = UserFactory()
    now = soon(0)
    kept = [
        make_booking(guest=person, starts_at=now - timedelta(days=59)),
        make_booking(guest=person, starts_at=now + timedelta(days=300)),
    ]
    make_booking(guest=person, starts_at=now - timedelta(days=62))
    make_booking(guest=person, starts_at=now + timedelta(days=400))
    uids = {str(e["uid"]) for e in events(client.get(feed_url(person)).content)}
    assert uids == {f"{b.calendar_uid}@interviewprep" for b in kept}


def test_a_change_committed_while_the_feed_builds_is_not_hidden(host, guest, monkeypatch):
    from sessions.scheduling import calendar

    make_booking(host=host, guest=guest)
    real_build = calendar.build_feed
    builds = []

    def build(user_id):
        builds.append(user_id)
        body = real_build(user_id)
        if len(builds) == 1:
            # Another request's change commits while this first build runs.
            calendar.cache.set(calendar._version_key(user_id), "changed-meanwhile", timeout=None)
        return body

    monkeypatch.setattr(calendar, "build_feed", build)
    for _ in range(3):
        calendar.cached_feed(host.pk)
    # The first build is not kept as current; the second is, and serves the third call.
    assert builds == [host.pk, host.pk]


def test_a_rotated_address_or_a_deactivated_account_stops_the_cached_feed_at_once(client, host):
    make_booking(host=host, guest=UserFactory())
    old = feed_url(host)
    assert client.get(old).status_code == 200
    assert client.get(old).status_code == 200  # owner and feed now come from the cache
    client.force_login(host)
    client.post(reverse("rotate_calendar_token"))
    client.logout()
    host.profile.refresh_from_db()
    assert client.get(old).status_code == 404
    new = feed_url(host)
    assert client.get(new).status_code == 200
    host.is_active = False
    host.save()
    assert client.get(new).status_code == 404


def test_a_login_keeps_the_known_owners(client, host, django_assert_num_queries):
    make_booking(host=host, guest=UserFactory())
    client.get(feed_url(host))
    host.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        assert client.get(feed_url(host)).status_code == 200
