import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.conftest import deliver_outbox, error_beside, link_in, log_in_for_changes

pytestmark = pytest.mark.django_db

EMAIL = reverse("account_email")


def test_it_requires_login(client):
    response = client.get(EMAIL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_new_address_waits_for_confirmation(client, user, mailoutbox):
    log_in_for_changes(client, user)

    response = client.post(EMAIL, {"action_add": "", "email": "new@example.com"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "owner@example.com"
    pending = EmailAddress.objects.get(email="new@example.com")
    assert (pending.user, pending.verified, pending.primary) == (user, False, False)
    deliver_outbox()
    assert mailoutbox[0].to == ["new@example.com"]
    assert mailoutbox[0].subject == "[interviewprep] Confirm your new email address"
    page = client.get(EMAIL)
    assert b"new@example.com" in page.content
    assert b"open the link we sent there" in page.content


def test_confirming_makes_the_new_address_the_login(client, user, password, mailoutbox):
    log_in_for_changes(client, user)
    client.post(EMAIL, {"action_add": "", "email": "new@example.com"})
    deliver_outbox()
    link = link_in(mailoutbox[0], "/accounts/confirm-email/")

    client.post(link)

    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("new@example.com", True, True)]
    client.logout()
    client.post(reverse("account_login"), {"login": "owner@example.com", "password": password})
    assert SESSION_KEY not in client.session
    client.post(reverse("account_login"), {"login": "new@example.com", "password": password})
    assert client.session[SESSION_KEY] == str(user.pk)


def test_cancelling_the_change_keeps_the_old_address(client, user, mailoutbox):
    log_in_for_changes(client, user)
    client.post(EMAIL, {"action_add": "", "email": "new@example.com"})

    client.post(EMAIL, {"action_remove": "", "email": "new@example.com"})

    assert not EmailAddress.objects.filter(email="new@example.com").exists()
    user.refresh_from_db()
    assert user.email == "owner@example.com"


def test_another_accounts_address_is_answered_like_any_and_never_changes_hands(
    client, user, stranger, mailoutbox
):
    log_in_for_changes(client, stranger)

    response = client.post(EMAIL, {"action_add": "", "email": "Owner@example.com"})

    # No "taken" error (it would tell anyone which addresses have accounts);
    # confirming can't move a confirmed address: tests/accounts/test_email_addresses.py.
    assert response.status_code == 302
    pending = EmailAddress.objects.get(user=stranger, email="owner@example.com")
    assert not pending.verified
    stranger.refresh_from_db()
    assert stranger.email == "stranger@example.com"


def test_it_refuses_an_invalid_address(client, user):
    log_in_for_changes(client, user)

    response = client.post(EMAIL, {"action_add": "", "email": "nope"})

    assert "valid email" in error_beside(response, "id_email")
    assert EmailAddress.objects.filter(user=user).count() == 1
