"""Scorecard text has limits (form, service and database), and looking creates nothing."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from sessions.grading import services as grading
from sessions.grading.models import (
    EVIDENCE_MAX_LENGTH,
    STRENGTHS_MAX_LENGTH,
    InterviewerRating,
    Score,
    Scorecard,
)
from sessions.scheduling.models import ROUND_NOTES_MAX_LENGTH
from tests.sessions.grading.grading_support import past_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    return past_booking(ended_ago=timedelta(minutes=30)).rounds.get()


def _page(round_) -> str:
    return f"/interviews/rounds/{round_.pk}/scorecard/"


def test_opening_the_scorecard_page_creates_no_draft(client, round_):
    client.force_login(round_.interviewer)
    response = client.get(_page(round_))
    assert response.status_code == 200
    assert b"Scorecard for" in response.content
    assert not Scorecard.objects.filter(round=round_).exists()


def test_the_first_autosave_creates_the_draft(client, round_):
    client.force_login(round_.interviewer)
    response = client.post(_page(round_) + "autosave/", {"strengths": "Asked for the SLA first."})
    assert response.status_code == 200 and response.json()["saved"]
    assert Scorecard.objects.get(round=round_).strengths == "Asked for the SLA first."


def test_the_page_shows_the_rooms_notes_before_any_save(client, round_):
    round_.notes = "Spent 7 minutes on requirements."
    round_.save(update_fields=["notes"])
    client.force_login(round_.interviewer)
    response = client.get(_page(round_))
    assert b"Spent 7 minutes on requirements." in response.content
    assert not Scorecard.objects.filter(round=round_).exists()


@pytest.mark.parametrize("content_type", ["form", "json"])
def test_autosave_refuses_two_million_characters_and_creates_nothing(client, round_, content_type):
    client.force_login(round_.interviewer)
    huge = "x" * 2_000_000
    if content_type == "json":
        response = client.post(
            _page(round_) + "autosave/", {"strengths": huge}, content_type="application/json"
        )
    else:
        response = client.post(_page(round_) + "autosave/", {"strengths": huge})
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False and "strengths" in body["errors"]
    message = body["errors"]["strengths"][0]
    assert str(STRENGTHS_MAX_LENGTH) in message.replace(",", "")
    assert not Scorecard.objects.filter(round=round_).exists()


def test_autosave_refuses_over_long_evidence_and_keeps_the_draft(client, round_):
    client.force_login(round_.interviewer)
    client.post(_page(round_) + "autosave/", {"strengths": "kept"})
    dimension = Scorecard.objects.get(round=round_).rubric.dimensions.first()
    response = client.post(
        _page(round_) + "autosave/",
        {"strengths": "changed", f"evidence_{dimension.key}": "e" * (EVIDENCE_MAX_LENGTH + 1)},
    )
    assert response.status_code == 400
    assert f"evidence_{dimension.key}" in response.json()["errors"]
    assert Scorecard.objects.get(round=round_).strengths == "kept"


def test_the_service_refuses_nul_and_over_long_text(round_):
    card = grading.start_scorecard(round=round_)
    with pytest.raises(Exception) as error:
        grading.save_draft(scorecard=card, data={"strengths": "a\x00b"})
    assert "NUL" in str(error.value)
    with pytest.raises(Exception) as error:
        grading.save_draft(scorecard=card, data={"notes": "n" * (ROUND_NOTES_MAX_LENGTH + 1)})
    assert "20,000" in str(error.value)


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Scorecard, "strengths", STRENGTHS_MAX_LENGTH),
        (Scorecard, "notes", ROUND_NOTES_MAX_LENGTH),
        (Score, "evidence", EVIDENCE_MAX_LENGTH),
    ],
)
def test_the_database_refuses_over_long_text(round_, model, field, limit):
    card = grading.start_scorecard(round=round_)
    row = card if model is Scorecard else card.scores.first()
    model.objects.filter(pk=row.pk).update(**{field: "z" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "z" * (limit + 1)})


def test_the_database_refuses_an_over_long_rating_comment(round_):
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewerRating.objects.create(
            round=round_,
            rater=round_.candidate,
            interviewer=round_.interviewer,
            helpfulness=4,
            preparation=4,
            comment="c" * 1001,
        )
