"""Failed log-ins slow the person guessing, never the person whose address they type.

Client addresses come from REMOTE_ADDR unless a trusted proxy is configured
(ALLAUTH_TRUSTED_PROXY_COUNT or ALLAUTH_TRUSTED_CLIENT_IP_HEADER), so behind the
production proxy every visitor still has a bucket of their own.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
PROXY = "10.0.0.2"


def attempt(client: Client, email: str, password: str, **headers) -> str:
    """'in', 'wrong' or 'slowed' for one log-in POST."""
    response = client.post(LOGIN, {"login": email, "password": password}, **headers)
    if response.status_code == 302 and SESSION_KEY in client.session:
        client.logout()
        return "in"
    assert response.status_code in (200, 429), response.status_code
    text = response.content.decode()
    if response.status_code == 429 or "Too many failed" in text:
        return "slowed"
    assert "not correct" in text, text
    return "wrong"


def from_ip(ip: str) -> dict:
    return {"REMOTE_ADDR": ip}


def via_proxy(client_ip: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


def test_a_stranger_guessing_is_slowed_after_five_tries(client, user, password):
    tries = [
        attempt(client, user.email, "guess-number-x", **from_ip("203.0.113.9")) for _ in range(6)
    ]
    assert tries == ["wrong"] * 5 + ["slowed"]
    # Even the right password, from the guessing address, waits its turn.
    assert attempt(client, user.email, password, **from_ip("203.0.113.9")) == "slowed"


def test_a_stranger_guessing_does_not_lock_the_owner_out(client, user, password):
    for _ in range(8):
        attempt(Client(), user.email, "guess-number-x", **from_ip("203.0.113.9"))
    assert attempt(client, user.email, password, **from_ip("198.51.100.7")) == "in"


def test_the_owner_mistyping_five_times_still_gets_in_from_elsewhere(client, user, password):
    for _ in range(5):
        attempt(client, user.email, "typo-typo-typo", **from_ip("198.51.100.7"))
    assert attempt(client, user.email, password, **from_ip("198.51.100.99")) == "in"


def test_one_address_spraying_many_accounts_is_slowed(client):
    tries = [
        attempt(client, f"nobody{i}@example.com", "guess-number-x", **from_ip("203.0.113.9"))
        for i in range(21)
    ]
    assert tries[:20] == ["wrong"] * 20
    assert tries[20] == "slowed"


def test_behind_a_trusted_proxy_each_visitor_has_their_own_bucket(client, settings, password):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    other = UserFactory(email="colleague@example.com")
    for i in range(21):
        attempt(client, f"nobody{i}@example.com", "guess-number-x", **via_proxy("203.0.113.9"))
    assert attempt(client, "nobody0@example.com", "x", **via_proxy("203.0.113.9")) == "slowed"
    assert attempt(client, other.email, password, **via_proxy("198.51.100.7")) == "in"


def test_behind_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client, settings, user):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The proxy appends the real client; what the client wrote before it is ignored.
    tries = [
        attempt(
            client,
            user.email,
            "guess-number-x",
            **via_proxy(f"192.0.2.{i}, 203.0.113.9"),
        )  # fmt: skip
        for i in range(6)
    ]
    assert tries[-1] == "slowed"


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, user):
    tries = [
        attempt(client, user.email, "guess-number-x", **via_proxy(f"192.0.2.{i}")) for i in range(6)
    ]
    assert tries[-1] == "slowed"


def test_a_proxy_count_larger_than_the_chain_falls_back_to_the_peer(
    client, settings, user, password
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    # A request that reached the app past the proxy: no 500, the peer address counts.
    assert attempt(client, user.email, password, **via_proxy("203.0.113.9")) == "in"


def test_a_trusted_client_ip_header_names_the_visitor(client, settings, password):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    other = UserFactory(email="colleague@example.com")
    for i in range(21):
        attempt(
            client, f"nobody{i}@example.com", "guess-number-x",
            REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.9",
        )  # fmt: skip
    assert (
        attempt(client, other.email, password, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.7")
        == "in"
    )


def test_behind_a_trusted_proxy_one_visitors_reset_requests_do_not_block_another(
    client, settings, user
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            RESET, {"email": f"nobody{i}@example.com"}, **via_proxy("203.0.113.9")
        ).status_code
        for i in range(21)
    ]
    assert statuses[-1] == 429
    response = client.post(RESET, {"email": user.email}, **via_proxy("198.51.100.7"))
    assert response.status_code == 302
