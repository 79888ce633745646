"""GET /healthz: liveness for load balancers, with no session, database or host check."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query_even_for_a_logged_in_session(
    client, django_assert_num_queries
):
    client.force_login(UserFactory())
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    # The session was neither read nor refreshed: no cookie goes back.
    assert not response.cookies


def test_healthz_answers_a_balancer_probing_by_ip_over_plain_http(settings):
    settings.ALLOWED_HOSTS = ["interviewprep.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client(HTTP_HOST="10.0.0.7:8000").get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_other_methods_and_paths_go_through_the_normal_stack(client):
    assert client.post("/healthz").status_code == 404
    assert client.get("/healthz/more").status_code == 404
