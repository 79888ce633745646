"""Dates stay inside the booking window, text without NUL or excess, tokens in their format:
bad input gets a clear error and changes nothing, never a 500."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.scheduling.models import ROUND_NOTES_MAX_LENGTH, Slot
from tests.factories import UserFactory, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(email="person@example.com")


@pytest.mark.parametrize(
    "query",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "0001-01-02"},
    ],
)
def test_find_refuses_dates_outside_the_booking_window(client, person, query):
    client.force_login(person)
    response = client.get("/interviews/find/", query)
    assert response.status_code == 200
    assert "interviews are arranged up to 8 weeks ahead" in response.content.decode()


def test_find_still_filters_inside_the_window(client, person):
    client.force_login(person)
    today = timezone.now().date()
    response = client.get(
        "/interviews/find/",
        {"date_from": today.isoformat(), "date_to": (today + timedelta(days=20)).isoformat()},
    )
    assert response.status_code == 200
    assert "8 weeks ahead" not in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_publishing_a_weekly_set_outside_the_window_is_refused(client, person, day):
    client.force_login(person)
    response = client.post(
        "/interviews/publish/",
        {
            "day": day,
            "start_time": "10:00",
            "interview_type": "system_design",
            "host_role": "interviewer",
            "level": "senior",
            "weekdays": ["0", "3"],
            "weeks": "8",
        },
    )
    assert response.status_code == 200
    assert "interviews are arranged up to 8 weeks ahead" in response.content.decode()
    assert not Slot.objects.exists()


def test_the_publish_service_refuses_a_far_day_itself(person):
    from datetime import date, time

    from django.core.exceptions import ValidationError

    from sessions.scheduling import services

    with pytest.raises(ValidationError, match="8 weeks ahead"):
        services.publish_slots(
            host=person,
            first_day=date(9999, 12, 31),
            start_time=time(10),
            interview_type="behavioral",
            host_role="interviewer",
            level="senior",
            weekdays=[0, 3],
            weeks=8,
        )


@pytest.fixture
def round_(person):
    booking = make_booking(host=person)
    round_ = booking.rounds.get()
    round_.notes = "before"
    round_.save(update_fields=["notes"])
    return round_


def _notes_url(round_) -> str:
    return f"/interviews/rounds/{round_.pk}/notes/"


@pytest.mark.parametrize("notes", ["clarified \x00 first", "n" * (ROUND_NOTES_MAX_LENGTH + 1)])
def test_room_notes_json_refuses_nul_and_over_long_text(client, round_, notes):
    client.force_login(round_.interviewer)
    response = client.post(
        _notes_url(round_), json.dumps({"notes": notes}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    round_.refresh_from_db()
    assert round_.notes == "before"


def test_room_notes_form_refuses_a_nul_byte_with_a_message(client, round_):
    client.force_login(round_.interviewer)
    response = client.post(_notes_url(round_), {"notes": "a\x00b"}, follow=True)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    round_.refresh_from_db()
    assert round_.notes == "before"


def test_room_notes_at_the_limit_are_kept_whole(client, round_):
    client.force_login(round_.interviewer)
    notes = "n" * ROUND_NOTES_MAX_LENGTH
    response = client.post(
        _notes_url(round_), json.dumps({"notes": notes}), content_type="application/json"
    )
    assert response.status_code == 200
    round_.refresh_from_db()
    assert round_.notes == notes


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/%00.ics",
        "/calendar/abc%00def.ics",
        "/calendar/" + "a" * 65 + ".ics",
        "/calendar/a%20b.ics",
        "/emails/unsubscribe/%00/",
        "/emails/unsubscribe/abc%00defghijkl/",
        "/emails/unsubscribe/" + "a" * 301 + "/",
        "/emails/unsubscribe/a%20b/",
    ],
)
def test_malformed_tokens_are_404_before_any_lookup(client, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 404
