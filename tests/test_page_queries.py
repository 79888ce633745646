"""Each key page runs the same number of queries for a short history and a long one.

A person with 5 and a person with 50 of everything (past graded sessions,
upcoming and cancelled bookings, open slots of others to find): every page
must cost the same queries for both, and the counts are pinned so a change
that adds one shows up here. With the page cache off (as in the other tests)
a signed-in request spends one of them on the user and profile (sessions are
read from the cache); with it on, none, and a cached page runs none at all.
"""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments.models import PLAYBOOK_SLUG, Product
from sessions.scheduling.availability_models import (
    AvailabilitySchedule,
    DateOverride,
    WeeklyHours,
)
from sessions.scheduling.models import Booking, BookingParticipant, Slot
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import bulk_graded_sessions

pytestmark = pytest.mark.django_db

# Queries per page, including the one that loads the signed-in user and profile.
EXPECTED = {
    "find": 3,
    "find_filtered": 4,  # and the last open slot's start, for the time-of-day ranges
    "mine": 7,
    "dashboard": 15,
    "booking": 7,
    "room": 4,
    "feedback": 8,
    "playbook": 3,
    "calendar_feed": 1,  # the signed-in client's user: the feed's owner and the feed are cached
    "availability": 6,  # the schedule, its hours, its overrides, the bank questions, its next times
    "publish": 3,  # the bank questions, and whether a weekly schedule exists
    "withdrawn_slots": 2,
    "board": 1,  # the signed-in user; the counts come from the cache
}


def history(count: int):
    """A person with `count` of everything, and a booking and graded round of theirs."""
    person, partner = UserFactory(tz="Europe/Berlin"), UserFactory()
    cards = bulk_graded_sessions(
        candidate=person, grader=partner, count=count, start_days_ago=count + 10
    )
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=2)
    upcoming = [
        make_booking(host=UserFactory(), guest=person, starts_at=start + timedelta(hours=3 * i))
        for i in range(count)
    ]
    for i in range(count):
        cancelled = make_booking(
            host=partner, guest=person, starts_at=start + timedelta(hours=3 * i, minutes=90)
        )
        Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
        BookingParticipant.objects.filter(booking=cancelled).update(live=False)
    host = UserFactory()
    Slot.objects.bulk_create(
        Slot(
            host=host,
            starts_at=start + timedelta(days=20, hours=2 * i),
            ends_at=start + timedelta(days=20, hours=2 * i, minutes=60),
            interview_type="system_design",
            host_role="interviewer",
            level="senior",
        )
        for i in range(count)
    )
    # Their weekly availability: `count` intervals and `count` open and withdrawn times.
    schedule = AvailabilitySchedule.objects.create(
        host=person, interview_type="coding", host_role="interviewer", minutes=30, note="n"
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(schedule=schedule, weekday=i % 7, starts=time(i // 7, 0), ends=time(i // 7, 30))
        for i in range(count)
    )
    DateOverride.objects.bulk_create(
        DateOverride(schedule=schedule, day=start.date() + timedelta(days=i)) for i in range(count)
    )
    Slot.objects.bulk_create(
        Slot(
            host=person,
            schedule=schedule if status == "open" else None,
            starts_at=start + timedelta(days=30, hours=2 * i),
            ends_at=start + timedelta(days=30, hours=2 * i, minutes=30),
            interview_type="coding",
            host_role="interviewer",
            note="payments at scale",
            status=status,
        )
        for i in range(count)
        for status in ("open", "withdrawn")
    )
    return person, upcoming[0], cards[-1].round_id


def pages(booking_id: int, round_id: int, token: str) -> dict[str, str]:
    return {
        "find": reverse("sessions:find"),
        "find_filtered": reverse("sessions:find")
        + "?interview_type=system_design&level=senior&times_of_day=morning&times_of_day=evening",
        "mine": reverse("sessions:mine"),
        "dashboard": reverse("sessions:dashboard"),
        "booking": reverse("sessions:booking", args=[booking_id]),
        "room": reverse("sessions:room", args=[booking_id]),
        "feedback": reverse("grading:scorecard_view", args=[round_id]),
        "playbook": reverse("payments:playbook"),
        "calendar_feed": reverse("sessions:calendar_feed", args=[token]),
        "availability": reverse("sessions:availability"),
        "publish": reverse("sessions:publish"),
        "withdrawn_slots": reverse("sessions:withdrawn_slots"),
        "board": reverse("sessions:board"),
    }


def counts(person, booking, round_id) -> dict[str, int]:
    client = Client()
    client.force_login(person)
    client.get(reverse("sessions:mine"))  # sets the CSRF cookie that cached pages are keyed on
    found = {}
    for name, url in pages(booking.pk, round_id, person.profile.calendar_token).items():
        client.get(url)  # the session is in the cache, as after any first request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = len(queries)
    return found


def test_every_page_costs_the_same_queries_for_5_and_50_of_everything():
    if not Product.objects.filter(active=True).exists():
        Product.objects.create(slug=PLAYBOOK_SLUG, title="Playbook", price_cents=3700)
    short = counts(*history(5))
    long = counts(*history(50))
    print(f"\nqueries per page, 5 of everything: {short}\n50 of everything: {long}")  # noqa: T201
    assert short == long
    assert short == EXPECTED


# Served again from the page cache (accounts.pagecache.cached_page) while nothing they show changed.
CACHED_PAGES = {
    "find",
    "find_filtered",
    "mine",
    "dashboard",
    "booking",
    "room",
    "feedback",
    "playbook",
}


def test_with_the_cache_on_a_repeat_runs_no_query_before_the_view_and_none_in_a_cached_page(
    settings,
):
    settings.PAGE_CACHE_SECONDS = 60
    if not Product.objects.filter(active=True).exists():
        Product.objects.create(slug=PLAYBOOK_SLUG, title="Playbook", price_cents=3700)
    short = counts(*history(5))
    long = counts(*history(50))
    assert short == long
    # The signed-in person comes from the cache (accounts.pagecache.signed_in_person).
    assert short == {
        name: 0 if name in CACHED_PAGES else count - 1 for name, count in EXPECTED.items()
    }


def test_the_public_board_costs_one_query_cold_and_none_cached_for_any_number_of_slots():
    from django.core.cache import cache

    from sessions.scheduling.board import BOARD_CACHE_KEY

    def cold_and_warm() -> tuple[int, int]:
        cache.delete(BOARD_CACHE_KEY)
        client = Client()
        found = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("sessions:board")).status_code == 200
            found.append(len(queries))
        return tuple(found)

    host = UserFactory()
    start = timezone.now() + timedelta(days=1)

    def add_slots(count: int) -> None:
        Slot.objects.bulk_create(
            Slot(
                host=host,
                starts_at=start + timedelta(hours=2 * i),
                ends_at=start + timedelta(hours=2 * i, minutes=60),
                interview_type=("system_design", "behavioral", "coding")[i % 3],
                host_role="interviewer",
                level=("senior", "staff")[i % 2],
            )
            for i in range(count)
        )

    add_slots(5)
    short = cold_and_warm()
    add_slots(45)
    long = cold_and_warm()
    assert short == long == (1, 0)
