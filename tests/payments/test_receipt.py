from datetime import UTC, datetime

import pytest
from django.core import mail

from payments.models import Order
from payments.tasks import send_receipt
from tests.factories import UserFactory


@pytest.fixture
def order(product):
    buyer = UserFactory(email="buyer@example.com", tz="Asia/Kolkata")
    return Order.objects.create(
        user=buyer,
        product=product,
        status="paid",
        amount_cents=3700,
        currency="usd",
        fulfilled_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )


def test_it_sends_the_receipt_with_the_download_link(order, settings):
    settings.SITE_URL = "https://interviewprep.example"
    assert send_receipt(order.pk) is True
    [message] = mail.outbox
    assert message.to == ["buyer@example.com"]
    assert (
        message.subject
        == f"Your receipt: The Senior Engineer Interview Playbook ({order.reference})"
    )
    assert "https://interviewprep.example/playbook/download/" in message.body
    assert "$37.00" in message.body
    # 12:00 UTC is 17:30 in the buyer's zone.
    assert "Sun 1 Mar 2026, 17:30 IST" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "https://interviewprep.example/playbook/download/" in html


def test_it_sends_once_however_often_it_runs(order):
    results = [send_receipt(order.pk) for _ in range(3)]
    assert results == [True, False, False]
    assert len(mail.outbox) == 1
    order.refresh_from_db()
    assert order.receipt_sent_at is not None


def test_it_sends_nothing_for_an_order_that_is_no_longer_paid(order):
    Order.objects.filter(pk=order.pk).update(status="refunded")
    assert send_receipt(order.pk) is False
    assert mail.outbox == []


def test_a_failed_send_releases_the_claim_for_the_retry(order, settings):
    settings.EMAIL_BACKEND = "tests.payments.test_receipt.BrokenBackend"
    with pytest.raises(OSError):
        send_receipt(order.pk)
    order.refresh_from_db()
    assert order.receipt_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_receipt(order.pk) is True


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
