"""Feedback emails and the reveal rule: requests, nudges and "your feedback is ready"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from sessions.models import Reminder, Slot
from sessions.notifications import services as notifications
from sessions.scheduling.services import book_slot
from tests.factories import UserFactory
from tests.sessions.notifications.notifications_support import submit_for

Kind, Status = Reminder.Kind, Reminder.Status
BOOKED_AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def sweep_at(moment) -> list[tuple[str, str]]:
    before = len(mail.outbox)
    with time_machine.travel(moment, tick=False):
        notifications.send_due_reminders()
    return sorted(
        (m.extra_headers["Message-ID"].split(".")[1], m.to[0]) for m in mail.outbox[before:]
    )


@pytest.fixture
def swap():
    """A 90-minute swap: Ada interviews Ben first, then Ben interviews Ada."""
    ada = UserFactory(email="ada@example.com", tz="Europe/Berlin")
    ben = UserFactory(email="ben@example.com", tz="America/Los_Angeles")
    with time_machine.travel(BOOKED_AT, tick=False):
        slot = Slot.objects.create(
            host=ada,
            starts_at=START,
            ends_at=START + timedelta(minutes=90),
            interview_type="behavioral",
            host_role="swap",
        )
        booking = book_slot(slot=slot, guest=ben)
        notifications.send_due_reminders()
    sweep_at(START - timedelta(hours=24))
    sweep_at(START - timedelta(hours=1))
    return booking


def test_each_interviewer_is_asked_when_their_half_ends(swap):
    half, end = START + timedelta(minutes=45), START + timedelta(minutes=90)
    assert sweep_at(half - timedelta(seconds=1)) == []
    assert sweep_at(half) == [("feedback_request", "ada@example.com")]
    assert sweep_at(end) == [("feedback_request", "ben@example.com")]
    request = mail.outbox[-1]
    assert "/interviews/rounds/" in request.body and "/scorecard/" in request.body
    assert request.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_whoever_submits_gets_no_nudge_and_the_other_does(swap):
    end = START + timedelta(minutes=90)
    sweep_at(end)
    with time_machine.travel(end + timedelta(hours=2), tick=False):
        submit_for(swap.rounds.get(number=1))  # Ada grades Ben
    assert sweep_at(end + timedelta(hours=24)) == [("feedback_nudge", "ben@example.com")]
    assert "still waiting" in mail.outbox[-1].subject


def test_at_the_deadline_only_the_candidate_with_feedback_hears_and_the_other_later(swap):
    end = START + timedelta(minutes=90)
    with time_machine.travel(end + timedelta(hours=2), tick=False):
        submit_for(swap.rounds.get(number=1))  # Ada grades Ben; Ben never grades Ada
    sweep_at(end + timedelta(hours=24))
    # Before the deadline Ben's feedback stays hidden, so nobody is told.
    assert sweep_at(end + timedelta(hours=71, minutes=59)) == []
    assert sweep_at(end + timedelta(hours=72)) == [("feedback_ready", "ben@example.com")]
    ready = mail.outbox[-1]
    assert "/interviews/rounds/" in ready.body and "/feedback/" in ready.body
    empty = Reminder.objects.get(kind=Kind.FEEDBACK_READY, recipient=swap.host)
    assert empty.status == Status.CANCELLED

    # Ben grades Ada four days late: now all is in, and only Ada is told.
    with time_machine.travel(end + timedelta(hours=96), tick=False):
        submit_for(swap.rounds.get(number=2))
    assert sweep_at(end + timedelta(hours=96)) == [("feedback_ready", "ada@example.com")]
    assert Reminder.objects.filter(kind=Kind.FEEDBACK_READY, status=Status.SENT).count() == 2


def test_when_both_submit_both_candidates_hear_at_once_and_never_again(swap):
    end = START + timedelta(minutes=90)
    with time_machine.travel(end + timedelta(hours=1), tick=False):
        submit_for(swap.rounds.get(number=1))
        submit_for(swap.rounds.get(number=2))
    assert sweep_at(end + timedelta(hours=1)) == [
        ("feedback_ready", "ada@example.com"),
        ("feedback_ready", "ben@example.com"),
    ]
    for moment in (end + timedelta(hours=24), end + timedelta(hours=72), end + timedelta(days=9)):
        assert sweep_at(moment) == []
