import json

import pytest
from django.urls import reverse

from sessions.grading import services as grading
from sessions.models import Rubric, Scorecard
from tests.factories import make_booking
from tests.sessions.grading.grading_support import complete_data, form_data, past_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def booking():
    return past_booking()


@pytest.fixture
def round(booking):
    return booking.rounds.get()


@pytest.fixture
def interviewer(round):
    return round.interviewer


@pytest.fixture
def candidate(round):
    return round.candidate


def scorecard_url(round):
    return reverse("grading:scorecard", args=[round.pk])


def autosave_url(round):
    return reverse("grading:scorecard_autosave", args=[round.pk])


def view_url(round):
    return reverse("grading:scorecard_view", args=[round.pk])


# --- The scorecard form ---------------------------------------------------------


def test_it_shows_the_anchors_beside_every_score_and_carries_in_the_room(
    client, round, interviewer
):
    round.notes = "Asked about the SLA at minute two."
    round.clarifying_minutes = "6.5"
    round.save()
    client.force_login(interviewer)

    response = client.get(scorecard_url(round))

    assert response.status_code == 200
    text = response.text
    # Looking creates nothing: the draft row comes with the first save.
    assert not Scorecard.objects.filter(round=round).exists()
    rubric = Rubric.objects.get(interview_type=round.booking.interview_type, active=True)
    for dimension in rubric.dimensions.prefetch_related("anchors"):
        assert dimension.name in text or dimension.name.replace("“", "&ldquo;") in text
        for anchor in dimension.anchors.all():
            assert f'name="score_{dimension.key}" value="{anchor.score}"' in text
    assert text.count('class="anchor-behaviour"') == 20
    assert "Asked about the SLA at minute two." in text
    assert 'value="6.5"' in text
    assert "Senior system design</strong> (version 1)" in text


def test_it_saves_a_draft(client, round, interviewer):
    client.force_login(interviewer)
    card = grading.start_scorecard(round=round)
    data = form_data(card.rubric, action="save")
    data["score_scale_reliability"] = ""

    response = client.post(scorecard_url(round), data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    assert card.strengths == "Clarified the use case first."
    assert card.scores.get(dimension__key="scale_reliability").value is None


def test_it_submits_and_redirects_to_the_locked_scorecard(client, round, interviewer):
    client.force_login(interviewer)
    card = grading.start_scorecard(round=round)

    response = client.post(scorecard_url(round), form_data(card.rubric, value=4))

    assert response.status_code == 302
    assert response["Location"] == view_url(round)
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    follow = client.get(scorecard_url(round))
    assert follow.status_code == 302  # a locked scorecard is no longer a form


def test_an_incomplete_submission_shows_the_errors_beside_the_fields(client, round, interviewer):
    client.force_login(interviewer)
    card = grading.start_scorecard(round=round)
    data = form_data(card.rubric)
    data["score_communication"] = ""
    data["evidence_business_constraints"] = ""
    data["strengths"] = ""

    response = client.post(scorecard_url(round), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"score_communication", "evidence_business_constraints", "strengths"}
    assert 'id="id_score_communication_error"' in response.text
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    assert card.strengths == ""


def test_an_out_of_range_score_through_the_form_is_refused(client, round, interviewer):
    client.force_login(interviewer)
    card = grading.start_scorecard(round=round)
    data = form_data(card.rubric)
    data["score_communication"] = "7"
    response = client.post(scorecard_url(round), data)
    assert response.status_code == 400
    assert "score_communication" in response.context["form"].errors
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT


def test_it_refuses_wrong_methods(client, round, interviewer):
    client.force_login(interviewer)
    assert client.put(scorecard_url(round)).status_code == 405
    assert client.get(autosave_url(round)).status_code == 405
    assert client.post(view_url(round)).status_code == 405


@pytest.mark.parametrize("persona", ["candidate", "stranger", "staff"])
def test_only_the_rounds_interviewer_may_open_the_form(client, round, persona, stranger, staff):
    people = {"candidate": round.candidate, "stranger": stranger, "staff": staff}
    client.force_login(people[persona])
    assert client.get(scorecard_url(round)).status_code == 404
    assert (
        client.post(
            scorecard_url(round), form_data(grading.start_scorecard(round=round).rubric)
        ).status_code
        == 404
    )
    assert client.post(autosave_url(round), {"strengths": "x"}).status_code == 404
    assert Scorecard.objects.get(round=round).status == Scorecard.Status.DRAFT


def test_it_requires_login(client, round):
    response = client.get(scorecard_url(round))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_is_not_open_before_the_start(client):
    booking = make_booking()
    round = booking.rounds.get()
    client.force_login(round.interviewer)
    assert client.get(scorecard_url(round)).status_code == 404
    assert not Scorecard.objects.exists()


def test_it_is_not_open_on_a_cancelled_booking(client, booking, round, interviewer):
    booking.status = "cancelled"
    booking.save()
    client.force_login(interviewer)
    assert client.get(scorecard_url(round)).status_code == 404


def test_each_side_of_a_swap_grades_only_the_other(client):
    booking = past_booking(host_role="swap")
    first, second = booking.rounds.order_by("number")
    client.force_login(booking.host)
    assert client.get(scorecard_url(first)).status_code == 200
    assert client.get(scorecard_url(second)).status_code == 404
    client.force_login(booking.guest)
    assert client.get(scorecard_url(second)).status_code == 200
    assert client.get(scorecard_url(first)).status_code == 404


# --- Autosave -----------------------------------------------------------------------


def test_autosave_stores_a_partial_draft_and_answers_json(client, round, interviewer):
    client.force_login(interviewer)
    response = client.post(
        autosave_url(round), {"score_communication": "2", "evidence_communication": "Monologue."}
    )
    assert response.status_code == 200
    assert response.json()["saved"] is True
    score = Scorecard.objects.get(round=round).scores.get(dimension__key="communication")
    assert (score.value, score.evidence) == (2, "Monologue.")


def test_autosave_takes_a_json_body(client, round, interviewer):
    client.force_login(interviewer)
    response = client.post(
        autosave_url(round),
        json.dumps({"strengths": "Calm under pressure."}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Scorecard.objects.get(round=round).strengths == "Calm under pressure."


def test_autosave_refuses_a_bad_value_and_keeps_the_draft(client, round, interviewer):
    client.force_login(interviewer)
    client.post(autosave_url(round), {"score_communication": "2"})
    response = client.post(autosave_url(round), {"score_communication": "9"})
    assert response.status_code == 400
    assert "score_communication" in response.json()["errors"]
    score = Scorecard.objects.get(round=round).scores.get(dimension__key="communication")
    assert score.value == 2


def test_autosave_after_submission_is_refused(client, round, interviewer):
    client.force_login(interviewer)
    grading.submit_scorecard(round=round, grader=interviewer, data=complete_data())
    response = client.post(autosave_url(round), {"strengths": "Too late."})
    assert response.status_code == 409
    assert Scorecard.objects.get(round=round).strengths != "Too late."


def test_autosave_checks_csrf(round, interviewer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(interviewer)
    response = client.post(autosave_url(round), {"strengths": "No token."})
    assert response.status_code == 403
    assert not Scorecard.objects.filter(strengths="No token.").exists()


# --- Reading a scorecard --------------------------------------------------------------


def test_the_grader_reads_their_submitted_scorecard(client, round, interviewer):
    grading.submit_scorecard(round=round, grader=interviewer, data=complete_data(value=2))
    client.force_login(interviewer)
    response = client.get(view_url(round))
    assert response.status_code == 200
    assert "Scorecard for" in response.text
    assert "Say the SLA out loud and design to it." in response.text


def test_the_candidate_reads_it_once_revealed_with_the_anchor_of_each_score(
    client, round, candidate
):
    card = grading.submit_scorecard(
        round=round, grader=round.interviewer, data=complete_data(value=2)
    )
    client.force_login(candidate)
    response = client.get(view_url(round))
    assert response.status_code == 200
    assert "Your feedback from" in response.text
    mixed = card.rubric.dimensions.get(key="requirements_clarification").anchors.get(score=2)
    assert mixed.behaviour.split(" (")[0] in response.text
    assert reverse("grading:rate", args=[round.pk]) in response.text


def test_the_candidate_gets_404_before_the_reveal(client):
    booking = past_booking(host_role="swap")
    first = booking.rounds.get(number=1)
    grading.submit_scorecard(round=first, grader=first.interviewer, data=complete_data())
    client.force_login(first.candidate)
    assert client.get(view_url(first)).status_code == 404


@pytest.mark.parametrize("persona", ["stranger", "staff"])
def test_non_participants_get_404_even_after_the_reveal(client, round, persona, stranger, staff):
    grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    client.force_login({"stranger": stranger, "staff": staff}[persona])
    assert client.get(view_url(round)).status_code == 404


def test_a_draft_is_not_readable_by_the_candidate(client, round, candidate):
    grading.start_scorecard(round=round)
    client.force_login(candidate)
    assert client.get(view_url(round)).status_code == 404
