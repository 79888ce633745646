"""A signed-in request reads at most one row before its view: user and profile together."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def zone_and_name(request):
    from django.http import HttpResponse
    from django.utils import timezone

    # What every page reads: the user, the profile and the active zone.
    return HttpResponse(
        f"{timezone.get_current_timezone_name()} {request.user.profile.display_name}"
    )


urlpatterns = [path("test-zone/", zone_and_name), path("", include("interviewprep.urls"))]


@pytest.mark.urls(__name__)
def test_a_signed_in_request_costs_one_query_for_session_user_and_profile():
    user = UserFactory(tz="Asia/Tokyo")
    user.profile.display_name = "Kemi"
    user.profile.save()
    client = Client()
    client.force_login(user)
    client.get("/test-zone/")  # the session is now in the cache as well
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test-zone/")
    assert response.content == b"Asia/Tokyo Kemi"
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "accounts_profile" in queries[0]["sql"]


@pytest.mark.urls(__name__)
def test_the_session_survives_a_flushed_cache():
    from django.core.cache import cache

    user = UserFactory()
    client = Client()
    client.force_login(user)
    cache.clear()
    response = client.get("/test-zone/")
    assert response.status_code == 200


def test_a_deactivated_person_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302
