from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import PLAYBOOK_SLUG, Product
from payments.services import grant_complimentary
from sessions.grading import services as grading
from sessions.models import PlaybookSection, Rubric
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data, past_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _graded(
    candidate, grader, *, days_ago, values: dict, interview_type="system_design", minutes=None
):
    booking = past_booking(
        host=grader,
        guest=candidate,
        interview_type=interview_type,
        ended_ago=timedelta(days=days_ago),
    )
    round = booking.rounds.get()
    if minutes is not None:
        round.clarifying_minutes = minutes
        round.save()
    data = complete_data(interview_type)
    rubric = Rubric.objects.get(interview_type=interview_type, active=True)
    for d in rubric.dimensions.all():
        data["scores"][d.pk]["value"] = values.get(d.key, 3)
    data["improvement_1"] = f"Fix first from {days_ago} days ago"
    return grading.submit_scorecard(round=round, grader=grader, data=data)


@pytest.fixture
def people():
    return UserFactory(email="ada@example.com"), UserFactory(email="ben@example.com")


def test_it_requires_login(client):
    response = client.get(reverse("sessions:dashboard"))
    assert response.status_code == 302


def test_it_refuses_a_post(client, people):
    client.force_login(people[0])
    assert client.post(reverse("sessions:dashboard")).status_code == 405


def test_a_new_person_sees_where_to_start(client, people):
    client.force_login(people[0])
    response = client.get(reverse("sessions:dashboard"))
    assert response.status_code == 200
    assert "Your trend starts with your first graded session" in response.text
    assert '<svg class="chart' not in response.text


def test_it_charts_each_dimension_and_names_the_weakest_and_strongest(client, people):
    ada, ben = people
    _graded(
        ada,
        ben,
        days_ago=20,
        values={"requirements_clarification": 1, "business_constraints": 2, "communication": 3},
        minutes=2,
    )
    _graded(
        ada,
        ben,
        days_ago=10,
        values={"requirements_clarification": 2, "business_constraints": 2, "communication": 4},
        minutes=4.5,
    )
    _graded(
        ada,
        ben,
        days_ago=3,
        values={"requirements_clarification": 3, "business_constraints": 1, "communication": 4},
        minutes=7,
    )
    client.force_login(ada)

    response = client.get(reverse("sessions:dashboard"))

    ctx = response.context
    assert [c.title for c in ctx["charts"]] == ["System design: scores over time"]
    chart = ctx["charts"][0]
    assert chart.columns[0] == "Clarifies before designing"
    assert chart.rows[0][1][0] == "1" and chart.rows[-1][1][0] == "3"
    assert ctx["weakest"].key == "business_constraints"
    assert ctx["strongest"].key == "communication"
    assert ctx["clarifying_chart"] is not None
    assert [r[1] for r in ctx["clarifying_chart"].rows] == [["2"], ["4.5"], ["7"]]
    assert "5–8 min: a healthy opening" in response.text
    assert response.text.count("<circle") == 2 * (15 + 3)  # the wide and the narrow drawing
    assert ctx["fix_first"].improvement_1 == "Fix first from 3 days ago"
    assert "Fix first from 3 days ago" in response.text
    by_type = {row["label"]: row["count"] for row in ctx["sessions_by_type"]}
    assert by_type == {
        "System design": 3,
        "Behavioral": 0,
        "Coding": 0,
        "Compensation negotiation": 0,
    }


def test_a_non_owner_gets_a_link_to_the_playbook_page(client, people):
    ada, ben = people
    _graded(ada, ben, days_ago=2, values={"advocacy": 1}, interview_type="compensation")
    client.force_login(ada)
    response = client.get(reverse("sessions:dashboard"))
    assert response.context["weakest"].key == "advocacy"
    assert reverse("payments:playbook") in response.text
    assert "Part 3, section 3" not in response.text


def test_an_owner_gets_the_section_reference(client, people):
    ada, ben = people
    _graded(ada, ben, days_ago=2, values={"advocacy": 1}, interview_type="compensation")
    product = Product.objects.create(
        slug=PLAYBOOK_SLUG, title="The Senior Engineer Interview Playbook", price_cents=3700
    )
    grant_complimentary(user=ada, product=product, granted_by=UserFactory(is_staff=True))
    section = PlaybookSection.objects.get(interview_type="compensation", dimension_key="advocacy")
    section.page = 38
    section.save()
    client.force_login(ada)
    response = client.get(reverse("sessions:dashboard"))
    assert "Part 3, section 3" in response.text
    assert "page 38" in response.text


def test_unrevealed_feedback_does_not_count(client, people):
    ada, ben = people
    booking = past_booking(host=ben, guest=ada, host_role="swap")
    first = booking.rounds.get(number=1)
    grading.submit_scorecard(round=first, grader=ben, data=complete_data())
    client.force_login(ada)
    response = client.get(reverse("sessions:dashboard"))
    assert response.context["graded_sessions"] == 0
    assert response.context["charts"] == []
    assert "Feedback on its way" in response.text
    assert "Grade ben" in response.text  # Ada still owes Ben the second round's scorecard
    assert reverse("grading:scorecard", args=[booking.rounds.get(number=2).pk]) in response.text


def test_it_lists_upcoming_interviews_and_ratings_to_give(client, people):
    ada, ben = people
    soon = make_booking(host=ben, guest=ada, starts_at=timezone.now() + timedelta(days=1))
    cancelled = make_booking(host=ben, guest=ada, starts_at=timezone.now() + timedelta(days=3))
    cancelled.status = "cancelled"
    cancelled.save()
    done = past_booking(host=ben, guest=ada)
    client.force_login(ada)
    response = client.get(reverse("sessions:dashboard"))
    assert [item["booking"] for item in response.context["upcoming"]] == [soon]
    assert "You are the candidate" in response.text
    assert reverse("grading:rate", args=[done.rounds.get().pk]) in response.text


def test_a_cached_dashboard_follows_the_playbook_sections_and_product(settings, people):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    ada, ben = people
    _graded(ada, ben, days_ago=2, values={"advocacy": 1}, interview_type="compensation")
    product = Product.objects.create(
        slug=PLAYBOOK_SLUG, title="The Senior Engineer Interview Playbook", price_cents=3700
    )
    grant_complimentary(user=ada, product=product, granted_by=UserFactory(is_staff=True))
    section = PlaybookSection.objects.get(interview_type="compensation", dimension_key="advocacy")
    section.page = 38
    section.save()
    client = Client()
    client.force_login(ada)
    url = reverse("sessions:dashboard")
    client.get(url)  # sets the CSRF cookie that cached pages are keyed on
    assert "page 38" in client.get(url).text
    assert client.get(url).context is None  # served from the cache
    section.page = 41  # staff correct the page in the admin
    section.save()
    assert "page 41" in client.get(url).text
    product.active = False  # off sale: owners no longer get the section reference
    product.save()
    assert "Part 3, section 3" not in client.get(url).text
