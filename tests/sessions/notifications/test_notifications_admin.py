"""The Reminder admin: staff read the outbox and retry failed emails."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Reminder
from tests.factories import make_booking

Kind, Status = Reminder.Kind, Reminder.Status
pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def rows():
    booking = make_booking()
    now = timezone.now()
    failed = Reminder.objects.create(
        booking=booking,
        recipient=booking.guest,
        kind=Kind.CONFIRMATION,
        due_at=now - timedelta(hours=1),
        status=Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    sent = Reminder.objects.create(
        booking=booking,
        recipient=booking.host,
        kind=Kind.CONFIRMATION,
        due_at=now - timedelta(hours=1),
        status=Status.SENT,
        sent_at=now,
        attempts=1,
    )
    return failed, sent


def test_staff_see_the_outbox_with_errors(client, staff, rows):
    client.force_login(staff)
    response = client.get(reverse("admin:interviews_reminder_changelist"))
    assert response.status_code == 200
    assert b"SMTPServerDisconnected" in response.content


def test_retrying_requeues_failed_rows_only(client, staff, rows):
    failed, sent = rows
    client.force_login(staff)
    response = client.post(
        reverse("admin:interviews_reminder_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 0)
    assert failed.due_at <= timezone.now()
    assert (sent.status, sent.attempts) == (Status.SENT, 1)


def test_people_who_are_not_staff_cannot_open_it(client, user, rows):
    client.force_login(user)
    response = client.get(reverse("admin:interviews_reminder_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
