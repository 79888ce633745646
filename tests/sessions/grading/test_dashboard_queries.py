import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.sessions.grading.grading_support import bulk_graded_sessions

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _dashboard(client, user) -> tuple[int, float, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(reverse("sessions:dashboard"))
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return len(queries), elapsed, response.text


def test_the_dashboard_runs_the_same_queries_for_3_and_300_scorecards(client):
    grader = UserFactory()
    few, many = UserFactory(), UserFactory()
    bulk_graded_sessions(candidate=few, grader=grader, count=3)
    bulk_graded_sessions(candidate=many, grader=grader, count=300, start_days_ago=800)

    few_queries, few_seconds, few_page = _dashboard(client, few)
    many_queries, many_seconds, many_page = _dashboard(client, many)

    print(  # noqa: T201 (the figure the report quotes; visible with -s)
        f"\ndashboard: 3 scorecards {few_queries} queries {few_seconds * 1000:.0f} ms; "
        f"300 scorecards {many_queries} queries {many_seconds * 1000:.0f} ms"
    )
    assert few_queries == many_queries
    # Both pages really drew something from their scorecards.
    # Scores, plus one clarifying point, in the wide and the narrow drawing of each chart.
    assert few_page.count("<circle") == 2 * (3 * 5 + 1)
    assert many_page.count("<circle") > 1000
