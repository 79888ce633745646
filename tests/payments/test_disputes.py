"""A dispute's whole life: opened, answered, won or lost, money withdrawn and reinstated.

Every event is only a trigger: the app asks Stripe for the dispute's current
status, so replays and any delivery order end in the same state.
"""

import pytest

from payments.models import Order, StripeEvent
from tests.payments.helpers import buy

DOWNLOAD = "/playbook/download/"


@pytest.fixture
def fake(webhook_to_client, eager_tasks):
    webhook_to_client.delivery = "hold"
    return webhook_to_client


@pytest.fixture
def bought(client, user, product, fake) -> tuple[Order, str]:
    client.force_login(user)
    order, session_id = buy(client, fake)
    fake.pay(session_id)
    assert fake.flush() == [200]
    assert client.get(DOWNLOAD).status_code == 200
    return order, session_id


def status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def open_dispute(fake, session_id: str, **kwargs) -> str:
    event = fake.dispute(session_id, **kwargs)
    return event["data"]["object"]["id"]


def test_a_chargeback_sends_created_and_funds_withdrawn_and_revokes_the_download(
    fake, bought, client
):
    order, session_id = bought
    open_dispute(fake, session_id)
    assert [e["type"] for e in fake.held] == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
    ]
    assert fake.flush() == [200, 200]
    order.refresh_from_db()
    assert order.status == Order.Status.DISPUTED
    assert order.dispute_status == "needs_response"
    assert order.stripe_dispute_id.startswith("du_test_")
    assert client.get(DOWNLOAD).status_code == 404


def test_answering_a_dispute_keeps_the_download_revoked(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.respond_to_dispute(dispute_id)
    assert fake.flush() == [200, 200, 200]
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.DISPUTED, "under_review")
    assert client.get(DOWNLOAD).status_code == 404


def test_a_won_dispute_gives_the_download_back(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.respond_to_dispute(dispute_id)
    fake.close_dispute(dispute_id, "won")
    assert [e["type"] for e in fake.held][-2:] == [
        "charge.dispute.closed",
        "charge.dispute.funds_reinstated",
    ]
    assert fake.flush() == [200] * 5
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.PAID, "won")
    assert "won" in order.attention_note
    assert client.get(DOWNLOAD).status_code == 200


def test_a_lost_dispute_keeps_the_download_revoked(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.close_dispute(dispute_id, "lost")
    assert fake.flush() == [200, 200, 200]
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.DISPUTED, "lost")
    assert "lost" in order.attention_note
    assert client.get(DOWNLOAD).status_code == 404


def test_an_inquiry_revokes_and_its_warning_closed_end_restores(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id, inquiry=True)
    assert fake.flush() == [200]
    assert status(order) == Order.Status.DISPUTED
    assert client.get(DOWNLOAD).status_code == 404
    fake.close_dispute(dispute_id, "warning_closed")
    assert fake.flush() == [200]
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.PAID, "warning_closed")
    assert client.get(DOWNLOAD).status_code == 200


@pytest.mark.parametrize("outcome", ["won", "lost"])
@pytest.mark.parametrize(
    "ordering",
    [(4, 3, 2, 1, 0), (3, 0, 1, 2, 4), (2, 4, 0, 3, 1)],
    ids=["newest-first", "closed-first", "shuffled"],
)
def test_any_delivery_order_ends_in_the_same_state(fake, bought, client, outcome, ordering):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.respond_to_dispute(dispute_id)
    fake.close_dispute(dispute_id, outcome)
    events, fake.held = list(fake.held), []
    if outcome == "lost":
        events.append(fake.emit("charge.dispute.updated", events[-1]["data"]["object"]))
        fake.held = []
    assert len(events) == 5
    for index in ordering:
        assert fake.deliver(events[index]) == 200
    order.refresh_from_db()
    expected = Order.Status.PAID if outcome == "won" else Order.Status.DISPUTED
    assert (order.status, order.dispute_status) == (expected, outcome)
    assert client.get(DOWNLOAD).status_code == (200 if outcome == "won" else 404)


def test_replays_of_every_dispute_event_have_one_effect(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.close_dispute(dispute_id, "won")
    events = list(fake.held)
    fake.flush()
    note = Order.objects.get(pk=order.pk).attention_note
    for event in events * 3:
        assert fake.deliver(event) == 200
    order.refresh_from_db()
    assert (order.status, order.attention_note) == (Order.Status.PAID, note)
    rows = StripeEvent.objects.filter(type__startswith="charge.dispute.")
    assert sorted(rows.values_list("deliveries", flat=True)) == [4, 4, 4, 4]


def test_an_inquiry_closed_after_a_refund_does_not_give_the_download_back(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id, inquiry=True)
    fake.flush()
    fake.refund(session_id)
    fake.close_dispute(dispute_id, "warning_closed")
    assert fake.flush() == [200, 200]
    assert status(order) == Order.Status.REFUNDED
    assert client.get(DOWNLOAD).status_code == 404


def test_a_disputed_buyer_can_not_start_a_second_checkout(fake, bought, client):
    order, session_id = bought
    open_dispute(fake, session_id)
    fake.flush()
    sessions_before = fake.sessions_created()
    response = client.post("/playbook/buy/", follow=True)
    assert response.redirect_chain[-1][0] == "/playbook/"
    text = response.content.decode()
    assert "disputed" in text and "bank" in text
    assert fake.sessions_created() == sessions_before
    assert Order.objects.filter(user=order.user).count() == 1


def test_after_a_won_dispute_buying_again_says_it_is_owned(fake, bought, client):
    order, session_id = bought
    dispute_id = open_dispute(fake, session_id)
    fake.close_dispute(dispute_id, "won")
    fake.flush()
    response = client.post("/playbook/buy/", follow=True)
    assert "You already own the playbook" in response.content.decode()
    assert Order.objects.filter(user=order.user).count() == 1


def test_a_dispute_on_a_charge_that_is_not_ours_touches_no_order(fake, bought):
    order, _ = bought
    fake.emit(
        "charge.dispute.closed",
        {"id": "du_test_elsewhere", "object": "dispute", "payment_intent": "", "status": "won"},
    )
    assert fake.flush() == [200]
    assert status(order) == Order.Status.PAID
    assert StripeEvent.objects.get(type="charge.dispute.closed").outcome == (
        "no order for this payment"
    )


def test_when_stripe_is_unreachable_a_dispute_event_is_kept_for_the_retry(fake, bought, settings):
    order, session_id = bought
    open_dispute(fake, session_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert fake.flush() == [503, 503]
    assert status(order) == Order.Status.PAID
    assert not StripeEvent.objects.filter(
        type__startswith="charge.dispute.", processed_at__isnull=False
    ).exists()
