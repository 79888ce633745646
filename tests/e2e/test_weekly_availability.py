"""A host in Berlin sets weekly hours; a guest in Los Angeles sees one of the
times at her own local time and books it."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import AvailabilitySchedule, Booking, Slot
from tests.browser_support import log_in, person, shown

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LA, BERLIN = "America/Los_Angeles", "Europe/Berlin"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def test_a_berlin_host_sets_weekly_hours_and_a_los_angeles_guest_books_one(
    browser, live_server, noon_in_los_angeles
):
    hana = person("hana@example.com", "Hana", BERLIN)
    lea = person("lea@example.com", "Lea", LA)
    # Three days ahead in Berlin: outside the 12 hours' notice, inside a week.
    day = (timezone.localtime(timezone=ZoneInfo(BERLIN)) + timedelta(days=3)).date()

    # Hana starts from the publish page, which leads to weekly availability.
    hana_context, hana_page = log_in(browser, live_server, hana, BERLIN)
    hana_page.goto(live_server.url + "/interviews/publish/")
    hana_page.get_by_role("link", name="Set your weekly availability").click()
    expect(hana_page.get_by_role("heading", name="Weekly availability")).to_be_visible()
    hana_page.get_by_label(WEEKDAYS[day.weekday()].capitalize()).fill("18:00-19:00")
    hana_page.locator("#id_interview_type").select_option("system_design")
    hana_page.get_by_role("radio", name="I interview").check()
    hana_page.locator("#id_level").select_option("senior")
    hana_page.locator("#id_note").fill("Clarify before you draw.")
    hana_page.locator("#id_horizon_weeks").fill("1")
    hana_page.get_by_role("button", name="Publish my weekly hours").click()
    expect(hana_page.locator(".messages")).to_contain_text("Your weekly availability is published")
    schedule = AvailabilitySchedule.objects.get(host=hana)
    slot = schedule.occurrences.get(status=Slot.Status.OPEN)
    local = slot.starts_at.astimezone(ZoneInfo(BERLIN))
    assert (local.date(), local.hour, local.minute) == (day, 18, 0)
    expect(hana_page.locator("body")).to_contain_text(shown(slot.starts_at, BERLIN) + "–19:00")

    # Lea, in Los Angeles, finds it at her own local time, with its note, and books it.
    lea_context, lea_page = log_in(browser, live_server, lea, LA)
    lea_page.goto(live_server.url + "/interviews/find/")
    card = lea_page.locator(f'li.slot[data-slot="{slot.pk}"]')
    expect(card).to_contain_text(shown(slot.starts_at, LA))
    expect(card).to_contain_text("Clarify before you draw.")
    card.get_by_role("link", name="Book").click()
    lea_page.get_by_role("button", name="Confirm booking").click()
    expect(lea_page.locator(".messages")).to_contain_text("Booked.")
    booking = Booking.objects.get()
    assert (booking.host, booking.guest, booking.starts_at) == (hana, lea, slot.starts_at)
    la_time = slot.starts_at.astimezone(ZoneInfo(LA))
    expect(lea_page.locator(".slot-when")).to_contain_text(f"{la_time:%H:%M}")

    # Hana sees the time booked on her schedule page.
    hana_page.goto(live_server.url + "/interviews/availability/")
    expect(hana_page.locator("body")).to_contain_text("booked")
    hana_context.close()
    lea_context.close()
