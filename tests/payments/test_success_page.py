import pytest

from payments.models import Order
from tests.payments.helpers import buy


@pytest.fixture
def fake(webhook_to_client):
    webhook_to_client.delivery = "hold"  # the webhook is late in every test here
    return webhook_to_client


@pytest.fixture
def checkout(client, user, product, fake):
    client.force_login(user)
    return buy(client, fake)


def test_it_fulfils_a_paid_checkout_before_the_webhook_arrives(client, fake, checkout):
    order, session_id = checkout
    fake.pay(session_id)
    response = client.get(f"/playbook/success/?session_id={session_id}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "the playbook is yours" in body
    assert 'href="/playbook/download/"' in body
    assert 'http-equiv="refresh"' not in body
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    # The webhook arrives afterwards and changes nothing.
    assert fake.flush() == [200]
    assert Order.objects.get(pk=order.pk).fulfilled_at == order.fulfilled_at


def test_it_shows_processing_while_the_payment_settles(client, fake, checkout):
    order, session_id = checkout
    fake.pay(session_id, delayed=True)
    body = client.get(f"/playbook/success/?session_id={session_id}").content.decode()
    assert "Processing your payment" in body
    assert 'http-equiv="refresh"' in body
    assert 'href="/playbook/download/"' not in body
    fake.async_succeed(session_id)
    body = client.get(f"/playbook/success/?session_id={session_id}").content.decode()
    assert "the playbook is yours" in body


def test_an_amount_mismatch_is_shown_as_being_checked(client, fake, checkout):
    order, session_id = checkout
    fake.tamper(session_id, amount_total=3600)
    fake.pay(session_id)
    body = client.get(f"/playbook/success/?session_id={session_id}").content.decode()
    assert "checking your payment" in body
    assert 'href="/playbook/download/"' not in body
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_a_stranger_gets_404_for_someone_elses_session(client, fake, checkout, stranger):
    order, session_id = checkout
    fake.pay(session_id)
    client.force_login(stranger)
    assert client.get(f"/playbook/success/?session_id={session_id}").status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_an_unknown_or_missing_session_is_404(client, fake, checkout):
    assert client.get("/playbook/success/?session_id=cs_test_nope").status_code == 404
    assert client.get("/playbook/success/").status_code == 404


def test_a_visitor_is_asked_to_log_in(client, fake, checkout):
    _, session_id = checkout
    client.logout()
    response = client.get(f"/playbook/success/?session_id={session_id}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_success_page_refuses_post(client, fake, checkout):
    _, session_id = checkout
    fake.pay(session_id)
    assert client.post(f"/playbook/success/?session_id={session_id}").status_code == 405
    assert Order.objects.get().status == Order.Status.PENDING


def test_without_stripe_the_success_page_still_renders(client, fake, checkout, settings):
    _, session_id = checkout
    settings.STRIPE_SECRET_KEY = ""
    response = client.get(f"/playbook/success/?session_id={session_id}")
    assert response.status_code == 200
    assert "Processing your payment" in response.content.decode()


@pytest.mark.parametrize(
    "session_id",
    ["cs_test_abc%00def", "%00", "cs_test_" + "a" * 300, "cs_test_abc'--", "pi_test_abc"],
)
def test_a_malformed_session_id_is_a_404(client, fake, checkout, session_id):
    order, _ = checkout
    response = client.get(f"/playbook/success/?session_id={session_id}")
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
