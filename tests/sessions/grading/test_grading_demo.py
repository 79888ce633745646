import io

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from sessions.grading import demo as grading_demo
from sessions.grading import services as grading
from sessions.models import InterviewerRating, Score, Scorecard
from sessions.scheduling import demo as sessions_demo

pytestmark = pytest.mark.django_db


def _load_all():
    out = io.StringIO()
    for module in (accounts_demo, sessions_demo, grading_demo):
        module.load(out)
    return out.getvalue()


def test_the_demo_grades_past_sessions_once_and_ada_has_a_trend(client):
    _load_all()
    counts = (Scorecard.objects.count(), Score.objects.count(), InterviewerRating.objects.count())
    assert counts[0] >= 11
    _load_all()
    assert (
        Scorecard.objects.count(),
        Score.objects.count(),
        InterviewerRating.objects.count(),
    ) == counts

    ada = User.objects.get(email="ada@example.com")
    ben = User.objects.get(email="ben@example.com")
    client.force_login(ada)
    page = client.get(reverse("sessions:dashboard"))
    ctx = page.context
    assert {c.chart_id for c in ctx["charts"]} >= {"chart-system_design", "chart-behavioral"}
    clarifying = ctx["charts"][0].rows
    assert clarifying[0][1][0] < clarifying[-1][1][0]  # she learned to clarify first
    assert ctx["weakest"].key == "advocacy"
    assert ctx["clarifying_chart"] is not None
    assert ctx["to_grade"], "Ada's scorecard for Dev is left to write"
    assert grading.interviewer_rating(ben) is not None
