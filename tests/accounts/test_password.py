import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.conftest import deliver_outbox, error_beside, link_in

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
CHANGE = reverse("account_change_password")
NEW = "a-brand-new-passphrase"


def test_the_reset_link_from_the_email_sets_a_new_password(client, user, password, mailoutbox):
    response = client.post(RESET, {"email": "owner@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    deliver_outbox()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "[interviewprep] Choose a new password"
    link = link_in(message, "/accounts/password/reset/key/")

    # allauth moves the key out of the address into the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["form"].fields["password1"].label == "New password"
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW, "password2": NEW})

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not user.check_password(password)
    client.logout()
    client.post(reverse("account_login"), {"login": "owner@example.com", "password": NEW})
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_reset_link_works_once(client, user, mailoutbox):
    client.post(RESET, {"email": "owner@example.com"})
    deliver_outbox()
    link = link_in(mailoutbox[0], "/accounts/password/reset/key/")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW, "password2": NEW})
    client.logout()

    again = client.get(link, follow=True)

    assert again.context["token_fail"] is True
    assert b"This link has expired" in again.content


def test_a_reset_for_an_unknown_address_reveals_nothing_on_the_page(client, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.com"})

    # The same page as for a real account; the mail goes to the address itself.
    assert response["Location"] == reverse("account_reset_password_done")
    deliver_outbox()
    assert len(mailoutbox) == 1
    assert "no interviewprep account uses this address" in mailoutbox[0].body


def test_the_new_password_must_be_strong(client, user, password, mailoutbox):
    client.post(RESET, {"email": "owner@example.com"})
    deliver_outbox()
    link = link_in(mailoutbox[0], "/accounts/password/reset/key/")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "password", "password2": "password"})

    assert "too common" in error_beside(response, "id_password1")
    user.refresh_from_db()
    assert user.check_password(password)


def test_too_many_reset_requests_get_the_rate_limit_page(client, user, mailoutbox):
    # Three reset mails per address in fifteen minutes (ACCOUNT_RATE_LIMITS).
    for _ in range(3):
        assert client.post(RESET, {"email": "owner@example.com"}).status_code == 302

    response = client.post(RESET, {"email": "owner@example.com"})

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"/static/css/app.css" in response.content
    deliver_outbox()
    assert len(mailoutbox) == 3


def test_changing_the_password_needs_the_current_one(client, user, password):
    client.force_login(user)

    response = client.post(CHANGE, {"oldpassword": "wrong", "password1": NEW, "password2": NEW})

    assert "current password" in error_beside(response, "id_oldpassword")
    user.refresh_from_db()
    assert user.check_password(password)


def test_changing_the_password_keeps_the_person_logged_in(client, user, password):
    client.force_login(user)

    response = client.post(CHANGE, {"oldpassword": password, "password1": NEW, "password2": NEW})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("profile")).status_code == 200


def test_changing_the_password_requires_login(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
