"""The public board: open slots counted by interview type and level, nothing personal."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Profile
from sessions.models import Slot
from sessions.scheduling.board import BOARD_CACHE_KEY, practice_on_offer
from tests.factories import UserFactory
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
BOARD = reverse("sessions:board")


@pytest.fixture(autouse=True)
def fresh_board():
    cache.delete(BOARD_CACHE_KEY)
    with time_machine.travel(NOW, tick=False):
        yield
    cache.delete(BOARD_CACHE_KEY)


@pytest.fixture
def hosts(db):
    people = [UserFactory(email=f"host{i}@private.example") for i in range(2)]
    Profile.objects.filter(user__in=people).update(display_name="Zebediah Quill")
    return people


def row(rows, label):
    return next(r for r in rows if r.interview_type == label)


def test_it_counts_open_future_slots_by_type_and_level_over_four_weeks(hosts):
    a, b = hosts
    make_slot(host=a, starts_at=NOW + timedelta(days=1), level="senior")
    make_slot(host=b, starts_at=NOW + timedelta(days=2), level="senior")
    make_slot(host=a, starts_at=NOW + timedelta(days=10), level="staff")
    make_slot(host=a, starts_at=NOW + timedelta(days=3), interview_type="behavioral", level="mid")
    # Not on offer: booked, withdrawn, already started, beyond four weeks.
    make_slot(host=b, starts_at=NOW + timedelta(days=4), status=Slot.Status.BOOKED)
    make_slot(host=b, starts_at=NOW + timedelta(days=5), status=Slot.Status.WITHDRAWN)
    make_slot(host=b, starts_at=NOW - timedelta(minutes=10))
    make_slot(host=b, starts_at=NOW + timedelta(days=29))

    rows = practice_on_offer(now=NOW)

    design = row(rows, "System design")
    assert design.counts == (0, 2, 1, 0)  # mid, senior, staff, principal
    assert (design.this_week, design.total) == (2, 3)
    behavioral = row(rows, "Behavioral")
    assert (behavioral.counts, behavioral.this_week, behavioral.total) == ((1, 0, 0, 0), 1, 1)
    assert all(
        r.total == 0 for r in rows if r.interview_type not in ("System design", "Behavioral")
    )


def test_the_page_shows_counts_and_no_names_addresses_or_times(client, hosts):
    make_slot(host=hosts[0], starts_at=NOW + timedelta(days=1, hours=5))

    response = client.get(BOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 open slot" in html
    for personal in ("Zebediah", "Quill", "private.example", "host0", "13:00"):
        assert personal not in html
    assert f'href="{reverse("account_signup")}"' in html


def test_it_is_cached_so_a_new_slot_shows_after_the_cache_expires(client, hosts):
    assert "0 open slots" in client.get(BOARD).content.decode()
    make_slot(host=hosts[0], starts_at=NOW + timedelta(days=1))
    assert "0 open slots" in client.get(BOARD).content.decode()
    cache.delete(BOARD_CACHE_KEY)
    assert "1 open slot" in client.get(BOARD).content.decode()


def test_the_landing_page_links_to_it(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{BOARD}"' in html


def test_a_signed_in_visitor_is_offered_the_find_page(client, user):
    client.force_login(user)
    html = client.get(BOARD).content.decode()
    assert f'href="{reverse("sessions:find")}"' in html
    assert f'class="button button-primary" href="{reverse("account_signup")}"' not in html


def test_it_takes_get_only(client):
    assert client.post(BOARD).status_code == 405
