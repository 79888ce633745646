"""Two-factor sign-in in headless Chromium: turn on an authenticator app, log out, log in with a code."""

import time

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.accounts.totp import totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_turns_on_an_authenticator_app_and_logs_in_with_its_code(browser, live_server):
    user = UserFactory(email="mara@example.com")
    page = browser.new_context(timezone_id="Europe/Berlin").new_page()

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(live_server.url + "/profile/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Set up an authenticator app").click()

    # Turning it on is a security change: the password is asked for again.
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_alt_text("QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator('input[name="code"]').fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Authenticator app activated")).to_be_visible()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    # The password alone is not enough now.
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).not_to_be_visible()
    # The next 30-second step's code: accepted (one step of tolerance) and
    # never the one just used to turn the app on.
    page.locator('input[name="code"]').fill(totp_code(secret, time.time() + 30))
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url.startswith(live_server.url + "/dashboard/")
