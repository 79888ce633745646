"""Two-factor sign-in: an authenticator app, recovery codes, passkeys; and re-authentication."""

import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.totp import secret_from_activation_page, totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
EMAIL = reverse("account_email")
REAUTH = reverse("account_reauthenticate")
MFA_INDEX = reverse("mfa_index")
MFA_AUTH = reverse("mfa_authenticate")
MFA_REAUTH = reverse("mfa_reauthenticate")
ACTIVATE = reverse("mfa_activate_totp")
NOW = 1_800_000_000.0  # a fixed instant, so a code's 30-second window never rolls over


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def totp_user(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    user.totp_secret = secret
    return user


def test_changing_the_email_address_asks_for_the_password_again(client, user, password):
    client.force_login(user)

    response = client.post(EMAIL, {"action_add": "", "email": "new@example.com"})

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)
    assert not EmailAddress.objects.filter(email="new@example.com").exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Confirm it's you" in page.content.decode()

    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email="new@example.com").exists()

    # The right password resumes the change that was asked for.
    client.post(response["Location"], {"password": password})
    assert EmailAddress.objects.filter(user=user, email="new@example.com").exists()


def test_with_an_authenticator_the_confirmation_can_be_a_code(client, totp_user, clock):
    client.force_login(totp_user)
    response = client.post(EMAIL, {"action_add": "", "email": "new@example.com"})
    assert response["Location"].startswith(REAUTH)

    page = client.get(MFA_REAUTH)
    assert page.status_code == 200
    wrong = client.post(f"{MFA_REAUTH}?next={EMAIL}", {"code": "not-a-code"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email="new@example.com").exists()

    # The right code resumes the change that was asked for.
    response = client.post(
        f"{MFA_REAUTH}?next={EMAIL}", {"code": totp_code(totp_user.totp_secret, NOW)}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=totp_user, email="new@example.com").exists()


def test_activating_an_authenticator_shows_a_qr_code_and_needs_a_valid_code(
    client, user, password, clock
):
    client.force_login(user)
    client.post(REAUTH, {"password": password})

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = secret_from_activation_page(html)

    wrong = client.post(
        ACTIVATE, {"code": "000000" if totp_code(secret, NOW) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(ACTIVATE, {"code": totp_code(secret, NOW)})
    assert response.status_code == 302
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }


def test_with_an_authenticator_the_password_alone_does_not_log_in(
    client, totp_user, password, clock
):
    response = client.post(LOGIN, {"login": totp_user.email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == MFA_AUTH
    assert SESSION_KEY not in client.session

    wrong = client.post(
        MFA_AUTH,
        {"code": "123456" if totp_code(totp_user.totp_secret, NOW) != "123456" else "654321"},
    )
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert SESSION_KEY not in client.session

    client.post(MFA_AUTH, {"code": totp_code(totp_user.totp_secret, NOW)})
    assert client.session[SESSION_KEY] == str(totp_user.pk)


def test_a_code_works_once(client, totp_user, password, clock):
    code = totp_code(totp_user.totp_secret, NOW)
    client.post(LOGIN, {"login": totp_user.email, "password": password})
    client.post(MFA_AUTH, {"code": code})
    client.logout()

    client.post(LOGIN, {"login": totp_user.email, "password": password})
    client.post(MFA_AUTH, {"code": code})

    assert SESSION_KEY not in client.session


def test_a_recovery_code_logs_in_once(client, totp_user, password):
    (code, *_) = RecoveryCodes(
        Authenticator.objects.get(user=totp_user, type="recovery_codes")
    ).get_unused_codes()

    client.post(LOGIN, {"login": totp_user.email, "password": password})
    client.post(MFA_AUTH, {"code": code})
    assert client.session[SESSION_KEY] == str(totp_user.pk)
    client.logout()

    client.post(LOGIN, {"login": totp_user.email, "password": password})
    client.post(MFA_AUTH, {"code": code})
    assert SESSION_KEY not in client.session


def test_the_two_factor_pages_are_the_sites_own(client, totp_user, password):
    client.force_login(totp_user)
    client.post(REAUTH, {"password": password})
    for name in ["mfa_index", "mfa_view_recovery_codes", "mfa_add_webauthn", "mfa_list_webauthn"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'class="auth-card' in html, name
        assert 'class="back-link"' in html, name  # the way back


def test_the_profile_links_to_two_factor_sign_in(client, user):
    client.force_login(user)
    html = client.get(reverse("profile")).content.decode()
    assert f'href="{MFA_INDEX}"' in html


def test_the_login_page_offers_a_passkey(client):
    html = client.get(LOGIN).content.decode()
    assert "passkey" in html.lower()


def test_two_factor_pages_need_a_login(client):
    for name in ["mfa_index", "mfa_activate_totp", "mfa_add_webauthn"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_wall_clock_codes_are_accepted_around_a_step_boundary(client, totp_user, password):
    # One 30-second step either side is allowed (MFA_TOTP_TOLERANCE), so a code
    # typed as the phone's window rolls over still works.
    previous_step = totp_code(totp_user.totp_secret, time.time() - 30)
    client.post(LOGIN, {"login": totp_user.email, "password": password})
    client.post(MFA_AUTH, {"code": previous_step})
    assert client.session[SESSION_KEY] == str(totp_user.pk)
