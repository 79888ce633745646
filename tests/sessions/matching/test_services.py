"""Asking for a partner, withdrawing, expiry and blocks, through the services."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sessions.matching import matcher, services
from sessions.matching.models import MatchBlock, MatchRequest, MatchWindow
from tests.factories import UserFactory
from tests.sessions.matching.matching_support import ask

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, 09:00 in Los Angeles; the US clocks jump on Sunday the 8th.
NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ben(db):
    return UserFactory(email="ben@example.com", tz=LA)


def test_windows_entered_in_the_persons_zone_are_stored_in_utc_and_joined(ben):
    request = ask(
        ben,
        windows=[
            (datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11)),
            (datetime(2026, 3, 6, 11), datetime(2026, 3, 6, 12)),  # touches the first
            (datetime(2026, 3, 9, 18), datetime(2026, 3, 9, 20)),  # after the DST change
        ],
    )
    windows = list(request.windows.values_list("starts_at", "ends_at"))
    assert windows == [
        (datetime(2026, 3, 6, 17, tzinfo=UTC), datetime(2026, 3, 6, 20, tzinfo=UTC)),
        # Daylight time: 18:00 in Los Angeles is 01:00 UTC the next day, not 02:00.
        (datetime(2026, 3, 10, 1, tzinfo=UTC), datetime(2026, 3, 10, 3, tzinfo=UTC)),
    ]
    assert request.status == MatchRequest.Status.WAITING
    assert request.expires_at == datetime(2026, 3, 10, 3, tzinfo=UTC)
    assert (request.role, request.minutes, request.created_at) == ("candidate", 60, NOW)


def test_a_time_the_clocks_skip_is_refused_like_publishing(ben):
    with pytest.raises(ValidationError) as caught:
        ask(ben, windows=[(datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 5))])
    assert (
        "02:30 on Sun 8 Mar 2026 does not exist in America/Los_Angeles" in caught.value.messages[0]
    )
    assert not MatchRequest.objects.exists()


def test_a_time_that_happens_twice_is_refused_like_publishing(ben):
    fall_back_week = datetime(2026, 10, 28, 17, tzinfo=UTC)
    with time_machine.travel(fall_back_week, tick=False), pytest.raises(ValidationError) as caught:
        ask(ben, windows=[(datetime(2026, 11, 1, 0), datetime(2026, 11, 1, 1, 30))])
    assert (
        "01:30 on Sun 1 Nov 2026 happens twice in America/Los_Angeles" in caught.value.messages[0]
    )
    assert not MatchRequest.objects.exists()


def test_every_problem_is_listed_and_nothing_is_saved(ben):
    with pytest.raises(ValidationError) as caught:
        ask(
            ben,
            windows=[
                (datetime(2026, 3, 5, 9, 30), datetime(2026, 3, 5, 11)),  # too soon
                (datetime(2026, 3, 18, 20), datetime(2026, 3, 19, 23)),  # past 14 days
                (datetime(2026, 3, 7, 12), datetime(2026, 3, 7, 11)),  # backwards
                (datetime(2026, 3, 7, 12), datetime(2026, 3, 7, 12, 30)),  # shorter than 60 min
            ],
        )
    messages = caught.value.messages
    assert len(messages) == 4
    assert "too soon or too short" in messages[0]
    assert "beyond the next 14 days" in messages[1]
    assert "ends before it starts" in messages[2]
    assert "too soon or too short" in messages[3]
    assert not MatchRequest.objects.exists() and not MatchWindow.objects.exists()


def test_a_swap_window_must_hold_both_rounds(ben):
    with pytest.raises(ValidationError, match="needs 120 minutes"):
        ask(ben, role="swap", windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 10, 30))])


def test_at_most_ten_windows(ben):
    windows = [(datetime(2026, 3, 6 + d, 9), datetime(2026, 3, 6 + d, 11)) for d in range(11)]
    with pytest.raises(ValidationError, match="11 separate windows; the limit is 10"):
        ask(ben, windows=windows)
    assert ask(ben, windows=windows[:10]).windows.count() == 10


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("interview_type", "chess", "interview type"),
        ("role", "observer", "what you want"),
        ("level", "intern", "levels"),
        ("minutes", 50, "not 50"),
    ],
)
def test_bad_choices_are_refused(ben, field, value, message):
    with pytest.raises(ValidationError, match=message):
        ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))], **{field: value})
    assert not MatchRequest.objects.exists()


def test_at_most_three_open_requests(ben):
    window = [(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))]
    for _ in range(3):
        ask(ben, windows=window)
    with pytest.raises(services.MatchingError, match="already have 3 requests waiting"):
        ask(ben, windows=window)
    first = MatchRequest.objects.order_by("pk").first()
    services.withdraw_request(request=first, by=ben)
    ask(ben, windows=window)
    assert MatchRequest.objects.filter(status="waiting").count() == 3


def test_matching_is_paused_after_no_shows_like_booking(ben):
    ben.profile.booking_suspended_until = NOW + timedelta(days=3)
    ben.profile.save()
    with pytest.raises(services.MatchingError, match="Matching is paused until Sun 8 Mar 2026"):
        ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
    assert not MatchRequest.objects.exists()


def test_withdraw_only_while_waiting_and_only_by_the_owner(ben):
    request = ask(ben, windows=[(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11))])
    with pytest.raises(services.MatchingError, match="Only the person who asked"):
        services.withdraw_request(request=request, by=UserFactory())
    services.withdraw_request(request=request, by=ben)
    request.refresh_from_db()
    assert (request.status, request.closed_at) == ("withdrawn", NOW)
    with pytest.raises(services.MatchingError, match="already withdrawn"):
        services.withdraw_request(request=request, by=ben)


def test_a_request_expires_when_its_last_window_has_passed(ben):
    request = ask(
        ben,
        windows=[
            (datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 11)),
            (datetime(2026, 3, 7, 9), datetime(2026, 3, 7, 11)),
        ],
    )
    last_end = datetime(2026, 3, 7, 19, tzinfo=UTC)
    assert matcher.expire_requests(now=last_end - timedelta(seconds=1)) == 0
    assert matcher.expire_requests(now=last_end) == 1
    assert matcher.expire_requests(now=last_end) == 0
    request.refresh_from_db()
    assert (request.status, request.closed_at) == ("expired", last_end)


def test_blocking_is_once_per_pair_and_never_oneself(ben):
    other = UserFactory()
    services.block(by=ben, other=other)
    services.block(by=ben, other=other)
    assert MatchBlock.objects.count() == 1
    with pytest.raises(services.MatchingError):
        services.block(by=ben, other=ben)
    assert services.unblock(by=ben, other=other) == 1
    assert not MatchBlock.objects.exists()


def test_round_lengths_are_the_same_as_for_a_published_slot():
    from sessions.matching.models import ROUND_MINUTES
    from sessions.scheduling.services import ROUND_MINUTES as SLOT_ROUND_MINUTES

    assert ROUND_MINUTES == SLOT_ROUND_MINUTES
