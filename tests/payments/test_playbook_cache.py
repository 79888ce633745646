"""The playbook page, served from the page cache, follows what Stripe's webhooks change.

The webhook writes orders with bulk `.update()` calls (no post_save), so each
one must tell the page cache itself.
"""

import pytest
from django.test import Client

from tests.payments.helpers import buy

pytestmark = pytest.mark.page_cache

PLAYBOOK = "/playbook/"
DOWNLOAD_BUTTON = "Download the PDF"


@pytest.fixture
def fake(webhook_to_client, eager_tasks):
    webhook_to_client.delivery = "hold"
    return webhook_to_client


def reader(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(PLAYBOOK)  # sets the CSRF cookie that cached pages are keyed on
    return client


def test_paying_shows_the_download_on_the_next_visit(user, product, fake):
    client = reader(user)
    _, session_id = buy(client, fake)
    assert DOWNLOAD_BUTTON not in client.get(PLAYBOOK).content.decode()
    fake.pay(session_id)
    assert fake.flush() == [200]
    assert DOWNLOAD_BUTTON in client.get(PLAYBOOK).content.decode()


@pytest.fixture
def paid(user, product, fake) -> tuple[Client, str]:
    client = reader(user)
    _, session_id = buy(client, fake)
    fake.pay(session_id)
    assert fake.flush() == [200]
    assert DOWNLOAD_BUTTON in client.get(PLAYBOOK).content.decode()
    return client, session_id


def test_a_refund_takes_the_download_off_the_page(paid, fake):
    client, session_id = paid
    fake.refund(session_id)
    assert set(fake.flush()) == {200}
    assert DOWNLOAD_BUTTON not in client.get(PLAYBOOK).content.decode()


def test_a_dispute_takes_the_download_off_the_page_and_a_win_brings_it_back(paid, fake):
    client, session_id = paid
    dispute_id = fake.dispute(session_id)["data"]["object"]["id"]
    assert set(fake.flush()) == {200}
    assert DOWNLOAD_BUTTON not in client.get(PLAYBOOK).content.decode()
    fake.close_dispute(dispute_id, "won")
    assert set(fake.flush()) == {200}
    assert DOWNLOAD_BUTTON in client.get(PLAYBOOK).content.decode()


def test_a_new_price_shows_on_the_next_visit(user, product):
    client = reader(user)
    assert "$37" in client.get(PLAYBOOK).content.decode()
    product.price_cents = 4700
    product.save()
    page = client.get(PLAYBOOK).content.decode()
    assert "$47" in page
    assert "$37" not in page
