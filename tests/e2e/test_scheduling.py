"""Two people in two time zones find each other, book, and meet in the room."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Booking, Slot
from tests.browser_support import log_in, person, shown

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"


def test_one_publishes_the_other_books_and_both_open_the_room(
    browser, live_server, noon_in_los_angeles
):
    # At noon, "3 days ahead at 09:00" is 2 d 20-22 h away (DST included): "in 2 d".
    ben = person("ben@example.com", "Ben", LA)
    ada = person("ada@example.com", "Ada", BERLIN)
    day = (timezone.localtime(timezone=ZoneInfo(LA)) + timedelta(days=3)).date()

    # Ben, in Los Angeles, publishes a system design slot at 09:00 his time.
    ben_context, ben_page = log_in(browser, live_server, ben, LA)
    ben_page.goto(live_server.url + "/interviews/publish/")
    ben_page.locator("#id_day").fill(day.isoformat())
    ben_page.locator("#id_start_time").fill("09:00")
    ben_page.locator("#id_interview_type").select_option("system_design")
    ben_page.get_by_role("radio", name="I interview").check()
    ben_page.locator("#id_level").select_option("senior")
    ben_page.locator("#id_note").fill("Come with questions first.")
    ben_page.get_by_role("button", name="Publish").click()
    expect(ben_page.locator(".messages")).to_contain_text("Your slot is published.")
    slot = Slot.objects.get(host=ben)
    assert slot.starts_at.astimezone(ZoneInfo(LA)).hour == 9
    expect(ben_page.get_by_role("region", name="Your open slots")).to_contain_text(
        shown(slot.starts_at, LA) + "–10:00"
    )

    # Ada, in Berlin, finds it at her local time and books it.
    ada_context, ada_page = log_in(browser, live_server, ada, BERLIN)
    ada_page.goto(live_server.url + "/interviews/find/")
    ada_page.locator("#id_interview_type").select_option("system_design")
    ada_page.get_by_role("button", name="Show slots").click()
    card = ada_page.locator(f'li.slot[data-slot="{slot.pk}"]')
    berlin_time = shown(slot.starts_at, BERLIN)
    expect(card).to_contain_text(berlin_time)
    expect(card).to_contain_text("Ben interviews you")
    expect(card).to_contain_text("Come with questions first.")
    card.get_by_role("link", name="Book").click()
    expect(ada_page.get_by_role("heading", name="Book this mock interview?")).to_be_visible()
    ada_page.get_by_role("button", name="Confirm booking").click()
    expect(ada_page.locator(".messages")).to_contain_text("Booked.")
    booking = Booking.objects.get()
    assert (booking.host, booking.guest) == (ben, ada)
    local_berlin = slot.starts_at.astimezone(ZoneInfo(BERLIN))
    expect(ada_page.locator(".slot-when")).to_contain_text(f"{local_berlin:%H:%M}")

    # Ben sees the booking at his own local time, with a countdown.
    ben_page.goto(live_server.url + "/interviews/mine/")
    upcoming = ben_page.get_by_role("region", name="Upcoming")
    expect(upcoming).to_contain_text(shown(booking.starts_at, LA))
    expect(upcoming).to_contain_text("with Ada")
    expect(upcoming.locator(".countdown")).to_contain_text("in 2 d")

    # Both open the room: the same video call, the question only for Ben.
    ben_page.get_by_role("link", name="Room").click()
    ada_page.get_by_role("link", name="Open the interview room").click()
    for page in (ben_page, ada_page):
        expect(page.locator("#meeting-link")).to_have_attribute("href", booking.meeting_url)
        expect(page.locator("#timer-phase")).to_have_text("Starts in")
        expect(page.locator(".phases .phase").first).to_contain_text("Clarify requirements")
    question = booking.rounds.get().question
    expect(ben_page.locator(".interviewer-only")).to_contain_text(question.title)
    expect(ada_page.locator(".interviewer-only")).to_have_count(0)
    expect(ada_page.locator(".candidate-view")).to_contain_text("Spend the first 5 to 8 minutes")

    # Ben's notes save themselves while he types.
    ben_page.get_by_label("Your notes").fill("Ada asked about scale first. Good.")
    expect(ben_page.locator(".notes-status")).to_contain_text("Saved", timeout=10000)
    # 24-hour time, like the rest of the site (not the browser's "3:37:41 PM").
    expect(ben_page.locator(".notes-status")).to_have_text(re.compile(r"^Saved \d\d:\d\d:\d\d$"))
    assert booking.rounds.get().notes == "Ada asked about scale first. Good."

    ben_context.close()
    ada_context.close()
