"""Dashboard charts are drawn once per set of revealed scores, and redrawn when it changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.grading import dashboard
from tests.factories import UserFactory
from tests.sessions.grading.grading_support import bulk_graded_sessions

pytestmark = pytest.mark.django_db


def test_charts_come_from_the_cache_until_a_new_scorecard_is_revealed(client, monkeypatch):
    grader, person = UserFactory(), UserFactory(tz="Asia/Tokyo")
    bulk_graded_sessions(candidate=person, grader=grader, count=4)
    client.force_login(person)
    first = client.get(reverse("sessions:dashboard")).content.decode()
    assert first.count("<circle") > 0

    drawn = []
    monkeypatch.setattr(dashboard.charts, "line_chart", lambda **kw: drawn.append(kw))
    again = client.get(reverse("sessions:dashboard")).content.decode()
    assert drawn == []  # nothing drawn: the same charts, from the cache
    assert again.count("<circle") == first.count("<circle")

    monkeypatch.undo()
    bulk_graded_sessions(candidate=person, grader=grader, count=1, start_days_ago=2)
    after = client.get(reverse("sessions:dashboard")).content.decode()
    assert after.count("<circle") > first.count("<circle")


def test_charts_follow_the_zone_the_dates_are_shown_in(client):
    grader, person = UserFactory(), UserFactory(tz="Pacific/Auckland")
    bulk_graded_sessions(candidate=person, grader=grader, count=3)
    client.force_login(person)
    client.get(reverse("sessions:dashboard"))
    person.profile.timezone = "America/Los_Angeles"
    person.profile.save()
    response = client.get(reverse("sessions:dashboard"))
    assert response.context["charts"]
    # The day labels are those of the new zone: drawn again, not served from the old key.
    ended = timezone.localtime(
        response.context["recent_feedback"][0].session_ended_at,
        timezone=person.profile.zone,
    )
    assert f"{ended.day} {ended:%b}" in response.content.decode()


def test_a_release_that_draws_charts_differently_draws_them_afresh(
    client, settings, tmp_path, monkeypatch
):
    grader, person = UserFactory(), UserFactory()
    bulk_graded_sessions(candidate=person, grader=grader, count=3)
    client.force_login(person)
    dashboard.drawing_version.cache_clear()
    client.get(reverse("sessions:dashboard"))

    # The next release ships a changed chart template (found first in DIRS here).
    changed = tmp_path / "sessions" / "grading" / "_chart.html"
    changed.parent.mkdir(parents=True)
    changed.write_text(
        '<section class="panel chart-panel" data-release="next">{{ chart.svg }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    dashboard.drawing_version.cache_clear()
    drawn = []
    line_chart = dashboard.charts.line_chart
    monkeypatch.setattr(
        dashboard.charts, "line_chart", lambda **kw: drawn.append(kw) or line_chart(**kw)
    )
    response = client.get(reverse("sessions:dashboard"))
    dashboard.drawing_version.cache_clear()
    assert drawn  # drawn again, not served from the key of the old drawing
    assert 'data-release="next"' in response.content.decode()
