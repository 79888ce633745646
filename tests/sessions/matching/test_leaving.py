"""Practice now when a person leaves (anonymisation) or downloads their data."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import ProtectedError

from accounts.services import anonymise_user, export_personal_data
from sessions.matching import matcher, services
from sessions.matching.models import MatchBlock, MatchRequest
from sessions.models import Booking
from tests.factories import UserFactory
from tests.sessions.matching.matching_support import ask

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, 09:00 in Los Angeles, 18:00 in Berlin.
NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"
# Friday 6 March 2026, 17:00-20:00 UTC.
LA_MORNING = [(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 12))]
BERLIN_EVENING = [(datetime(2026, 3, 6, 18), datetime(2026, 3, 6, 21))]
# Monday 9 March, 18:00-20:00 in Berlin: 17:00-19:00 UTC; nobody else is free then.
BERLIN_MONDAY = [(datetime(2026, 3, 9, 18), datetime(2026, 3, 9, 20))]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def named(name: str, email: str, tz: str):
    person = UserFactory(email=email, tz=tz)
    person.profile.display_name = name
    person.profile.save(update_fields=["display_name"])
    return person


@pytest.fixture
def ben(db):
    return named("Ben", "ben@example.com", LA)


@pytest.fixture
def ada(db):
    return named("Ada", "ada@example.com", BERLIN)


def test_leaving_withdraws_waiting_requests_and_puts_the_partner_back_in_line(ben, ada):
    interviewer = ask(ben, role="interviewer", level="staff", windows=LA_MORNING)
    matched = ask(ada, windows=BERLIN_EVENING, now=NOW + timedelta(seconds=1))
    assert matcher.run(now=NOW).booked == 1
    waiting = ask(ada, windows=BERLIN_MONDAY, interview_type="behavioral")
    assert waiting.status == MatchRequest.Status.WAITING

    anonymise_user(user=ada, by=ada, now=NOW)

    waiting.refresh_from_db()
    matched.refresh_from_db()
    interviewer.refresh_from_db()
    assert (waiting.status, waiting.closed_at) == ("withdrawn", NOW)
    # Scheduling cancelled the upcoming interview; Ben waits again, first in line.
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CANCELLED
    assert (matched.status, matched.closed_at) == ("withdrawn", NOW)
    assert (interviewer.status, interviewer.rematch_since) == ("waiting", NOW)
    assert interviewer.cancelled_booking == booking
    # Nothing of Ada's is left in the pool for the next run.
    assert not MatchRequest.objects.filter(person=ada, status="waiting").exists()


def test_leaving_drops_blocks_made_by_or_naming_the_person_and_only_those(ben, ada):
    cy = named("Cy", "cy@example.com", LA)
    services.block(by=ada, other=ben)
    services.block(by=cy, other=ada)
    kept = services.block(by=ben, other=cy)

    anonymise_user(user=ada, by=ada, now=NOW)

    assert list(MatchBlock.objects.all()) == [kept]


def test_a_request_or_a_block_stops_a_raw_delete_of_the_person(ben, ada):
    ask(ada, windows=BERLIN_MONDAY)
    with pytest.raises(ProtectedError):
        ada.delete()
    services.block(by=ben, other=ada)
    MatchRequest.objects.filter(person=ada).delete()
    with pytest.raises(ProtectedError):
        ada.delete()
    assert MatchBlock.objects.count() == 1


def test_the_export_lists_own_requests_in_utc_and_blocks_by_name_only(ben, ada):
    interviewer = ask(ben, role="interviewer", level="staff", windows=LA_MORNING)
    matched = ask(ada, windows=BERLIN_EVENING, now=NOW + timedelta(seconds=1))
    matcher.run(now=NOW)
    waiting = ask(
        ada,
        windows=BERLIN_MONDAY,
        role="swap",
        minutes=45,
        either_role=True,
        now=NOW + timedelta(seconds=2),
    )
    services.block(by=ada, other=ben)
    services.block(by=named("Cy", "cy@example.com", LA), other=ada)  # not Ada's row
    booking = Booking.objects.get()

    raw = json.dumps(export_personal_data(user=ada, now=NOW), cls=DjangoJSONEncoder)
    data = json.loads(raw)

    section = data["practice_requests"]
    assert [r["id"] for r in section["requests"]] == [matched.pk, waiting.pk]
    first, second = section["requests"]
    assert first == {
        "id": matched.pk,
        "interview_type": "system_design",
        "role": "candidate",
        "either_role": False,
        "level": "senior",
        "target_level": "staff",
        "minutes": 60,
        "windows": [{"starts_at": "2026-03-06T17:00:00Z", "ends_at": "2026-03-06T20:00:00Z"}],
        "status": "matched",
        "asked_at": "2026-03-05T17:00:01Z",
        "expires_at": "2026-03-06T20:00:00Z",
        "matched_at": "2026-03-05T17:00:00Z",
        "closed_at": None,
        "booking_id": booking.pk,
        "partner_cancelled_booking_id": None,
    }
    assert (second["role"], second["either_role"], second["minutes"], second["status"]) == (
        "swap",
        True,
        45,
        "waiting",
    )
    assert second["windows"] == [
        {"starts_at": "2026-03-09T17:00:00Z", "ends_at": "2026-03-09T19:00:00Z"}
    ]
    assert second["booking_id"] is None
    assert section["blocks"] == [{"person": "Ben", "blocked_at": "2026-03-05T17:00:00Z"}]
    # Ben's request, Cy's block and everyone's addresses stay out.
    assert interviewer.pk not in [r["id"] for r in section["requests"]]
    assert "Cy" not in json.dumps(section)
    assert "ben@example.com" not in raw and "cy@example.com" not in raw
