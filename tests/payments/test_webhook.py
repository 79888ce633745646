import socket
import time

import pytest

from payments.models import Order, StripeEvent
from tests.fakes.stripe_server import sign
from tests.payments.helpers import buy, receipts_to

WEBHOOK = "/playbook/stripe/webhook/"


@pytest.fixture
def fake(webhook_to_client, eager_tasks):
    webhook_to_client.delivery = "hold"
    return webhook_to_client


@pytest.fixture
def checkout(client, user, product, fake):
    client.force_login(user)
    return buy(client, fake)


def state(order: Order) -> tuple:
    order.refresh_from_db()
    return order.status, order.fulfilled_at, order.receipt_sent_at, order.needs_attention


def test_a_completed_checkout_marks_the_order_paid_and_sends_one_receipt(
    fake, checkout, user, django_capture_on_commit_callbacks
):
    order, session_id = checkout
    fake.pay(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.fulfilled_at is not None
    assert order.stripe_payment_intent_id == fake.sessions[session_id]["payment_intent"]
    assert len(receipts_to(user.email)) == 1
    event = StripeEvent.objects.get()
    assert (event.type, event.order, event.deliveries) == ("checkout.session.completed", order, 1)
    assert event.processed_at is not None


def test_the_same_event_ten_times_has_one_effect(
    fake, checkout, user, django_capture_on_commit_callbacks
):
    order, session_id = checkout
    event = fake.pay(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [fake.deliver(event) for _ in range(10)]
    assert statuses == [200] * 10
    assert Order.objects.filter(status="paid").count() == 1
    assert len(receipts_to(user.email)) == 1
    row = StripeEvent.objects.get()
    assert row.deliveries == 10
    # Replays are answered from our own record, without asking Stripe again.
    assert fake.api_calls.count(("GET", f"/v1/checkout/sessions/{session_id}")) == 1


def test_a_forged_signature_is_refused_and_changes_nothing(fake, checkout):
    order, session_id = checkout
    before = state(order)
    event = fake.pay(session_id)
    assert fake.deliver(event, secret="whsec_someone_else") == 400
    assert state(order) == before
    assert not StripeEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(fake, checkout):
    order, session_id = checkout
    before = state(order)
    event = fake.pay(session_id)
    body = fake.event_body(event)
    header = sign(body, fake.webhook_secret)
    assert (
        fake.post(body.replace("checkout.session.completed", "checkout.session.expired"), header)
        == 400
    )
    assert state(order) == before
    assert not StripeEvent.objects.exists()


def test_a_stale_timestamp_is_refused_and_changes_nothing(fake, checkout):
    order, session_id = checkout
    before = state(order)
    event = fake.pay(session_id)
    assert fake.deliver(event, timestamp=int(time.time()) - 301) == 400
    assert state(order) == before
    assert not StripeEvent.objects.exists()
    # Within Stripe's five minutes it is still good.
    assert fake.deliver(event, timestamp=int(time.time()) - 240) == 200
    assert state(order)[0] == Order.Status.PAID


def test_a_missing_signature_is_refused(fake, checkout):
    _, session_id = checkout
    event = fake.pay(session_id)
    assert fake.post(fake.event_body(event), None) == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    ['{"id": "evt_1", "type": "checkout.session.completed", ', "[1, 2]", '{"id": 1}', "\xff"],
)
def test_malformed_json_is_refused_even_when_signed(fake, checkout, body):
    order, _ = checkout
    before = state(order)
    assert fake.post(body, sign(body, fake.webhook_secret)) == 400
    assert state(order) == before
    assert not StripeEvent.objects.exists()


def test_the_webhook_refuses_get(client, fake):
    assert client.get(WEBHOOK).status_code == 405


def test_without_a_webhook_secret_it_asks_stripe_to_retry(fake, checkout, settings):
    order, session_id = checkout
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert fake.deliver(fake.pay(session_id)) == 503
    assert state(order)[0] == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_an_event_type_it_does_not_handle_is_recorded_and_answered_200(fake, checkout):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = fake.emit("customer.created", {"id": "cus_test_1", "object": "customer"})
    with CaptureQueriesContext(connection) as queries:
        assert fake.flush() == [200]
    row = StripeEvent.objects.get(event_id=event["id"])
    assert row.outcome == "ignored" and row.processed_at is not None
    assert row.deliveries == 1
    # One INSERT records it as done: no read before it, no UPDATE after (the
    # savepoint around it exists only because the test runs in a transaction).
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["INSERT"]
    # Stripe sends it again: counted, and answered as done already.
    assert fake.deliver(event) == 200
    row.refresh_from_db()
    assert (row.deliveries, row.outcome) == (2, "ignored")


def test_a_completed_event_for_a_session_that_is_not_ours_changes_nothing(fake, checkout):
    order, _ = checkout
    before = state(order)
    _, foreign = fake.create_session(
        {
            "mode": "payment",
            "success_url": "https://elsewhere.example/ok",
            "client_reference_id": "999999",
            "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 3700}}],
        },
        None,
    )
    fake.pay(foreign["id"])
    assert fake.flush() == [200]
    assert state(order) == before
    assert StripeEvent.objects.get().outcome == "no order for this session"


def test_a_delayed_payment_waits_then_succeeds(
    fake, checkout, user, django_capture_on_commit_callbacks
):
    order, session_id = checkout
    fake.pay(session_id, delayed=True)
    assert fake.flush() == [200]
    assert state(order)[0] == Order.Status.PENDING
    fake.async_succeed(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert fake.flush() == [200]
    assert state(order)[0] == Order.Status.PAID
    assert len(receipts_to(user.email)) == 1


def test_a_delayed_payment_that_fails_fails_the_order(fake, checkout, user):
    order, session_id = checkout
    fake.pay(session_id, delayed=True)
    fake.async_fail(session_id)
    assert fake.flush() == [200, 200]
    assert state(order)[0] == Order.Status.FAILED
    assert receipts_to(user.email) == []


def test_an_expired_checkout_expires_the_order(fake, checkout):
    order, session_id = checkout
    fake.expire(session_id)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED and order.closed_at is not None


def test_an_amount_mismatch_is_not_fulfilled(fake, checkout, user, client):
    order, session_id = checkout
    fake.tamper(session_id, amount_total=100)
    fake.pay(session_id)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.needs_attention and "100 usd" in order.attention_note
    assert receipts_to(user.email) == []
    assert client.get("/playbook/download/").status_code == 404


def test_a_currency_mismatch_is_not_fulfilled(fake, checkout):
    order, session_id = checkout
    fake.tamper(session_id, currency="eur")
    fake.pay(session_id)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.needs_attention


def paid(fake, checkout, client) -> tuple[Order, str]:
    order, session_id = checkout
    fake.pay(session_id)
    fake.flush()
    assert client.get("/playbook/download/").status_code == 200
    return order, session_id


def test_a_refund_revokes_the_download(fake, checkout, client):
    order, session_id = paid(fake, checkout, client)
    fake.refund(session_id)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded_at is not None
    assert client.get("/playbook/download/").status_code == 404


def test_a_partial_refund_keeps_the_download_and_flags_the_order(fake, checkout, client):
    order, session_id = paid(fake, checkout, client)
    fake.refund(session_id, amount=1000)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.needs_attention and "Partially refunded" in order.attention_note
    assert client.get("/playbook/download/").status_code == 200


def test_a_dispute_revokes_the_download_and_flags_it_for_staff(fake, checkout, client):
    order, session_id = paid(fake, checkout, client)
    fake.dispute(session_id)
    assert fake.flush() == [200, 200]  # created, funds_withdrawn
    order.refresh_from_db()
    assert order.status == Order.Status.DISPUTED and order.disputed_at is not None
    assert order.needs_attention and "Dispute" in order.attention_note
    assert client.get("/playbook/download/").status_code == 404


def test_a_refund_that_arrives_before_the_completion_still_wins(fake, checkout, client):
    order, session_id = checkout
    fake.pay(session_id)
    fake.refund(session_id)
    assert fake.flush(reverse=True) == [200, 200]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert client.get("/playbook/download/").status_code == 404


def test_a_dispute_that_arrives_before_the_completion_still_wins(fake, checkout, client):
    order, session_id = checkout
    fake.pay(session_id)
    fake.dispute(session_id)
    assert fake.flush(reverse=True) == [200, 200, 200]
    assert state(order)[0] == Order.Status.DISPUTED
    assert client.get("/playbook/download/").status_code == 404


def test_when_stripe_is_unreachable_the_event_is_kept_for_the_retry(fake, checkout, settings):
    order, session_id = checkout
    event = fake.pay(session_id)
    real_base = settings.STRIPE_API_BASE
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{s.getsockname()[1]}"
    assert fake.deliver(event) == 503
    assert state(order)[0] == Order.Status.PENDING
    assert StripeEvent.objects.get().processed_at is None
    settings.STRIPE_API_BASE = real_base
    assert fake.deliver(event) == 200
    assert state(order)[0] == Order.Status.PAID
    assert StripeEvent.objects.get().processed_at is not None


def test_without_the_secret_key_an_event_is_kept_for_the_retry(fake, checkout, settings):
    order, session_id = checkout
    event = fake.pay(session_id)
    settings.STRIPE_SECRET_KEY = ""
    assert fake.deliver(event) == 503
    assert state(order)[0] == Order.Status.PENDING
    assert StripeEvent.objects.get().processed_at is None


def test_a_refund_of_a_charge_without_a_payment_intent_touches_no_order(
    fake, checkout, client, stranger, product
):
    order, _ = paid(fake, checkout, client)
    waiting = Order.objects.create(
        user=stranger, product=product, amount_cents=3700, currency="usd"
    )
    fake.emit(
        "charge.refunded",
        {"id": "ch_test_other", "object": "charge", "payment_intent": None, "refunded": True},
    )
    assert fake.flush() == [200]
    assert state(order)[0] == Order.Status.PAID
    assert state(waiting) == (Order.Status.PENDING, None, None, False)
    assert Order.objects.get(pk=waiting.pk).refunded_at is None
    assert StripeEvent.objects.get(type="charge.refunded").outcome == "no order for this payment"


def test_paying_after_a_complimentary_grant_flags_the_payment_for_a_refund(
    fake, checkout, user, staff, product, client
):
    from payments.services import grant_complimentary

    order, session_id = checkout
    grant_complimentary(user=user, product=product, granted_by=staff)
    fake.pay(session_id)
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.needs_attention and "refund this payment" in order.attention_note
    assert order.stripe_payment_intent_id == fake.sessions[session_id]["payment_intent"]
    assert client.get("/playbook/download/").status_code == 200


@pytest.mark.parametrize("amount", ["1000", "ten dollars", 12.5, True, -5, [3700]])
def test_a_signed_refund_with_a_non_numeric_amount_changes_nothing(fake, checkout, client, amount):
    order, session_id = paid(fake, checkout, client)
    charge = {**fake.charges[session_id], "amount_refunded": amount, "refunded": True}
    fake.emit("charge.refunded", charge)
    assert fake.flush() == [200]
    assert state(order)[0] == Order.Status.PAID
    row = StripeEvent.objects.get(type="charge.refunded")
    assert row.outcome.startswith("malformed: amount_refunded")
    assert client.get("/playbook/download/").status_code == 200


def test_a_signed_checkout_event_without_a_session_id_changes_nothing(fake, checkout):
    order, _ = checkout
    before = state(order)
    fake.emit("checkout.session.completed", {"object": "checkout.session", "id": 42})
    assert fake.flush() == [200]
    assert state(order) == before
    assert StripeEvent.objects.get().outcome == "malformed: id is not a string"
