"""Matcher runs racing each other and a withdrawal, on PostgreSQL with real threads."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection

from sessions.matching import matcher, rules, services
from sessions.matching.models import MatchRequest
from sessions.models import Booking, BookingParticipant
from tests.factories import UserFactory
from tests.sessions.matching.matching_support import ask

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

NOW = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
WINDOW = [(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 13))]  # Los Angeles wall clock


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


def together(*calls):
    """Run the calls in threads released at once; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def go(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_runs_at_once_book_each_request_once_without_errors():
    people = [UserFactory(tz="America/Los_Angeles") for _ in range(8)]
    for i, person in enumerate(people):
        ask(person, role="interviewer" if i % 2 else "candidate", windows=WINDOW, now=NOW)
    # Two people also ask twice, so one person can be in two pairings of a plan.
    ask(people[0], role="candidate", windows=WINDOW, now=NOW)
    ask(people[1], role="interviewer", windows=WINDOW, now=NOW)

    first, second = together(lambda: matcher.run(now=NOW), lambda: matcher.run(now=NOW))

    assert isinstance(first, matcher.RunReport), first
    assert isinstance(second, matcher.RunReport), second
    bookings = list(Booking.objects.all())
    assert first.booked + second.booked == len(bookings)
    assert first.planned == second.planned == len(bookings) == 5
    for booking in bookings:
        assert booking.match_requests.count() == 2
    matched = MatchRequest.objects.filter(status="matched")
    assert matched.count() == 10 and matched.filter(booking__isnull=True).count() == 0
    # Nobody is in two overlapping live bookings.
    rows = list(BookingParticipant.objects.filter(live=True).order_by("user_id", "starts_at"))
    for a, b in zip(rows, rows[1:], strict=False):
        if a.user_id == b.user_id:
            assert a.ends_at <= b.starts_at
    # And a third run finds nothing left to do.
    assert matcher.run(now=NOW).planned == 0


@pytest.mark.parametrize("attempt", range(4))
def test_a_withdrawal_racing_a_match_wins_or_loses_cleanly(attempt):
    ben, ada = UserFactory(tz="America/Los_Angeles"), UserFactory(tz="America/Los_Angeles")
    ask(ben, role="interviewer", windows=WINDOW, now=NOW)
    candidate = ask(ada, windows=WINDOW, now=NOW)
    (planned,) = rules.match(matcher.load_pool(NOW))

    booked, withdrawn = together(
        lambda: matcher.book_pairing(planned, now=NOW),
        lambda: services.withdraw_request(request=candidate, by=ada),
    )

    candidate.refresh_from_db()
    if isinstance(withdrawn, MatchRequest):
        # The withdrawal came first: no booking, and Ben still waits.
        assert booked is None and candidate.status == "withdrawn"
        assert not Booking.objects.exists()
        assert MatchRequest.objects.get(person=ben).status == "waiting"
    else:
        # The match came first: the withdrawal says so and changes nothing.
        assert isinstance(withdrawn, services.MatchingError), withdrawn
        assert "just matched" in withdrawn.message
        assert isinstance(booked, Booking) and candidate.status == "matched"
        assert candidate.booking == booked
