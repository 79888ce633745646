import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.conftest import deliver_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
LOGOUT = reverse("account_logout")


def test_it_logs_in_with_email_and_password(client, user, password):
    response = client.post(LOGIN, {"login": "owner@example.com", "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("sessions:dashboard")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_email_is_not_case_sensitive(client, user, password):
    client.post(LOGIN, {"login": "Owner@Example.COM", "password": password})

    assert client.session[SESSION_KEY] == str(user.pk)


def test_it_refuses_a_wrong_password(client, user):
    response = client.post(LOGIN, {"login": "owner@example.com", "password": "not-it-at-all"})

    assert response.status_code == 200
    assert b"not correct" in response.content
    assert SESSION_KEY not in client.session


def test_it_returns_to_the_page_that_asked_for_login(client, user, password):
    response = client.post(
        f"{LOGIN}?next=/profile/", {"login": "owner@example.com", "password": password}
    )

    assert response["Location"] == "/profile/"


def test_an_unverified_person_gets_a_fresh_link_instead_of_a_session(client, password, mailoutbox):
    UserFactory(email="late@example.com", verified=False)

    response = client.post(LOGIN, {"login": "late@example.com", "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    deliver_outbox()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["late@example.com"]


def test_the_form_has_no_username_and_no_placeholders(client):
    response = client.get(LOGIN)

    assert list(response.context["form"].fields) == ["login", "password", "remember"]
    assert response.context["form"].fields["login"].label == "Email address"
    assert b"placeholder" not in response.content
    assert b"username" not in response.content.lower()


def test_logging_out_takes_a_post(client, user):
    client.force_login(user)

    page = client.get(LOGOUT)
    assert page.status_code == 200
    assert SESSION_KEY in client.session

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in client.session


def test_repeated_failed_logins_lock_the_address_even_for_the_right_password(
    client, user, password
):
    # allauth allows 5 failures per address per 5 minutes, counted in the Redis cache.
    for _ in range(5):
        failed = client.post(LOGIN, {"login": "owner@example.com", "password": "guess"})
        assert b"not correct" in failed.content

    response = client.post(LOGIN, {"login": "owner@example.com", "password": password})

    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert SESSION_KEY not in client.session


def test_the_lock_is_per_address(client, user, stranger, password):
    for _ in range(5):
        client.post(LOGIN, {"login": "owner@example.com", "password": "guess"})

    client.post(LOGIN, {"login": "stranger@example.com", "password": password})

    assert client.session[SESSION_KEY] == str(stranger.pk)
