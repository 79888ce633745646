"""A newcomer's first minutes, in headless Chromium against a live server."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.conftest import deliver_outbox
from tests.browser_support import shown

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_newcomer_signs_up_confirms_and_sets_a_time_zone(browser, live_server):
    context = browser.new_context(timezone_id="America/Sao_Paulo")
    page = context.new_page()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a free account").click()

    # The zone picker starts on the browser's zone.
    expect(page.get_by_label("Time zone")).to_have_value("America/Sao_Paulo")
    page.get_by_label("Email address").fill("nia@example.com")
    page.get_by_label("Display name").fill("Nia")
    page.locator("#id_password1").fill("a-long-enough-passphrase")
    page.get_by_label("Password again").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    deliver_outbox()  # what the worker does
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Yes, confirm it").click()

    expect(page.get_by_text("You're logged in as nia@example.com.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user = User.objects.get(email="nia@example.com")
    assert user.profile.timezone == "America/Sao_Paulo"

    page.get_by_role("link", name="Account").click()
    expect(page.locator("#member-since")).to_have_text(
        shown(user.date_joined, "America/Sao_Paulo", year=True)
    )
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.locator("#local-time")).to_contain_text("Times are shown in Asia/Tokyo")
    expect(page.locator("#member-since")).to_have_text(
        shown(user.date_joined, "Asia/Tokyo", year=True)
    )
    user.profile.refresh_from_db()
    assert user.profile.timezone == "Asia/Tokyo"

    # The saved zone now differs from the device's: offered, never applied silently.
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_role("button", name="Use America/Sao Paulo").click()
    expect(page.get_by_label("Time zone")).to_have_value("America/Sao_Paulo")
    context.close()


def test_on_a_phone_the_menu_opens_from_the_keyboard_and_errors_sit_by_their_fields(
    browser, live_server
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")

    login_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    expect(login_link).to_be_hidden()
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(login_link).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    login_link.focus()
    page.keyboard.press("Escape")
    expect(login_link).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(login_link).to_be_visible()

    page.get_by_label("Email address").fill("not-an-address")
    page.locator("#id_password1").fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()

    email = page.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(page.locator("#id_email_error")).to_contain_text("valid email address")
    expect(page.locator("#id_password1_error")).to_contain_text("too short")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    assert not User.objects.exists()
    context.close()
