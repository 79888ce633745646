"""My purchases and the receipt fit a phone screen: nothing runs off to the side."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from payments.models import PLAYBOOK_SLUG, Order, Product
from tests.browser_support import log_in, person


@pytest.fixture
def own_connection(browser):
    # Under Playwright's event loop the ORM keeps a connection pytest-django
    # doesn't know about; close it, or the test database can't be dropped.
    yield
    connection.close()


def page_width(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.browser
# Like every transactional test here: the seeded rubrics and questions survive the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_buyer_reads_purchases_and_receipt_on_a_phone_without_scrolling_sideways(
    browser, own_connection, live_server
):
    product, _ = Product.objects.get_or_create(
        slug=PLAYBOOK_SLUG,
        defaults={
            "title": "The Senior Engineer Interview Playbook",
            "page_count": 45,
            "price_cents": 3700,
            "currency": "usd",
        },
    )
    buyer = person("buyer@example.com", "Ben", "America/Los_Angeles")
    order = Order.objects.create(
        user=buyer,
        product=product,
        status="paid",
        amount_cents=3700,
        currency="usd",
        stripe_payment_intent_id="pi_test_0c2b9ac6f98cd259f9581e22",
        fulfilled_at=datetime(2026, 11, 24, 2, 39, tzinfo=UTC),
    )

    context, page = log_in(browser, live_server, buyer, "America/Los_Angeles")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/playbook/purchases/")
    assert page_width(page) == [390, 390]

    page.goto(f"{live_server.url}/playbook/purchases/{order.pk}/receipt/")
    assert page.get_by_text("pi_test_0c2b9ac6f98cd259f9581e22").is_visible()
    assert page_width(page) == [390, 390]
    context.close()
