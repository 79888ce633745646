"""The playbook sale as people do it: staff upload the PDF, a buyer pays and downloads."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from payments.demo import sample_pdf
from payments.models import DownloadLog, Order, StripeEvent
from tests.factories import PASSWORD, UserFactory
from tests.fakes.stripe_server import WEBHOOK_PATH, FakeStripe

API_KEY = "sk_test_browser"
WEBHOOK_SECRET = "whsec_browser"


@pytest.fixture
def stripe_fake(settings, live_server, private_media):
    with FakeStripe(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as fake:
        fake.webhook_url = live_server.url + WEBHOOK_PATH
        # Like Stripe: the webhook comes on its own, a moment after the payment.
        fake.delivery, fake.delay = "thread", 0.5
        settings.STRIPE_SECRET_KEY = API_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = fake.url
        settings.SITE_URL = live_server.url
        yield fake


@pytest.fixture
def own_connection(browser):
    # Under Playwright's event loop the ORM keeps a connection pytest-django
    # doesn't know about; close it, or the test database can't be dropped.
    yield
    connection.close()


def log_in(page, email: str) -> None:
    page.fill('input[name="login"], input[name="username"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('button[type="submit"], input[type="submit"]').last.click()


@pytest.mark.browser
# Like every transactional test here: the seeded rubrics and questions survive the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_buyer_pays_on_the_hosted_page_and_downloads_the_uploaded_pdf(
    browser, own_connection, live_server, stripe_fake
):
    pdf = sample_pdf()
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    UserFactory(email="buyer@example.com", tz="Europe/Berlin")

    # Staff put the playbook on sale with its private PDF.
    staff = browser.new_context().new_page()
    staff.goto(f"{live_server.url}/admin/payments/product/add/")
    log_in(staff, "staff@example.com")
    staff.fill('input[name="title"]', "The Senior Engineer Interview Playbook")
    staff.fill('input[name="slug"]', "senior-engineer-interview-playbook")
    staff.fill('input[name="price_cents"]', "3700")
    staff.set_input_files(
        'input[name="file"]',
        {"name": "playbook.pdf", "mimeType": "application/pdf", "buffer": pdf},
    )
    staff.click('input[name="_save"]')
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")

    # A visitor reads the sales page, logs in and comes straight back to it.
    context = browser.new_context(timezone_id="Europe/Berlin", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/playbook/")
    expect(page.locator(".buy-box .price")).to_contain_text("$37.00")
    page.get_by_role("link", name="Log in").last.click()
    log_in(page, "buyer@example.com")
    expect(page).to_have_url(f"{live_server.url}/playbook/")

    # Buy goes to Stripe's hosted page, priced from the database.
    page.get_by_role("button", name="Buy for $37.00").click()
    page.wait_for_url(f"{stripe_fake.url}/checkout/cs_test_*")
    expect(page.locator("body")).to_contain_text("37.00 USD")
    expect(page.locator("body")).to_contain_text("buyer@example.com")
    page.get_by_role("button", name="Pay 37.00 USD").click()

    # Back on our success page, with the download.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: the playbook is yours")
    assert page.url.startswith(f"{live_server.url}/playbook/success/?session_id=cs_test_")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == "senior-engineer-interview-playbook.pdf"
    with open(download.path(), "rb") as f:
        assert f.read() == pdf

    # The late webhook found the order already paid; nothing doubled.
    stripe_fake.wait_for_deliveries()
    [(event_id, status)] = stripe_fake.deliveries
    assert status == 200
    order = Order.objects.get(user__email="buyer@example.com")
    assert order.status == Order.Status.PAID and order.amount_cents == 3700
    assert StripeEvent.objects.get(event_id=event_id).order == order
    assert DownloadLog.objects.filter(order=order).count() == 1

    # Coming back, the owner sees the download, not Buy.
    page.goto(f"{live_server.url}/playbook/")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(page.get_by_role("button", name="Buy for $37.00")).to_have_count(0)
    page.goto(f"{live_server.url}/playbook/purchases/")
    expect(page.locator("table.orders")).to_contain_text(order.reference)
    assert stripe_fake.sessions_created() == 1
    context.close()
