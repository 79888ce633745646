from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.grading import services as grading
from sessions.models import Scorecard
from tests.sessions.grading.grading_support import complete_data, past_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _submit(round) -> Scorecard:
    return grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())


def _visible(card: Scorecard) -> bool:
    """The rule, asked both ways: they must always agree."""
    one = grading.is_revealed(card)
    listed = grading.revealed_scorecards_for(card.candidate).filter(pk=card.pk).exists()
    assert one == listed
    return one


@pytest.fixture
def half_graded_swap():
    """A swap session where only the first interviewer has submitted."""
    booking = past_booking(host_role="swap", ended_ago=timedelta(minutes=30))
    first, second = booking.rounds.order_by("number")
    card = _submit(first)
    grading.start_scorecard(round=second)  # the other side has a draft, not a submission
    return booking, card


def test_a_lone_submission_in_a_swap_stays_hidden_until_72_hours_after_the_end(half_graded_swap):
    booking, card = half_graded_swap
    with time_machine.travel(booking.ends_at + timedelta(hours=71, minutes=59), tick=False):
        assert not _visible(card)
    with time_machine.travel(booking.ends_at + timedelta(hours=72), tick=False):
        assert _visible(card)


def test_the_other_side_submitting_reveals_both_at_once(half_graded_swap):
    booking, card = half_graded_swap
    second = booking.rounds.get(number=2)
    other = _submit(second)
    assert _visible(card)
    assert _visible(other)


def test_a_round_with_no_scorecard_yet_also_holds_the_reveal():
    booking = past_booking(host_role="swap")
    card = _submit(booking.rounds.get(number=1))
    assert not Scorecard.objects.filter(round__number=2, booking=booking).exists()
    assert not _visible(card)


def test_a_single_round_session_is_revealed_on_submission():
    booking = past_booking()
    card = _submit(booking.rounds.get())
    assert _visible(card)


def test_a_draft_is_never_revealed_even_after_the_deadline():
    booking = past_booking()
    card = grading.start_scorecard(round=booking.rounds.get())
    with time_machine.travel(booking.ends_at + timedelta(days=30), tick=False):
        assert not _visible(card)


def test_the_candidate_page_follows_the_rule_at_its_edge(client, half_graded_swap):
    booking, card = half_graded_swap
    url = reverse("grading:scorecard_view", args=[card.round_id])
    client.force_login(card.candidate)
    with time_machine.travel(booking.ends_at + timedelta(hours=71, minutes=59), tick=False):
        assert client.get(url).status_code == 404
        dashboard = client.get(reverse("sessions:dashboard"))
        assert "Feedback on its way" in dashboard.text
        assert dashboard.context["graded_sessions"] == 0
    with time_machine.travel(booking.ends_at + timedelta(hours=72), tick=False):
        response = client.get(url)
        assert response.status_code == 200
        assert "Say the SLA out loud and design to it." in response.text
        assert client.get(reverse("sessions:dashboard")).context["graded_sessions"] == 1
