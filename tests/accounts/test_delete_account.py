"""Self-service: "Delete my account" on the profile."""

import pytest

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _reauthenticate(client, path: str):
    """Follow allauth's re-authentication flow back to `path`."""
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    return client.post(response["Location"], {"password": PASSWORD})


def test_it_requires_login(client):
    response = client.get("/profile/delete/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_requires_a_recent_reauthentication(client, user):
    client.force_login(user)
    response = client.post("/profile/delete/", {"confirmation": "delete my account"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    user.refresh_from_db()
    assert user.is_active and not user.is_anonymised


def test_a_wrong_password_does_not_reauthenticate(client, user):
    client.force_login(user)
    response = client.get("/profile/delete/")
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert client.get("/profile/delete/").status_code == 302


def test_it_lists_what_goes_and_what_stays(client, user):
    client.force_login(user)
    _reauthenticate(client, "/profile/delete/")
    page = client.get("/profile/delete/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "What goes" in text and "What stays" in text
    assert "a former member" in text
    assert "cancellation email" in text


@pytest.mark.parametrize("typed", ["", "delete", "yes", "delete my acount"])
def test_a_wrong_confirmation_deletes_nothing(client, user, typed):
    client.force_login(user)
    _reauthenticate(client, "/profile/delete/")
    response = client.post("/profile/delete/", {"confirmation": typed})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode() or typed == ""
    user.refresh_from_db()
    assert user.is_active and not user.is_anonymised


def test_it_anonymises_and_logs_out(client, user):
    client.force_login(user)
    _reauthenticate(client, "/profile/delete/")
    response = client.post("/profile/delete/", {"confirmation": "  Delete My Account "})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.is_anonymised and not user.is_active
    assert not User.objects.filter(email="owner@example.com").exists()
    assert client.get("/profile/").status_code == 302  # logged out


def test_the_profile_links_to_download_and_delete(client, user):
    client.force_login(user)
    page = client.get("/profile/").content.decode()
    assert 'href="/profile/data/"' in page and 'href="/profile/delete/"' in page


def test_it_refuses_other_methods(client, user):
    client.force_login(user)
    _reauthenticate(client, "/profile/delete/")
    assert client.put("/profile/delete/").status_code == 405
