import pytest

from payments.models import Order


@pytest.fixture
def orders(user, stranger, product):
    from django.utils import timezone

    paid = Order.objects.create(
        user=user, product=product, status="paid", amount_cents=3700, currency="usd",
        fulfilled_at=timezone.now(), stripe_payment_intent_id="pi_test_mine",
    )  # fmt: skip
    expired = Order.objects.create(
        user=user, product=product, status="expired", amount_cents=3700, currency="usd"
    )
    theirs = Order.objects.create(
        user=stranger, product=product, status="paid", amount_cents=3700, currency="usd",
        fulfilled_at=timezone.now(), stripe_payment_intent_id="pi_test_theirs",
    )  # fmt: skip
    return paid, expired, theirs


def test_it_lists_my_orders_with_receipts(client, user, orders):
    paid, expired, theirs = orders
    client.force_login(user)
    body = client.get("/playbook/purchases/").content.decode()
    assert paid.reference in body
    assert f'href="/playbook/purchases/{paid.pk}/receipt/"' in body
    assert 'href="/playbook/download/"' in body
    # Abandoned checkouts are noise, and other people's orders are private.
    assert expired.reference not in body
    assert theirs.reference not in body


def test_it_shows_my_receipt(client, user, orders):
    paid, _, _ = orders
    client.force_login(user)
    body = client.get(f"/playbook/purchases/{paid.pk}/receipt/").content.decode()
    assert f"Receipt {paid.reference}" in body
    assert "$37.00" in body and "pi_test_mine" in body and user.email in body


def test_a_stranger_gets_404_for_my_receipt(client, stranger, orders):
    paid, _, theirs = orders
    client.force_login(stranger)
    assert client.get(f"/playbook/purchases/{paid.pk}/receipt/").status_code == 404
    assert client.get(f"/playbook/purchases/{theirs.pk}/receipt/").status_code == 200


def test_an_unpaid_order_has_no_receipt(client, user, orders):
    _, expired, _ = orders
    client.force_login(user)
    assert client.get(f"/playbook/purchases/{expired.pk}/receipt/").status_code == 404


def test_a_visitor_is_asked_to_log_in(client, orders):
    response = client.get("/playbook/purchases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/playbook/purchases/", "/playbook/purchases/{pk}/receipt/"])
def test_purchases_and_receipts_refuse_post(client, user, orders, path):
    client.force_login(user)
    assert client.post(path.format(pk=orders[0].pk)).status_code == 405
