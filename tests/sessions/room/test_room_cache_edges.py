"""The cached room page at its edges: two viewers in different zones and clocks,
exact round boundaries, a moved booking, text that looks like the stand-ins, and
who may read it."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sessions.room.views import NONCE_STAND_IN, NOW_STAND_IN
from sessions.scheduling.services import (
    accept_reschedule,
    propose_reschedule,
    save_round_notes,
)
from tests.factories import UserFactory, make_booking
from tests.sessions.room.test_room_cache import (
    header_nonce,
    json_script,
    room,
    served_from_cache,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock, pytest.mark.page_cache]

# 15:00 UTC on a winter day: 07:00 in Los Angeles, 16:00 in Berlin.
START = timezone.now().replace(month=1, day=20, hour=15, minute=0, second=0, microsecond=0)
START = START.replace(year=timezone.now().year + 1)


def person(zone: str, clock: str):
    user = UserFactory(tz=zone)
    user.profile.clock = clock
    user.profile.save(update_fields=["clock"])
    return user


def test_two_viewers_in_other_zones_and_clocks_each_read_their_own_times():
    ben = person("America/Los_Angeles", "12h")
    ada = person("Europe/Berlin", "24h")
    booking = make_booking(host=ben, guest=ada, starts_at=START)
    with time_machine.travel(START - timedelta(hours=3), tick=False):
        ben_client, ada_client = signed_in(ben), signed_in(ada)
        for _ in range(2):
            ben_page, ada_page = ben_client.get(room(booking)), ada_client.get(room(booking))
    assert served_from_cache(ben_page) and served_from_cache(ada_page)
    assert "Starts 7:00 AM" in ben_page.content.decode()
    assert "Starts 16:00" in ada_page.content.decode()
    # Ben switches to the 24-hour clock: his next page follows at once.
    ben.profile.clock = "24h"
    ben.profile.save(update_fields=["clock"])
    with time_machine.travel(START - timedelta(hours=3), tick=False):
        assert "Starts 07:00" in ben_client.get(room(booking)).content.decode()


def test_every_response_keeps_no_store_and_a_nonce_matching_its_header():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.guest)
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        responses = [client.get(room(booking)) for _ in range(3)]
    assert [served_from_cache(r) for r in responses] == [False, True, True]
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert json_script(response, "room-live")["styleNonce"] == header_nonce(response)


def test_the_entry_ends_at_the_exact_instant_of_a_swaps_second_round():
    # 2 x 25 minutes and 30 seconds: the second round starts at an odd second.
    booking = make_booking(starts_at=START, host_role="swap", minutes=25)
    booking.ends_at += timedelta(seconds=61)
    booking.save(update_fields=["ends_at"])
    second_start = START + (booking.ends_at - START) / 2
    client = signed_in(booking.guest)
    with time_machine.travel(second_start - timedelta(seconds=30), tick=False) as clock:
        client.get(room(booking))
        clock.move_to(second_start - timedelta(microseconds=1))
        just_before = client.get(room(booking))
        clock.move_to(second_start)
        at = client.get(room(booking))
    assert served_from_cache(just_before)
    assert json_script(just_before, "room-data")["current"] == 1
    assert not served_from_cache(at)
    assert json_script(at, "room-data")["current"] == 2


def test_a_moved_booking_shows_its_new_time_and_ends_its_entry_by_the_new_rounds():
    ada = person("Europe/Berlin", "24h")
    booking = make_booking(guest=ada, starts_at=START)
    client = signed_in(ada)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        client.get(room(booking))
        assert served_from_cache(client.get(room(booking)))
        request = propose_reschedule(
            booking=booking, by=booking.host, starts_at=START - timedelta(hours=20)
        )
        accept_reschedule(request=request, by=ada)
        moved = client.get(room(booking))
    assert not served_from_cache(moved)
    assert f"Starts {timezone.localtime(START - timedelta(hours=20), ada.profile.zone):%H:%M}" in (
        moved.content.decode()
    )
    # The new start is 4 hours on: the stored entry does not outlive it.
    with time_machine.travel(START - timedelta(hours=20), tick=False):
        assert "In progress" in client.get(room(booking)).content.decode()


NOTE = f'nonce-x now-y {NONCE_STAND_IN[:8]} </textarea><script>alert("n")</script> & done'


def test_notes_that_look_like_stand_ins_or_markup_come_back_as_written():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    save_round_notes(round=round_, by=booking.host, notes=NOTE)
    client = signed_in(booking.host)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        first, second = client.get(room(booking)), client.get(room(booking))
    assert served_from_cache(second)
    for response in (first, second):
        body = response.content.decode()
        assert f">{html.escape(NOTE)}</textarea>" in body
        assert '<script>alert("n")' not in body
        assert NONCE_STAND_IN not in body and NOW_STAND_IN not in body


def test_the_other_persons_new_name_waits_for_the_entrys_60_seconds():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.guest)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        client.get(room(booking))
        booking.host.profile.display_name = "Renamed Host"
        booking.host.profile.save(update_fields=["display_name"])
        # By design the guest's copy keeps the old name until it expires ...
        assert "Renamed Host" not in client.get(room(booking)).content.decode()
    # ... which is 60 seconds at the most (the next boundary is a day away).
    redis = cache._cache.get_client()
    (key,) = redis.keys("*pagecache:page:*")
    assert 0 < redis.ttl(key) <= 60


def test_strangers_and_the_logged_out_never_read_a_cached_room():
    booking = make_booking(starts_at=START)
    host = signed_in(booking.host)
    host.get(room(booking))
    assert served_from_cache(host.get(room(booking)))
    assert signed_in(UserFactory()).get(room(booking)).status_code == 404
    staff = UserFactory(is_staff=True)
    assert signed_in(staff).get(room(booking)).status_code == 404
    host.logout()
    response = host.get(room(booking))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
