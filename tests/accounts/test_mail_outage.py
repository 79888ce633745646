"""With the mail server or the broker down, sign-up and reset still answer, and mail follows.

The tests start their own SMTP server (aiosmtpd) and Redis, stop them, and
check that requests answer without a 5xx, that nothing is half-written, and
that every message is delivered once the server is back.
"""

import re
import time
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingEmail, User
from accounts.outbox import send_due_emails
from interviewprep.celery import app as celery_app
from tests.outages import RedisServer, SmtpServer

SIGNUP = reverse("account_signup")
RESET = reverse("account_reset_password")
LOGIN = reverse("account_login")
Status = OutgoingEmail.Status


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


def text_of(message) -> str:
    if message.is_multipart():
        return "".join(
            text_of(p) for p in message.get_payload() if p.get_content_type() == "text/plain"
        )
    return message.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_with_smtp_down_sign_up_and_reset_answer_and_mail_follows_when_it_is_back(
    client, smtp, user, newcomer_data
):
    smtp.stop()

    response = client.post(SIGNUP, newcomer_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    # A retry of the same sign-up makes no second account and no error page.
    again = client.post(SIGNUP, newcomer_data)
    assert again.status_code == 302
    assert User.objects.filter(email=newcomer_data["email"]).count() == 1
    response = client.post(RESET, {"email": user.email})
    assert response.status_code == 302

    assert send_due_emails() == 0
    rows = OutgoingEmail.objects.order_by("pk")
    # The confirmation and the reset key; the retried sign-up sends no second
    # confirmation within allauth's cooldown (ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN).
    assert [(r.status, r.attempts) for r in rows] == [(Status.QUEUED, 1)] * 2
    assert all("refused" in r.last_error.lower() for r in rows)
    assert all(r.next_attempt_at > timezone.now() for r in rows)

    smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert send_due_emails() == 2
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    # Delivered bodies (reset and confirmation keys) are not kept.
    assert set(OutgoingEmail.objects.values_list("body_text", "body_html")) == {("", "")}
    received = {(m["To"], m["Subject"]) for m in smtp.messages}
    assert received == {
        ("newcomer@example.com", "[interviewprep] Confirm your email address"),
        ("owner@example.com", "[interviewprep] Choose a new password"),
    }
    confirm = next(m for m in smtp.messages if "Confirm" in m["Subject"])
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", text_of(confirm))[1]
    client.post(path)
    assert User.objects.get(email="newcomer@example.com").emailaddress_set.get().verified


@pytest.mark.django_db
def test_a_message_that_keeps_failing_is_given_up_after_its_attempts_and_logged(
    smtp, caplog, user, client
):
    from accounts import outbox

    smtp.stop()
    client.post(RESET, {"email": user.email})
    now = timezone.now()
    for attempt in range(outbox.MAX_ATTEMPTS):
        now += outbox.retry_delay(attempt + 1)
        with time_machine.travel(now, tick=False):
            send_due_emails()
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)
    assert any("given up" in r.getMessage() for r in caplog.records)


@pytest.fixture
def broker_down():
    """Point the Celery app at a Redis of the test's own, then stop that Redis."""
    server = RedisServer().start()
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = server.url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    server.stop()
    yield server
    celery_app.conf.broker_url = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_with_the_broker_down_sign_up_answers_and_the_sweep_sends_later(
    client, newcomer_data, broker_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(SIGNUP, newcomer_data)
    assert callbacks, "the send was requested after commit"
    assert response.status_code == 302
    assert any("broker unavailable" in r.getMessage() for r in caplog.records)
    assert OutgoingEmail.objects.get().status == Status.QUEUED
    # Beat's sweep (here called as the worker would run it) sends it.
    assert send_due_emails() == 1
    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]


def wait_for(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.timeout(120)
# serialized_rollback: a plain transactional flush would recreate content types that
# the next serialized_rollback test then inserts again.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_the_sign_up_mail_once(client, newcomer_data):
    redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ):
            response = client.post(SIGNUP, newcomer_data)
            assert response.status_code == 302
            wait_for(lambda: OutgoingEmail.objects.filter(status=Status.SENT).exists())
            # A second delivery of the same row (a redelivered task) sends nothing more.
            from accounts.outbox import send_outgoing_email

            assert send_outgoing_email(OutgoingEmail.objects.get().pk) is False
    finally:
        connection.close()
        redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]


@pytest.mark.django_db
def test_with_redis_and_smtp_both_down_every_entrance_answers_and_mail_follows(
    client, settings, smtp, broker_down, user, password, newcomer_data,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": broker_down.url}}
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        login = client.post(LOGIN, {"login": user.email, "password": password})
        client.logout()
        signup = client.post(SIGNUP, newcomer_data)
        reset = client.post(RESET, {"email": user.email})
    assert [login.status_code, signup.status_code, reset.status_code] == [302, 302, 302]
    assert User.objects.filter(email=newcomer_data["email"]).count() == 1
    assert OutgoingEmail.objects.filter(status=Status.QUEUED).count() == 2

    smtp.start()
    assert send_due_emails() == 2
    assert sorted(m["To"] for m in smtp.messages) == ["newcomer@example.com", "owner@example.com"]
