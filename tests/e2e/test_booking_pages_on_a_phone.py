"""The no-show report, its dispute, the cancel confirmation and a rejected
reschedule, driven from the keyboard on a 390 px phone screen."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Booking, NoShowReport
from tests.browser_support import log_in, person
from tests.factories import make_booking

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def own_connection(browser):
    yield
    connection.close()


def fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width == [390, 390], f"{page.url} is {width[0]} px wide"


def press(page, name: str) -> None:
    """Reach a button or link with the keyboard and press Enter."""
    page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first.focus()
    page.keyboard.press("Enter")


@pytest.mark.browser
# Times are derived from now (a session that started 30 minutes ago, one in 5 hours).
@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_no_show_is_reported_confirmed_and_disputed_on_a_phone(
    browser, own_connection, live_server
):
    ada = person("ada@example.com", "Ada", "America/Los_Angeles")
    dev = person("dev@example.com", "Dev", "Europe/Berlin")
    started = (timezone.now() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    booking = make_booking(host=ada, guest=dev, starts_at=started)

    context, page = log_in(browser, live_server, ada, "America/Los_Angeles")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/interviews/{booking.pk}/")
    fits(page)
    press(page, "Report that Dev did not turn up…")
    expect(page.get_by_role("heading", name="Did Dev not turn up?")).to_be_visible()
    fits(page)
    assert not NoShowReport.objects.exists()
    page.get_by_label("What happened? (optional)").fill("Waited 20 minutes in the room.")
    press(page, "Yes, report that Dev did not turn up")
    expect(page.get_by_text("Dev is told and has 72 hours to dispute it")).to_be_visible()
    fits(page)
    report = NoShowReport.objects.get()
    assert report.status == NoShowReport.Status.REPORTED
    context.close()

    context, page = log_in(browser, live_server, dev, "Europe/Berlin")
    page.set_viewport_size(PHONE)
    expect(page.get_by_text("Ada says you missed your system design session")).to_be_visible()
    fits(page)
    press(page, "Dispute it")
    expect(page.get_by_role("heading", name="Dispute the no-show report")).to_be_visible()
    fits(page)
    page.get_by_label("What happened?").fill("I joined at the start; the call link was dead.")
    press(page, "Send the dispute")
    expect(
        page.get_by_text("Nothing counts against you while the team looks at it")
    ).to_be_visible()
    fits(page)
    report.refresh_from_db()
    dev.profile.refresh_from_db()
    assert report.status == NoShowReport.Status.DISPUTED
    assert dev.profile.no_shows == 0
    context.close()


@pytest.mark.browser
@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancel_asks_first_and_a_bad_new_time_keeps_what_was_typed_on_a_phone(
    browser, own_connection, live_server
):
    ada = person("ada@example.com", "Ada", "America/Los_Angeles")
    dev = person("dev@example.com", "Dev", "Europe/Berlin")
    starts = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    booking = make_booking(host=ada, guest=dev, starts_at=starts)

    context, page = log_in(browser, live_server, dev, "Europe/Berlin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/interviews/{booking.pk}/")
    fits(page)

    yesterday = (timezone.now() - timedelta(days=1)).astimezone(dev.profile.zone).date()
    page.get_by_label("New date").fill(yesterday.isoformat())
    page.get_by_label("New start time").fill("18:30")
    page.get_by_label("Message").fill("Evening instead?")
    press(page, "Propose this time")
    expect(page.locator("#id_start_time_error")).to_contain_text("is in the past")
    expect(page.get_by_label("New start time")).to_have_value("18:30")
    expect(page.get_by_label("Message")).to_have_value("Evening instead?")
    fits(page)

    press(page, "Cancel the interview…")
    expect(page.get_by_role("heading", name="Cancel the interview with Ada?")).to_be_visible()
    expect(page.locator("#cancel-late")).to_contain_text("late cancellation")
    fits(page)
    press(page, "No, keep it")
    expect(page.get_by_role("heading", name="System design with Ada")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    press(page, "Cancel the interview…")
    page.get_by_label("Why are you cancelling?").fill("A production incident.")
    press(page, "Yes, cancel the interview")
    expect(page.get_by_text("It counts as a late cancellation.")).to_be_visible()
    fits(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.late_cancellation
    context.close()


@pytest.mark.browser
@pytest.mark.clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_question_pages_proposals_and_the_scorecard_confirmation_fit_a_phone(
    browser, own_connection, live_server
):
    from sessions.grading import services as grading
    from sessions.scheduling import services
    from tests.sessions.grading.grading_support import complete_data
    from tests.sessions.scheduling.scheduling_support import make_slot

    ada = person("ada@example.com", "Ada", "America/Los_Angeles")
    dev = person("dev@example.com", "Dev", "Europe/Berlin")
    now = timezone.now().replace(second=0, microsecond=0)
    open_slot = make_slot(host=ada, starts_at=now + timedelta(days=4))
    upcoming = make_booking(host=ada, guest=dev, starts_at=now + timedelta(days=2))
    services.propose_reschedule(booking=upcoming, by=ada, starts_at=now + timedelta(days=3))
    past = make_booking(host=ada, guest=dev, starts_at=now - timedelta(hours=3))
    card = grading.start_scorecard(round=past.rounds.get())
    grading.save_draft(scorecard=card, data=complete_data())

    context, page = log_in(browser, live_server, dev, "Europe/Berlin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/interviews/slots/{open_slot.pk}/book/")
    expect(page.get_by_label("Or a topic, in your words")).to_be_visible()
    fits(page)
    page.goto(f"{live_server.url}/interviews/mine/")
    expect(page.get_by_text("for Ada")).to_be_visible()
    fits(page)
    context.close()

    context, page = log_in(browser, live_server, ada, "America/Los_Angeles")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/interviews/{upcoming.pk}/room/")
    expect(page.get_by_role("button", name="Use this question")).to_be_visible()
    fits(page)
    page.goto(f"{live_server.url}/interviews/rounds/{past.rounds.get().pk}/scorecard/")
    press(page, "Submit and lock…")
    expect(page.get_by_role("heading", name="Submit and lock your scorecard")).to_be_visible()
    fits(page)
    context.close()
