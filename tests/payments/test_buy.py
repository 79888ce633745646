import socket

from payments.checkout import checkout_idempotency_key
from payments.models import Order
from tests.payments.helpers import buy


def test_it_opens_a_checkout_session_priced_from_the_database(client, user, product, stripe_fake):
    client.force_login(user)
    # Whatever the request says about money is ignored.
    response = client.post("/playbook/buy/", {"amount": "1", "currency": "jpy"})
    assert response.status_code == 302
    session_id = response["Location"].rsplit("/", 1)[1]
    order = Order.objects.get(user=user)
    assert order.status == Order.Status.PENDING
    assert order.stripe_checkout_session_id == session_id
    assert (order.amount_cents, order.currency) == (3700, "usd")

    session = stripe_fake.sessions[session_id]
    assert session["mode"] == "payment"
    assert (session["amount_total"], session["currency"]) == (3700, "usd")
    assert session["client_reference_id"] == str(order.pk)
    assert session["customer_email"] == user.email
    assert session["success_url"] == (
        "http://testserver/playbook/success/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert session["cancel_url"] == "http://testserver/playbook/?cancelled=1"
    assert stripe_fake.line_items[session_id][0]["price_data"]["product_data"]["name"] == (
        product.title
    )


def test_it_sends_a_deterministic_idempotency_key(client, user, product, stripe_fake):
    client.force_login(user)
    order, _ = buy(client, stripe_fake)
    assert checkout_idempotency_key(order) in stripe_fake._idempotency


def test_pressing_buy_twice_reuses_the_open_checkout(client, user, product, stripe_fake):
    client.force_login(user)
    first_order, first_session = buy(client, stripe_fake)
    second_order, second_session = buy(client, stripe_fake)
    assert (first_order, first_session) == (second_order, second_session)
    assert stripe_fake.sessions_created() == 1


def test_an_expired_checkout_is_replaced_by_a_new_one(client, user, product, stripe_fake):
    stripe_fake.delivery = "hold"  # the expiry webhook never arrives
    client.force_login(user)
    old_order, old_session = buy(client, stripe_fake)
    stripe_fake.expire(old_session)
    new_order, new_session = buy(client, stripe_fake)
    assert new_session != old_session
    old_order.refresh_from_db()
    assert old_order.status == Order.Status.EXPIRED
    assert new_order.status == Order.Status.PENDING


def test_an_owner_is_not_charged_twice(client, user, product, stripe_fake):
    Order.objects.create(
        user=user, product=product, status="paid", amount_cents=3700, currency="usd"
    )
    client.force_login(user)
    response = client.post("/playbook/buy/", follow=True)
    assert response.redirect_chain == [("/playbook/", 302)]
    assert "already own" in response.content.decode()
    assert stripe_fake.sessions_created() == 0
    assert stripe_fake.api_calls == []
    assert Order.objects.filter(user=user).count() == 1


def test_a_buyer_whose_webhook_is_late_is_not_charged_twice(client, user, product, stripe_fake):
    stripe_fake.delivery = "hold"
    client.force_login(user)
    order, session_id = buy(client, stripe_fake)
    stripe_fake.pay(session_id)
    # Back on the sales page before any webhook: Buy settles the paid session.
    response = client.post("/playbook/buy/")
    assert response["Location"] == "/playbook/"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert stripe_fake.sessions_created() == 1


def test_a_visitor_is_sent_to_log_in_and_back_to_the_sales_page(client, product, stripe_fake):
    response = client.post("/playbook/buy/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fplaybook%2F"
    assert not Order.objects.exists()
    assert stripe_fake.sessions_created() == 0


def test_without_stripe_nothing_is_ordered(client, user, product, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(user)
    response = client.post("/playbook/buy/", follow=True)
    assert "not set up" in response.content.decode()
    assert not Order.objects.exists()


def test_when_stripe_is_unreachable_it_says_so_and_keeps_the_order(client, user, product, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port}"
    client.force_login(user)
    response = client.post("/playbook/buy/", follow=True)
    assert response.status_code == 200
    assert "reach our payment provider" in response.content.decode()
    order = Order.objects.get(user=user)
    assert order.status == Order.Status.PENDING and order.stripe_checkout_session_id is None


def test_buy_refuses_get(client, user, product, stripe_fake):
    client.force_login(user)
    assert client.get("/playbook/buy/").status_code == 405
    assert not Order.objects.exists()


def test_a_payment_still_settling_is_not_paid_again(client, user, product, stripe_fake):
    stripe_fake.delivery = "hold"
    client.force_login(user)
    order, session_id = buy(client, stripe_fake)
    stripe_fake.pay(session_id, delayed=True)
    response = client.post("/playbook/buy/", follow=True)
    assert response.redirect_chain == [("/playbook/purchases/", 302)]
    assert "still being processed" in response.content.decode()
    assert stripe_fake.sessions_created() == 1
    assert Order.objects.get().status == Order.Status.PENDING


def test_a_retry_with_changed_details_starts_a_new_order(client, user, product, stripe_fake):
    client.force_login(user)
    # An earlier attempt reached Stripe but its answer never reached us.
    stale = Order.objects.create(user=user, product=product, amount_cents=3700, currency="usd")
    stripe_fake.create_session(
        {
            "mode": "payment",
            "success_url": "http://testserver/old",
            "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 3700}}],
        },
        checkout_idempotency_key(stale),
    )
    order, session_id = buy(client, stripe_fake)
    assert order != stale
    stale.refresh_from_db()
    assert stale.status == Order.Status.FAILED
    assert stripe_fake.sessions[session_id]["client_reference_id"] == str(order.pk)
