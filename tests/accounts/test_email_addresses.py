"""Email addresses belong to whoever proves they read them.

An address someone merely typed (unverified) takes nothing from its owner:
not the sign-up, not the password reset; the owner's confirmation removes the
typed copies. The add-an-address form mails strangers only a few times.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import deliver_outbox, link_in, log_in_for_changes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")
EMAIL = reverse("account_email")
OWNER = "owner@example.com"


@pytest.fixture
def squatter(db):
    """Someone who typed the owner's address into their own account, unconfirmed."""
    squatter = UserFactory(email="squatter@example.com")
    EmailAddress.objects.create(user=squatter, email=OWNER, verified=False, primary=False)
    return squatter


def signup_data(email: str = OWNER) -> dict:
    return {
        "email": email,
        "display_name": "Owner",
        "timezone": "Europe/Berlin",
        "password1": "the-owners-own-passphrase",
        "password2": "the-owners-own-passphrase",
    }


def mails_to(email: str) -> list:
    return [m for m in deliver_outbox() if m.to == [email]]


def test_an_address_only_typed_elsewhere_does_not_block_the_owners_sign_up(client, squatter):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    owner = User.objects.get(email=OWNER)
    assert owner.pk != squatter.pk
    (message,) = mails_to(OWNER)
    assert "/accounts/confirm-email/" in message.body


def test_the_owners_confirmation_removes_the_typed_copies(client, squatter):
    client.post(SIGNUP, signup_data())
    (message,) = mails_to(OWNER)

    client.post(link_in(message, "/accounts/confirm-email/"))

    owner = User.objects.get(email=OWNER)
    assert client.session[SESSION_KEY] == str(owner.pk)
    assert list(EmailAddress.objects.filter(email=OWNER).values_list("user", "verified")) == [
        (owner.pk, True)
    ]
    # The squatter keeps their own address, and nothing else of theirs changes.
    assert list(squatter.emailaddress_set.values_list("email", flat=True)) == [
        "squatter@example.com"
    ]


def test_a_reset_for_an_address_only_typed_elsewhere_sends_no_key(client, squatter, password):
    response = client.post(RESET, {"email": OWNER})

    assert response.status_code == 302
    (message,) = mails_to(OWNER)
    assert "/accounts/password/reset/key/" not in message.body
    assert "no interviewprep account uses this address" in message.body
    squatter.refresh_from_db()
    assert squatter.check_password(password)


def test_a_pending_secondary_address_gets_no_reset_key(client, user):
    # A mistyped new address, never confirmed.
    EmailAddress.objects.create(user=user, email="owner@exmaple.com", verified=False)

    client.post(RESET, {"email": "owner@exmaple.com"})

    (message,) = mails_to("owner@exmaple.com")
    assert "/accounts/password/reset/key/" not in message.body


def test_a_verified_address_still_gets_its_reset_key(client, user):
    client.post(RESET, {"email": OWNER})

    (message,) = mails_to(OWNER)
    assert "/accounts/password/reset/key/" in message.body


def test_sign_up_with_a_verified_address_looks_like_any_sign_up_and_mails_the_owner(client, user):
    response = client.post(SIGNUP, signup_data())

    # The page says what it says to everyone: nobody learns the address is taken.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=OWNER).count() == 1
    (message,) = mails_to(OWNER)
    assert "already have an interviewprep account" in message.body
    assert "/accounts/login/" in message.body
    assert "/accounts/password/reset/" in message.body
    assert "/accounts/confirm-email/" not in message.body


def test_the_add_address_form_mails_three_strangers_then_waits(client, user):
    log_in_for_changes(client, user)

    statuses = [
        client.post(EMAIL, {"action_add": "", "email": f"stranger{i}@example.com"}).status_code
        for i in range(5)
    ]

    assert statuses == [302, 302, 302, 429, 429]
    sent = [m.to[0] for m in deliver_outbox() if "stranger" in m.to[0]]
    assert sent == ["stranger0@example.com", "stranger1@example.com", "stranger2@example.com"]


def test_adding_an_address_verified_elsewhere_can_not_take_it(client, user, stranger):
    log_in_for_changes(client, stranger)
    response = client.post(EMAIL, {"action_add": "", "email": OWNER})
    # Answered like any other address: the form reveals no accounts.
    assert response.status_code == 302
    (message,) = mails_to(OWNER)

    client.post(link_in(message, "/accounts/confirm-email/"))

    assert EmailAddress.objects.get(email=OWNER, verified=True).user == user
    assert not EmailAddress.objects.filter(user=stranger, email=OWNER, verified=True).exists()
    stranger.refresh_from_db()
    assert stranger.email == "stranger@example.com"


def test_reset_requests_mail_one_address_at_most_three_times_in_fifteen_minutes(client):
    statuses = [
        client.post(RESET, {"email": "nobody@example.com"}, REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(5)
    ]

    assert statuses == [302, 302, 302, 429, 429]
    assert len(mails_to("nobody@example.com")) == 3


def test_an_unfinished_sign_up_with_the_owners_address_can_be_taken_back_by_reset(client, password):
    # A stranger signed up with the owner's address and never confirmed it:
    # the owner can't sign up (the address is that account's login), so the
    # reset key, which only the inbox's owner reads, lets them take it over.
    stranger = UserFactory(email=OWNER, verified=False)
    EmailAddress.objects.create(user=stranger, email=OWNER, verified=False, primary=True)
    client.post(RESET, {"email": OWNER})
    (message,) = mails_to(OWNER)
    link = link_in(message, "/accounts/password/reset/key/")

    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url,
        {"password1": "the-owners-own-passphrase", "password2": "the-owners-own-passphrase"},
    )

    stranger.refresh_from_db()
    assert stranger.check_password("the-owners-own-passphrase")
    assert not stranger.check_password(password)
    # Logging in still asks the owner to confirm the address first.
    response = client.post(
        reverse("account_login"), {"login": OWNER, "password": "the-owners-own-passphrase"}
    )
    assert response["Location"] == reverse("account_email_verification_sent")


def test_an_account_with_a_confirmed_address_gets_no_key_at_an_unconfirmed_one(client, user):
    # Its login address confirmed elsewhere: an unconfirmed new login address gets nothing.
    user.email = "moved@example.com"
    user.save(update_fields=["email"])
    EmailAddress.objects.create(user=user, email="moved@example.com", verified=False)
    client.post(RESET, {"email": "moved@example.com"})
    (message,) = mails_to("moved@example.com")
    assert "/accounts/password/reset/key/" not in message.body
