"""Leaving takes the person's addresses out of the email outbox.

Mail not yet sent to any of their addresses is cancelled (the row stays as a
trace), mail shared with others still goes to the others, and no row keeps an
address of theirs afterwards, sent ones included.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.models import OutgoingEmail
from accounts.outbox import CANCELLED_RECIPIENT_LEFT, queue_email, send_due_emails
from accounts.services import anonymise_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status


def queued(subject: str, *to: str) -> OutgoingEmail:
    return queue_email(EmailMessage(subject, f"Body of {subject}", "team@example.com", list(to)))


@pytest.fixture
def ada(db):
    person = UserFactory(email="ada@example.com")
    # A second address, typed with capitals and never confirmed.
    EmailAddress.objects.create(user=person, email="Ada.Work@Example.com", verified=False)
    return person


def test_unsent_mail_to_any_old_address_is_cancelled_and_no_row_keeps_one(settings, ada):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    delivered = queued("Welcome", "ada@example.com")
    assert send_due_emails() == 1
    reset = queued("Reset your password", "ADA@example.com")
    confirm = queued("Confirm your address", "ada.work@example.com")
    shared = queued("For both of you", "ada@example.com", "grace@example.com")
    in_flight = queued("Being sent", "ada@example.com")
    OutgoingEmail.objects.filter(pk=in_flight.pk).update(status=Status.SENDING, claimed_at=now)
    failed = queued("Gave up", "ada@example.com")
    OutgoingEmail.objects.filter(pk=failed.pk).update(status=Status.FAILED, last_error="refused")
    grace_only = queued("Only Grace", "grace@example.com")
    mail.outbox.clear()

    ada = anonymise_user(user=ada, by=ada, now=now)

    rows = {row.pk: row for row in OutgoingEmail.objects.all()}
    for row in (reset, confirm, in_flight):
        row = rows[row.pk]
        assert (row.status, row.last_error) == (Status.CANCELLED, CANCELLED_RECIPIENT_LEFT)
        assert row.to == [ada.email] and (row.body_text, row.body_html) == ("", "")
    assert (rows[delivered.pk].status, rows[delivered.pk].to) == (Status.SENT, [ada.email])
    assert (rows[failed.pk].status, rows[failed.pk].to) == (Status.FAILED, [ada.email])
    assert rows[failed.pk].body_text == ""
    assert (rows[shared.pk].status, rows[shared.pk].to) == (Status.QUEUED, ["grace@example.com"])
    assert rows[shared.pk].body_text == "Body of For both of you"
    assert rows[grace_only.pk].to == ["grace@example.com"]
    everything = repr(list(OutgoingEmail.objects.values()))
    assert "ada@" not in everything.lower() and "ada.work@" not in everything.lower()

    # The sweep, even after a stale claim would be retaken, sends only Grace's mail.
    assert send_due_emails(now=timezone.now() + timedelta(hours=1)) == 2
    assert sorted(m.subject for m in mail.outbox) == ["For both of you", "Only Grace"]
    assert all(m.to == ["grace@example.com"] for m in mail.outbox)
    assert OutgoingEmail.objects.get(pk=in_flight.pk).status == Status.CANCELLED


def test_other_peoples_mail_is_left_alone(settings, ada):
    # A different person whose address merely contains the leaver's one.
    other = queued("Hello", "grace.ada@example.com")
    anonymise_user(user=ada, by=ada)
    other.refresh_from_db()
    assert (other.status, other.to, other.body_text) == (
        Status.QUEUED,
        ["grace.ada@example.com"],
        "Body of Hello",
    )
