from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.grading import services as grading
from sessions.models import InterviewerRating
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import past_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def round():
    return past_booking().rounds.get()


def rate_url(round):
    return reverse("grading:rate", args=[round.pk])


def test_the_candidate_rates_the_interviewer(client, round):
    client.force_login(round.candidate)
    response = client.post(
        rate_url(round), {"helpfulness": "5", "preparation": "4", "comment": "Sharp follow-ups."}
    )
    assert response.status_code == 302
    rating = InterviewerRating.objects.get(round=round)
    assert (rating.rater, rating.interviewer) == (round.candidate, round.interviewer)
    assert (rating.helpfulness, rating.preparation, rating.comment) == (5, 4, "Sharp follow-ups.")


def test_a_second_rating_is_refused_and_the_first_stays(client, round):
    client.force_login(round.candidate)
    client.post(rate_url(round), {"helpfulness": "5", "preparation": "4"})
    response = client.post(rate_url(round), {"helpfulness": "1", "preparation": "1"})
    assert response.status_code == 400
    assert "already rated" in response.text
    assert list(InterviewerRating.objects.values_list("helpfulness", flat=True)) == [5]
    with pytest.raises(ValidationError, match="already rated"):
        grading.rate_interviewer(round=round, rater=round.candidate, helpfulness=2, preparation=2)


@pytest.mark.parametrize("value", ["0", "6", "x", ""])
def test_out_of_range_ratings_are_refused(client, round, value):
    client.force_login(round.candidate)
    response = client.post(rate_url(round), {"helpfulness": value, "preparation": "3"})
    assert response.status_code == 400
    assert "helpfulness" in response.context["form"].errors
    assert not InterviewerRating.objects.exists()


def test_the_service_checks_the_range_too(round):
    with pytest.raises(ValidationError) as error:
        grading.rate_interviewer(round=round, rater=round.candidate, helpfulness=6, preparation=0)
    assert set(error.value.message_dict) == {"helpfulness", "preparation"}


@pytest.mark.parametrize("persona", ["interviewer", "stranger", "staff"])
def test_only_the_candidate_may_rate(client, round, persona, stranger, staff):
    who = {"interviewer": round.interviewer, "stranger": stranger, "staff": staff}[persona]
    client.force_login(who)
    assert client.get(rate_url(round)).status_code == 404
    assert client.post(rate_url(round), {"helpfulness": "5", "preparation": "5"}).status_code == 404
    assert not InterviewerRating.objects.exists()


def test_it_refuses_wrong_methods(client, round):
    client.force_login(round.candidate)
    assert client.delete(rate_url(round)).status_code == 405


def test_rating_waits_for_the_session_to_start(client):
    round = make_booking().rounds.get()
    client.force_login(round.candidate)
    assert client.get(rate_url(round)).status_code == 404


def test_the_average_shows_on_the_profile_only_from_three_ratings(client):
    interviewer = UserFactory()
    client.force_login(interviewer)
    for n, (helpfulness, preparation) in enumerate([(5, 4), (4, 4), (3, 5)]):
        assert grading.interviewer_rating(interviewer) is None
        assert "/ 5</strong>" not in client.get(reverse("profile")).text
        round = past_booking(host=interviewer, ended_ago=timedelta(days=n + 1)).rounds.get()
        grading.rate_interviewer(
            round=round, rater=round.candidate, helpfulness=helpfulness, preparation=preparation
        )

    summary = grading.interviewer_rating(interviewer)
    assert summary.count == 3
    assert summary.helpfulness == pytest.approx(4.0)
    assert summary.preparation == pytest.approx(13 / 3)
    page = client.get(reverse("profile")).text
    assert "4.2 / 5</strong>" in page
    assert "from 3 candidates" in page
