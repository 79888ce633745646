"""With Redis stopped, people still log in, sign up and reset passwords.

The test starts its own redis-server, points the cache (and so allauth's rate
limits) at it, and stops it mid-test.
"""

import logging
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")


def fail_login(client, email: str) -> int:
    return client.post(LOGIN, {"login": email, "password": "not-the-password"}).status_code


def test_with_redis_stopped_log_in_sign_up_and_reset_answer_and_it_is_logged(
    client, user, password, newcomer_data, redis_server, caplog
):
    # While Redis runs the limits hold: the sixth guess is refused.
    for _ in range(5):
        fail_login(client, user.email)
    refused = client.post(LOGIN, {"login": user.email, "password": password})
    assert "Too many failed" in refused.content.decode()

    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="interviewprep.cache")
    from interviewprep import cache as fail_open

    fail_open.FailOpenRedisCache._last_warning = 0.0

    response = client.post(LOGIN, {"login": user.email, "password": password})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    client.logout()

    response = client.post(SIGNUP, newcomer_data)
    assert response.status_code == 302
    assert User.objects.filter(email=newcomer_data["email"]).count() == 1

    response = client.post(RESET, {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    assert any("rate limits are not enforced" in r.getMessage() for r in caplog.records)


def test_when_redis_comes_back_the_limits_hold_again(client, user, redis_server, monkeypatch):
    from interviewprep.cache import FailOpenRedisCache

    monkeypatch.setattr(FailOpenRedisCache, "RETRY_AFTER_SECONDS", 0.5)
    redis_server.stop()
    assert [fail_login(client, user.email) for _ in range(7)] == [200] * 7
    redis_server.start()
    cache.set("anything", "stored")
    assert cache.get("anything", "fresh") == "fresh"  # not tried again yet
    time.sleep(0.6)
    cache.set("anything", "stored")
    assert cache.get("anything", "fresh") == "stored"
    for _ in range(5):
        fail_login(client, user.email)
    response = client.post(LOGIN, {"login": user.email, "password": "not-the-password"})
    assert "Too many failed" in response.content.decode()


@pytest.mark.timeout(20)
def test_a_hung_redis_is_given_up_on(settings, user, client):
    """A listening socket that never answers: the socket timeouts end the wait."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)
    port = silent.getsockname()[1]
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    try:
        started = time.monotonic()
        assert cache.get("key", "default") == "default"
        first = time.monotonic() - started
        started = time.monotonic()
        assert cache.add("key", "value") is True
        for _ in range(5):
            assert cache.get_many(["key", "other"]) == {}
        then = time.monotonic() - started
    finally:
        silent.close()
    # One wait for the socket's timeout, then the cache answers empty at once
    # for a while instead of waiting again on every call.
    assert first >= 0.4
    assert then < 0.2
