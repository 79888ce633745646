import pytest

from payments.models import Order


def test_it_describes_the_playbook_with_its_price(client, product, stripe_fake):
    response = client.get("/playbook/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "$37.00" in body
    assert "45 pages" in body
    for topic in ("clarify before you design", "drove", "refresher", "signing bonus"):
        assert topic in body.lower()


def test_a_visitor_is_sent_to_sign_up_or_log_in_and_back(client, product, stripe_fake):
    body = client.get("/playbook/").content.decode()
    assert 'href="/accounts/signup/?next=%2Fplaybook%2F"' in body
    assert 'href="/accounts/login/?next=%2Fplaybook%2F"' in body
    assert 'action="/playbook/buy/"' not in body


def test_a_logged_in_person_gets_a_buy_button(client, user, product, stripe_fake):
    client.force_login(user)
    body = client.get("/playbook/").content.decode()
    assert 'action="/playbook/buy/"' in body
    assert "Buy for $37.00" in body


def test_an_owner_sees_the_download_instead_of_buy(client, user, product, stripe_fake):
    Order.objects.create(
        user=user, product=product, status="paid", amount_cents=3700, currency="usd"
    )
    client.force_login(user)
    body = client.get("/playbook/").content.decode()
    assert 'href="/playbook/download/"' in body
    assert 'action="/playbook/buy/"' not in body


def test_without_stripe_it_says_payments_are_not_set_up(client, user, product, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(user)
    response = client.get("/playbook/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Payments are not set up on this server" in body
    assert "disabled>Buy for $37.00" in body
    assert 'action="/playbook/buy/"' not in body


def test_without_a_product_it_still_renders(client, db):
    response = client.get("/playbook/")
    assert response.status_code == 200
    assert "not on sale" in response.content.decode()


def test_a_cancelled_checkout_says_nothing_was_charged(client, user, product, stripe_fake):
    client.force_login(user)
    body = client.get("/playbook/?cancelled=1").content.decode()
    assert "Nothing was charged" in body


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_sales_page_only_answers_get(client, product, method):
    assert getattr(client, method)("/playbook/").status_code == 405
