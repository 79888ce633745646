"""A booking made in the browser, its emails sent by a real worker, followed as a user would.

Ben books Ada's slot in headless Chromium; a Celery worker on Redis sends the
confirmations with their invites; the day before, the 24-hour reminder
arrives, and Ben switches those off from the email's link without logging in.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from sessions.models import Booking, Slot
from sessions.notifications.tasks import send_due_reminders
from tests.browser_support import person, shown
from tests.factories import PASSWORD
from tests.sessions.notifications.notifications_support import embedded_worker, wait_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]


def emails_to(user, kind: str) -> list:
    return [
        m
        for m in mail.outbox
        if m.to == [user.email] and f".{kind}." in m.extra_headers["Message-ID"]
    ]


def test_a_booking_in_the_browser_mails_invites_and_a_reminder_that_unsubscribes_in_one_click(
    browser, live_server, settings, noon_in_los_angeles
):
    # At noon, 24 hours before the start is the day before in Los Angeles even
    # across a DST change, so the reminder says "tomorrow" (at 23:30 it would not).
    settings.SITE_URL = live_server.url  # links in the emails lead to this server
    ada = person("ada@example.com", "Ada", "Europe/Berlin")
    ben = person("ben@example.com", "Ben", "America/Los_Angeles")
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = Slot.objects.create(
        host=ada,
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        interview_type="system_design",
        host_role="interviewer",
    )

    with embedded_worker() as worker:
        context = browser.new_context(timezone_id="America/Los_Angeles")
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.locator('input[name="login"]').fill(ben.email)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server.url + f"/interviews/slots/{slot.pk}/book/")
        page.get_by_role("button", name="Confirm booking").click()
        expect(page.get_by_text("Booked. You both have the meeting link")).to_be_visible()

        wait_for(lambda: len(mail.outbox) >= 2, what="the two confirmations")
        worker.wait_idle()
        (to_ben,) = emails_to(ben, "confirmation")
        (to_ada,) = emails_to(ada, "confirmation")
        assert shown(start, "America/Los_Angeles") in to_ben.subject
        assert shown(start, "Europe/Berlin") in to_ada.subject

        # The invite lands in a calendar as the same event the site shows.
        booking = Booking.objects.get(slot=slot)
        invite = next(p for p in to_ben.message().walk() if p.get_content_type() == "text/calendar")
        calendar = Calendar.from_ical(invite.get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event.decoded("dtstart") == start
        assert str(event["UID"]) == f"{booking.calendar_uid}@interviewprep"
        # Named, never addressed: neither person shared their email address.
        assert "Ben" in [str(a.params["cn"]) for a in event["ATTENDEE"]]
        assert "ben@example.com" not in invite.get_payload(decode=True).decode().replace(
            "\r\n ", ""
        )

        # Ben follows the email's links to the booking and the room.
        for label in ("Reschedule or cancel", "The interview room"):
            href = re.search(rf'href="([^"]+)"[^>]*>{label}<', to_ben.alternatives[0][0])
            response = page.goto(href.group(1))
            assert response.status == 200, label
        expect(page.get_by_text(shown(start, "America/Los_Angeles")).first).to_be_visible()

        with time_machine.travel(start - timedelta(hours=24), tick=True):
            send_due_reminders.delay()
            worker.wait_idle()
        (reminder,) = emails_to(ben, "reminder_24h")
        assert reminder.subject.startswith(
            f"Reminder: tomorrow at {shown(start, 'America/Los_Angeles')[-5:]},"
        )
        assert "To prepare as the candidate" in reminder.body
        unsubscribe = reminder.extra_headers["List-Unsubscribe"].strip("<>")
        assert unsubscribe in reminder.body

        # From the email, in a browser that is not logged in.
        stranger_context = browser.new_context(timezone_id="America/Los_Angeles")
        anonymous = stranger_context.new_page()
        anonymous.goto(unsubscribe)
        expect(anonymous.get_by_role("heading", name="Stop 24-hour reminders?")).to_be_visible()
        anonymous.get_by_role("button", name="Stop 24-hour reminders").click()
        expect(
            anonymous.get_by_role("heading", name="Done: no more 24-hour reminders")
        ).to_be_visible()
        ben.profile.refresh_from_db()
        assert (ben.profile.email_reminder_24h, ben.profile.email_reminder_1h) == (False, True)

        with time_machine.travel(start - timedelta(hours=1), tick=True):
            send_due_reminders.delay()
            worker.wait_idle()
        assert len(emails_to(ben, "reminder_1h")) == 1
        assert len(emails_to(ada, "reminder_1h")) == 1
        context.close()
        stranger_context.close()
