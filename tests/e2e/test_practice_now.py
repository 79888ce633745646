"""Two strangers say when they are free and end up in the same room.

Ben in Los Angeles and Ada in Berlin (on a 390 px phone) each ask for
practice through the week grid. A real Celery worker, consuming from Redis
in a thread of this process, runs the matcher queued by each request's
commit. Both see the match at their own local time, and the booking's room
opens. Times derive from the same `now` as the app's, three days ahead, so
the test holds at any hour.
"""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.matching.models import MatchRequest
from sessions.models import Booking
from tests.browser_support import person, shown
from tests.factories import PASSWORD
from tests.sessions.notifications.notifications_support import embedded_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]

LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"


def log_in(browser, live_server, user, zone: str, **context_args):
    context = browser.new_context(timezone_id=zone, **context_args)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    return context, page


def cell(moment: datetime, zone: str) -> str:
    """The grid's value for the local hour that starts at ``moment``."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:00")


def ask_for_practice(page, live_server, *, role: str, hours: list[datetime], zone: str) -> None:
    expect(page.get_by_role("heading", name="Practice now")).to_be_visible()
    page.get_by_label("Interview type").select_option("system_design")
    page.get_by_role("radio", name=role).check()
    page.get_by_label("Your level now").select_option("senior")
    page.get_by_label("The level you are aiming for").select_option("staff")
    for hour in hours:
        page.locator(f'input[name="cells"][value="{cell(hour, zone)}"]').check()
    page.get_by_role("button", name="Find me a partner").click()
    expect(page.locator(".messages")).to_contain_text("You are in the pool")


def wait_for_match(page, *, seconds: int = 60):
    """Reload My requests until the match shows, as a person would."""
    matched = page.get_by_role("region", name="Matched")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.reload()
        if matched.locator(".match-request").count():
            return matched
        time.sleep(1)
    raise AssertionError("No match shown within a minute")


def test_los_angeles_and_berlin_are_paired_and_meet_in_the_room(browser, live_server):
    ben = person("ben@example.com", "Ben", LA)
    ada = person("ada@example.com", "Ada", BERLIN)
    # Three days ahead, 09:00-12:00 in Los Angeles: never within two hours, whatever the hour.
    la_day = (timezone.localtime(timezone=ZoneInfo(LA)) + timedelta(days=3)).date()
    first = datetime(la_day.year, la_day.month, la_day.day, 9, tzinfo=ZoneInfo(LA)).astimezone(UTC)
    hours = [first + timedelta(hours=h) for h in range(3)]

    with embedded_worker() as worker:
        ben_context, ben_page = log_in(browser, live_server, ben, LA)
        ben_page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Practice now"
        ).click()
        ask_for_practice(ben_page, live_server, role="Interview someone", hours=hours, zone=LA)
        # Ada, on a phone, marks the same three hours, which her grid shows in Berlin time.
        ada_context, ada_page = log_in(
            browser, live_server, ada, BERLIN, viewport={"width": 390, "height": 844}
        )
        ada_page.get_by_text("Menu").click()
        ada_page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Practice now"
        ).click()
        assert ada_page.evaluate("document.documentElement.scrollWidth") <= 390
        ask_for_practice(ada_page, live_server, role="Be interviewed", hours=hours[:2], zone=BERLIN)
        assert ada_page.evaluate("document.documentElement.scrollWidth") <= 390

        ada_matched = wait_for_match(ada_page)
        worker.wait_idle()

    booking = Booking.objects.get()
    assert (booking.host, booking.guest, booking.starts_at) == (ben, ada, first)
    assert set(MatchRequest.objects.values_list("status", flat=True)) == {"matched"}
    expect(ada_matched).to_contain_text("with Ben")
    expect(ada_matched).to_contain_text(shown(first, BERLIN) + "–")

    ben_page.goto(live_server.url + "/practice/requests/")
    ben_matched = ben_page.get_by_role("region", name="Matched")
    expect(ben_matched).to_contain_text("with Ada")
    expect(ben_matched).to_contain_text(shown(first, LA) + "–")

    # The booking's room opens for both, on the same video call.
    for page in (ben_page, ada_page):
        page.get_by_role("link", name="See the interview").click()
        page.get_by_role("link", name="Open the interview room").click()
        expect(page.locator("#meeting-link")).to_have_attribute("href", booking.meeting_url)
        expect(page.locator("#timer-phase")).to_have_text("Starts in")
    ben_context.close()
    ada_context.close()
