"""The one-click unsubscribe page: no login, a signed token, GET asks, POST acts; an
altered link is a 400 page, an expired one a 410 page, a malformed one a 404."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sessions.notifications.emails import UNSUBSCRIBE_MAX_AGE, unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url_for(user, topic="reminder_24h") -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user, topic)])


def test_the_page_asks_first_and_changes_nothing_on_get(client, user):
    response = client.get(url_for(user))
    assert response.status_code == 200
    assert b"Stop 24-hour reminders?" in response.content
    assert user.email.encode() in response.content
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is True


def test_posting_switches_off_that_one_kind_of_email(client, user):
    response = client.post(url_for(user))
    assert response.status_code == 200
    assert b"no more 24-hour reminders" in response.content
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is False
    assert user.profile.email_reminder_1h is True
    assert user.profile.email_feedback is True


@pytest.mark.parametrize(
    ("topic", "field"),
    [("reminder_1h", "email_reminder_1h"), ("feedback", "email_feedback")],
)
def test_each_topic_switches_its_own_preference(client, user, topic, field):
    client.post(url_for(user, topic))
    user.profile.refresh_from_db()
    assert getattr(user.profile, field) is False


def test_a_mail_clients_one_click_post_works_without_cookies_or_csrf(user):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        url_for(user),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is False


def test_it_needs_no_login_and_acts_for_the_token_owner_only(client, user, stranger):
    client.force_login(stranger)
    client.post(url_for(user))
    user.profile.refresh_from_db()
    stranger.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is False
    assert stranger.profile.email_reminder_24h is True


def test_a_tampered_token_is_a_400_page_that_says_so_and_changes_nothing(client, user, stranger):
    from django.core import signing

    token = unsubscribe_token(user, "reminder_24h")
    # The stranger's id with the user's signature.
    payload = signing.b64_encode(f'{{"u":{stranger.pk},"t":"reminder_24h"}}'.encode()).decode()
    forged = ":".join([payload, *token.split(":")[1:]])
    assert forged != token
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        path = reverse("notifications:unsubscribe", args=[bad])
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 400
            html = response.content.decode()
            assert "This unsubscribe link is not valid" in html
            assert "Nothing was changed" in html
            assert f'href="{reverse("profile")}#emails-heading"' in html
    for person in (user, stranger):
        person.profile.refresh_from_db()
        assert person.profile.email_reminder_24h is True


def test_a_token_signed_for_another_purpose_is_refused(client, user):
    from django.core import signing

    other = signing.dumps({"u": user.pk, "t": "reminder_24h"}, compress=True)
    path = reverse("notifications:unsubscribe", args=[other])
    assert client.post(path).status_code == 400
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is True


def test_an_expired_token_is_a_410_page_that_says_so_and_changes_nothing(client, user):
    sent = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    with time_machine.travel(sent, tick=False):
        path = url_for(user)
    with time_machine.travel(sent + UNSUBSCRIBE_MAX_AGE - timedelta(minutes=1), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(sent + UNSUBSCRIBE_MAX_AGE + timedelta(minutes=1), tick=False):
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 410
            html = response.content.decode()
            assert "This unsubscribe link has expired" in html
            assert "Nothing was changed" in html
            assert f'href="{reverse("profile")}#emails-heading"' in html
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is True


@pytest.mark.parametrize("shape", ["a b", "a%00b", "a" * 301, "<script>"])
def test_a_malformed_token_is_a_404_before_any_query(client, shape, django_assert_num_queries):
    from urllib.parse import quote

    with django_assert_num_queries(0):
        response = client.get(f"/emails/unsubscribe/{quote(shape, safe='%')}/")
    assert response.status_code == 404


def test_a_deactivated_account_is_a_404(client):
    gone = UserFactory(is_active=False)
    assert client.get(url_for(gone)).status_code == 404


def test_it_refuses_other_methods(client, user):
    assert client.put(url_for(user)).status_code == 405
    assert client.delete(url_for(user)).status_code == 405


def test_a_second_click_says_it_is_already_off(client, user):
    client.post(url_for(user))
    response = client.get(url_for(user))
    assert b"already gets no 24-hour reminders" in response.content
