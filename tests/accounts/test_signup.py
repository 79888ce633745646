import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Profile, User
from tests.accounts.conftest import deliver_outbox, error_beside, link_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def test_the_form_asks_for_an_email_and_never_a_username(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields)[:3] == ["email", "display_name", "timezone"]
    assert "username" not in form.fields
    assert b"username" not in response.content.lower()


def test_it_marks_a_fresh_form_for_the_browser_time_zone(client):
    response = client.get(SIGNUP)
    assert b'data-browser-timezone="1"' in response.content


def test_it_creates_an_unverified_account_with_its_profile(client, newcomer_data, mailoutbox):
    response = client.post(SIGNUP, newcomer_data)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.com")
    assert user.check_password("a-long-enough-passphrase")
    assert user.profile.display_name == "Nia"
    assert user.profile.timezone == "America/Sao_Paulo"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "newcomer@example.com",
        False,
        True,
    )
    deliver_outbox()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["newcomer@example.com"]


def test_it_keeps_the_newcomer_logged_out_until_the_address_is_confirmed(client, newcomer_data):
    client.post(SIGNUP, newcomer_data)

    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_link_in_the_email_confirms_the_address_and_logs_in(client, newcomer_data, mailoutbox):
    client.post(SIGNUP, newcomer_data)
    deliver_outbox()
    link = link_in(mailoutbox[0], "/accounts/confirm-email/")

    page = client.get(link)
    assert page.status_code == 200
    assert b"newcomer@example.com" in page.content
    # Confirming takes a POST, so mail scanners that follow links confirm nothing.
    assert not EmailAddress.objects.get(email="newcomer@example.com").verified

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="newcomer@example.com").verified
    profile = client.get(reverse("profile"))
    assert profile.status_code == 200
    assert profile.context["user"].email == "newcomer@example.com"


def test_the_confirmation_email_speaks_in_our_voice(client, newcomer_data, mailoutbox):
    client.post(SIGNUP, newcomer_data)

    deliver_outbox()
    message = mailoutbox[0]
    assert message.subject == "[interviewprep] Confirm your email address"
    assert message.body.startswith("Hello Nia,")
    assert "five to eight minutes" in message.body
    assert "Thank you for using" not in message.body


def test_a_bad_confirmation_link_confirms_nothing(client, newcomer_data):
    client.post(SIGNUP, newcomer_data)

    page = client.get("/accounts/confirm-email/not-a-real-key/")
    response = client.post("/accounts/confirm-email/not-a-real-key/")

    assert b"This link has expired" in page.content
    assert response.status_code == 404
    assert not EmailAddress.objects.get(email="newcomer@example.com").verified


def test_an_address_that_already_has_an_account_makes_no_second_one(
    client, newcomer_data, mailoutbox
):
    UserFactory(email="newcomer@example.com")
    newcomer_data["email"] = "Newcomer@Example.com"

    response = client.post(SIGNUP, newcomer_data)

    # The same answer as a fresh sign-up; the owner learns the rest by email.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="newcomer@example.com").count() == 1
    deliver_outbox()
    (message,) = mailoutbox
    assert message.to == ["newcomer@example.com"]
    assert "already have an interviewprep account" in message.body


def test_it_refuses_a_weak_password(client, newcomer_data):
    newcomer_data["password1"] = newcomer_data["password2"] = "12345678"

    response = client.post(SIGNUP, newcomer_data)

    assert response.status_code == 200
    error = error_beside(response, "id_password1")
    assert "too short" in error
    assert "entirely numeric" in error
    assert not User.objects.filter(email="newcomer@example.com").exists()


def test_it_refuses_passwords_that_differ(client, newcomer_data):
    newcomer_data["password2"] = "another-long-passphrase"

    response = client.post(SIGNUP, newcomer_data)

    assert "same password" in error_beside(response, "id_password2")
    assert not User.objects.filter(email="newcomer@example.com").exists()


def test_it_refuses_an_unknown_time_zone(client, newcomer_data):
    newcomer_data["timezone"] = "Mars/Olympus_Mons"

    response = client.post(SIGNUP, newcomer_data)

    assert response.status_code == 200
    assert "not a known time zone" in error_beside(response, "id_timezone")
    assert not User.objects.filter(email="newcomer@example.com").exists()
    # A rejected form keeps the person's own choice: no browser override.
    assert b"data-browser-timezone" not in response.content


def test_it_refuses_an_over_long_display_name(client, newcomer_data):
    newcomer_data["display_name"] = "N" * 61

    response = client.post(SIGNUP, newcomer_data)

    assert "at most 60 characters" in error_beside(response, "id_display_name")
    assert not User.objects.filter(email="newcomer@example.com").exists()
    assert not Profile.objects.exists()


def test_it_refuses_an_invalid_email(client, newcomer_data):
    newcomer_data["email"] = "not-an-address"

    response = client.post(SIGNUP, newcomer_data)

    assert "valid email" in error_beside(response, "id_email")
    assert not User.objects.exists()


def test_a_logged_in_person_is_sent_away_from_sign_up(client, user):
    client.force_login(user)

    response = client.get(SIGNUP)

    assert response.status_code == 302
