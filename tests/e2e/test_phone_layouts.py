"""The pages people read on a phone (390 px) and on a desktop (1280 px): the
feedback's scores as cards, charts whose labels stay legible, the 1–5 rating in
one row, the Find filters folded away, the room's plan folded with the notes a
tap away, and a room timer that speaks only when the phase changes."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser_support import log_in
from tests.factories import make_booking
from tests.security.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
ZONE = "Europe/Berlin"

# The size, in CSS pixels on the screen, of every chart label that shows.
LABEL_SIZES = """() => Array.from(document.querySelectorAll('svg.chart text'))
  .filter((t) => t.getBoundingClientRect().width > 0)
  .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


@pytest.fixture
def own_connection(browser):
    yield
    connection.close()


def fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"


def test_the_candidate_reads_feedback_and_charts_and_rates_on_a_phone(
    browser, own_connection, live_server
):
    world = build_world()
    context, page = log_in(browser, live_server, world.guest, ZONE)

    # Dashboard: each chart's labels stay at 12 px or more on either screen.
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(live_server.url + "/dashboard/")
        sizes = page.evaluate(LABEL_SIZES)
        assert sizes, "no chart label shows"
        assert min(sizes) >= 12, f"chart labels at {size['width']} px: {sorted(sizes)[:3]}"
    expect(page.locator("svg.chart-wide").first).to_be_hidden()
    # The numbers behind a chart scroll inside their own box, never the page.
    page.get_by_text("Show the numbers").first.click()
    expect(page.get_by_role("region", name="the numbers").first).to_be_visible()
    fits(page)

    # Feedback: every dimension a card, anchor and evidence in full, nothing to scroll.
    page.goto(f"{live_server.url}/interviews/rounds/{world.past_round.pk}/feedback/")
    fits(page)
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    rows = page.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    assert rows.count() == world.scorecard.scores.count()
    for score in world.scorecard.scores.select_related("dimension"):
        row = rows.filter(has_text=score.dimension.name)
        evidence = row.get_by_role("cell").filter(has_text=score.evidence)
        expect(evidence).to_be_visible()
        box, page_box = evidence.bounding_box(), wrap.bounding_box()
        assert box["x"] + box["width"] <= page_box["x"] + page_box["width"] + 1
    # On a desktop it is a table again: the four columns side by side.
    page.set_viewport_size(DESKTOP)
    first = rows.first.get_by_role("cell")
    tops = {round(first.nth(i).bounding_box()["y"]) for i in range(first.count())}
    assert len(tops) == 1, tops

    # Rating: the five choices of each scale in one row, on the phone as on the desktop.
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/interviews/rounds/{world.past_round.pk}/rate/")
        choices = page.get_by_role("group", name="How helpful was their feedback?").get_by_role(
            "radio"
        )
        expect(choices).to_have_count(5)
        boxes = [choices.nth(i).bounding_box() for i in range(5)]
        assert len({round(b["y"]) for b in boxes}) == 1, boxes
        assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
        assert boxes[-1]["x"] + boxes[-1]["width"] <= size["width"]
    context.close()


def test_the_interviewer_finds_slots_and_reaches_the_notes_on_a_phone(
    browser, own_connection, live_server
):
    world = build_world()
    context, page = log_in(browser, live_server, world.host, ZONE)
    filters = page.locator("details.filters-fold")

    # Find: folded on a phone so the first slot is on the first screen...
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/interviews/find/")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Type")).to_be_hidden()
    # ... open once filters are set, and always beside the slots on a desktop.
    page.goto(live_server.url + "/interviews/find/?interview_type=behavioral")
    expect(page.get_by_label("Type")).to_be_visible()
    expect(filters.locator("summary")).to_contain_text("1 set")
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/interviews/find/")
    expect(page.get_by_label("Type")).to_be_visible()

    # Room: on a phone the plan is folded, and "Your notes" in the timer bar leads to them.
    room = f"{live_server.url}/interviews/{world.upcoming.pk}/room/"
    page.set_viewport_size(PHONE)
    page.goto(room)
    plan = page.locator("details.plan")
    expect(plan).not_to_have_attribute("open", "")
    expect(page.locator(".phases .phase").first).to_be_hidden()
    notes = page.get_by_label("Your notes")
    expect(notes).not_to_be_in_viewport()
    page.get_by_role("link", name="Your notes").click()
    expect(notes).to_be_in_viewport()
    fits(page)
    page.set_viewport_size(DESKTOP)
    page.goto(room)
    expect(page.locator(".phases .phase").first).to_be_visible()
    context.close()


def test_the_room_timer_announces_phase_changes_not_seconds(browser, own_connection, live_server):
    world = build_world()
    starts = (timezone.now() + timedelta(minutes=2)).replace(second=0, microsecond=0)
    booking = make_booking(host=world.host, guest=world.stranger, starts_at=starts)
    context, page = log_in(browser, live_server, world.host, ZONE)
    page.goto(f"{live_server.url}/interviews/{booking.pk}/room/")
    phases = json.loads(page.locator("#room-data").text_content())["rounds"][0]["phases"]

    # The ticking clock sits in no live region; the announcer is the only one in the timer.
    clock = page.locator("#timer-clock")
    assert page.locator("[aria-live] #timer-clock, [role=status] #timer-clock").count() == 0
    announcement = page.locator(".timer-panel [role=status]")
    expect(announcement).to_have_count(1)
    expect(announcement).to_have_text("")

    # Seconds pass before the start: the clock changes, nothing is announced.
    before = clock.text_content()
    page.clock.run_for(3000)
    expect(clock).not_to_have_text(before)
    expect(announcement).to_have_text("")

    # The round starts: its first phase is announced once, and stays while seconds pass.
    page.clock.fast_forward(int((starts - timezone.now()).total_seconds() * 1000) + 2000)
    first = phases[0]
    minutes = round(first["end"] - first["start"])
    expect(announcement).to_have_text(f"Now: {first['title']}, {minutes} minutes.")
    page.clock.run_for(3000)
    expect(announcement).to_have_text(f"Now: {first['title']}, {minutes} minutes.")

    # The next phase: announced in its turn.
    page.clock.fast_forward(int(first["end"] * 60000))
    expect(announcement).to_contain_text(f"Now: {phases[1]['title']}")
    context.close()


def test_without_scripts_the_phone_menu_shows_open(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign up")).to_be_visible()
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    context.close()
