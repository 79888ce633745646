"""What the emails say: local times, the invite, the checklist, every link."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from icalendar import Calendar

from sessions.models import Reminder, Slot
from sessions.notifications import services as notifications
from sessions.scheduling.services import (
    accept_reschedule,
    book_slot,
    cancel_booking,
    propose_reschedule,
)
from tests.factories import UserFactory
from tests.sessions.notifications.notifications_support import submit_for

Kind = Reminder.Kind
pytestmark = pytest.mark.django_db


def book(*, host, guest, starts_at, minutes=60, interview_type="system_design", role="interviewer"):
    slot = Slot.objects.create(
        host=host,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        interview_type=interview_type,
        host_role=role,
    )
    return book_slot(slot=slot, guest=guest)


def send_due() -> list:
    """Run the sweep now and return what it sent, oldest first."""
    before = len(mail.outbox)
    notifications.send_due_reminders()
    return mail.outbox[before:]


def to(messages, user):
    return [m for m in messages if m.to == [user.email]]


def html_of(message) -> str:
    return next(body for body, mime in message.alternatives if mime == "text/html")


def invite_of(message) -> Calendar:
    parts = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1, "exactly one calendar part"
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    assert parts[0].get_param("method") == str(calendar["METHOD"])
    return calendar


def event_of(message):
    return invite_of(message).walk("VEVENT")[0]


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", tz="Europe/Berlin")


@pytest.fixture
def ben():
    return UserFactory(email="ben@example.com", tz="America/Los_Angeles")


def test_each_person_reads_the_time_in_their_own_zone(ada, ben):
    start = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        book(host=ada, guest=ben, starts_at=start)
        sent = send_due()
    (to_ada,), (to_ben,) = to(sent, ada), to(sent, ben)
    assert "Thu 4 Jun, 18:00" in to_ada.subject
    assert "Thu 4 Jun, 18:00–19:00 (Europe/Berlin)" in to_ada.body
    assert "09:00" not in to_ada.body
    assert "Thu 4 Jun, 09:00" in to_ben.subject
    assert "Thu 4 Jun, 09:00–10:00 (America/Los_Angeles)" in to_ben.body
    assert "Thu 4 Jun, 09:00–10:00" in html_of(to_ben)


def test_a_dst_change_between_booking_and_session_keeps_the_local_time_right():
    # Booked on 5 March; New York moves its clocks on 8 March and Berlin on
    # 29 March, both before the session at 07:00 UTC on Monday 30 March.
    ada = UserFactory(tz="Europe/Berlin")
    eli = UserFactory(tz="America/New_York")
    start = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 3, 5, 12, 0, tzinfo=UTC), tick=False):
        book(host=ada, guest=eli, starts_at=start)
        confirmations = send_due()
    assert "Mon 30 Mar, 09:00–10:00 (Europe/Berlin)" in to(confirmations, ada)[0].body
    assert "Mon 30 Mar, 03:00–04:00 (America/New_York)" in to(confirmations, eli)[0].body
    # The invite carries UTC, which calendars convert themselves.
    assert event_of(to(confirmations, ada)[0]).decoded("dtstart") == start

    # The 24-hour reminder goes out 24 real hours before, after Berlin's change.
    with time_machine.travel(datetime(2026, 3, 29, 7, 0, tzinfo=UTC), tick=False):
        reminders = send_due()
    (to_ada,) = to(reminders, ada)
    assert to_ada.subject.startswith("Reminder: tomorrow at 09:00,")
    assert "Mon 30 Mar, 09:00–10:00 (Europe/Berlin)" in to_ada.body
    assert "08:00" not in to_ada.body
    (to_eli,) = to(reminders, eli)
    assert "Mon 30 Mar, 03:00–04:00 (America/New_York)" in to_eli.body


def test_the_invites_parse_back_and_follow_the_booking(ada, ben):
    start = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
    moved = start + timedelta(days=1, hours=2)
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        booking = book(host=ada, guest=ben, starts_at=start)
        (confirmed,) = to(send_due(), ben)
        request = propose_reschedule(booking=booking, by=ada, starts_at=moved)
        accept_reschedule(request=request, by=ben)
        (rescheduled,) = to(send_due(), ben)
        booking.refresh_from_db()
        cancel_booking(booking=booking, by=ben, reason="A family matter came up.")
        (cancelled,) = to(send_due(), ada)

    first, second, last = event_of(confirmed), event_of(rescheduled), event_of(cancelled)
    assert str(invite_of(confirmed)["METHOD"]) == "REQUEST"
    assert str(first["UID"]) == str(second["UID"]) == str(last["UID"])
    assert str(first["UID"]) == f"{booking.calendar_uid}@interviewprep"
    assert first.decoded("dtstart") == start
    assert second.decoded("dtstart") == moved
    assert first["SEQUENCE"] < second["SEQUENCE"] < last["SEQUENCE"]
    assert str(invite_of(cancelled)["METHOD"]) == "CANCEL"
    assert str(last["STATUS"]) == "CANCELLED"
    assert "A family matter came up." in cancelled.body
    assert rescheduled.subject.startswith("Moved:")


def test_cancelling_tells_the_canceller_and_the_other_person_differently(ada, ben):
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        booking = book(host=ada, guest=ben, starts_at=datetime(2026, 6, 4, 16, 0, tzinfo=UTC))
        send_due()
        cancel_booking(booking=booking, by=ben, reason="Got an offer, thanks!")
        sent = send_due()
    (to_ada,), (to_ben,) = to(sent, ada), to(sent, ben)
    assert f"{ben.display_name} cancelled your system design mock interview." in to_ada.body
    assert f"You cancelled your system design mock interview with {ada.display_name}." in (
        to_ben.body
    )
    for message in (to_ada, to_ben):
        assert str(invite_of(message)["METHOD"]) == "CANCEL"


def reminders_for(ada, ben, **booking_kwargs):
    start = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        book(host=ada, guest=ben, starts_at=start, **booking_kwargs)
        send_due()
    with time_machine.travel(start - timedelta(hours=24), tick=False):
        sent = send_due()
    return to(sent, ada)[0], to(sent, ben)[0]


def test_the_candidate_gets_a_preparation_checklist_and_the_interviewer_does_not(ada, ben):
    to_ada, to_ben = reminders_for(ada, ben)
    # Ada hosts as the interviewer; Ben is the candidate.
    assert "To prepare as the candidate" in to_ben.body
    assert "Spend the first five to eight minutes asking" in to_ben.body
    assert "read/write ratio" in to_ben.body
    assert "To prepare as the candidate" in html_of(to_ben)
    assert "To prepare as the candidate" not in to_ada.body
    assert "As the interviewer" in to_ada.body
    assert "You interview" in to_ada.body and "interviews you" in to_ben.body


@pytest.mark.parametrize(
    ("interview_type", "phrase"),
    [
        ("behavioral", "Say “I” for what you decided"),
        ("compensation", "a specific number and the rationale"),
        ("coding", "time and space complexity"),
    ],
)
def test_the_checklist_follows_the_interview_type(ada, ben, interview_type, phrase):
    _, to_ben = reminders_for(ada, ben, interview_type=interview_type)
    assert phrase in to_ben.body


def test_in_a_swap_both_prepare_as_candidates_for_their_own_half(ada, ben):
    to_ada, to_ben = reminders_for(ada, ben, role="swap", minutes=90)
    for message in (to_ada, to_ben):
        assert "To prepare as the candidate" in message.body
        assert "As the interviewer" in message.body
    assert "First half (18:00–18:45): you interview" in to_ada.body
    assert "Second half (09:45–10:30): you interview" in to_ben.body


def test_reminders_carry_one_click_unsubscribe_headers_and_confirmations_do_not(ada, ben):
    start = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        book(host=ada, guest=ben, starts_at=start)
        (confirmation,) = to(send_due(), ben)
    with time_machine.travel(start - timedelta(hours=24), tick=False):
        send_due()
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        (reminder,) = to(send_due(), ben)
    assert "List-Unsubscribe" not in confirmation.extra_headers
    header = reminder.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http[^>]+/emails/unsubscribe/[^>]+/>", header)
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in reminder.body
    assert header[1:-1] in html_of(reminder)


def test_names_are_escaped_in_html_and_plain_in_text(ben):
    odd = UserFactory(tz="UTC")
    odd.profile.display_name = "Zoë <b>&</b> O'Neil"
    odd.profile.save(update_fields=["display_name"])
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        book(host=odd, guest=ben, starts_at=datetime(2026, 6, 4, 16, 0, tzinfo=UTC))
        (message,) = to(send_due(), ben)
    assert "Zoë <b>&</b> O'Neil" in message.body
    assert "Zoë <b>&</b> O'Neil" in message.subject
    assert "Zoë &lt;b&gt;&amp;&lt;/b&gt; O&#x27;Neil" in html_of(message)


LINK = re.compile(r"""https?://[^\s"'<>]+""")


def site_links(message) -> set[str]:
    found = set(LINK.findall(message.body)) | set(LINK.findall(html_of(message)))
    return {url for url in found if url.startswith(settings.SITE_URL)}


def test_every_link_in_every_email_opens_for_its_recipient(client, ada, ben):
    """Confirmation, reminder, proposal, decline, feedback request, nudge, ready, cancellation."""
    from sessions.models import Scorecard

    start = datetime(2026, 6, 4, 16, 0, tzinfo=UTC)
    messages = []
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        booking = book(host=ada, guest=ben, starts_at=start)
        request = propose_reschedule(booking=booking, by=ben, starts_at=start + timedelta(days=1))
        messages += send_due()
        from sessions.scheduling.services import decline_reschedule

        decline_reschedule(request=request, by=ada)
        messages += send_due()
    for moment in (start - timedelta(hours=24), start + timedelta(minutes=61)):
        with time_machine.travel(moment, tick=False):
            messages += send_due()
    with time_machine.travel(start + timedelta(hours=25, minutes=5), tick=False):
        messages += send_due()
        round_ = booking.rounds.get()
        submit_for(round_)
        messages += send_due()
    kinds = {m.extra_headers["Message-ID"].split(".")[1] for m in messages}
    assert kinds == {
        Kind.CONFIRMATION,
        Kind.RESCHEDULE_PROPOSED,
        Kind.RESCHEDULE_DECLINED,
        Kind.REMINDER_24H,
        Kind.FEEDBACK_REQUEST,
        Kind.FEEDBACK_NUDGE,
        Kind.FEEDBACK_READY,
    }
    assert Scorecard.objects.filter(round=round_, status="submitted").exists()

    with time_machine.travel(start + timedelta(hours=26), tick=True):
        checked = 0
        for message in messages:
            recipient = ada if message.to == [ada.email] else ben
            client.force_login(recipient)
            for url in site_links(message):
                path = url.removeprefix(settings.SITE_URL)
                # A submitted scorecard's form forwards to its read-only page.
                response = client.get(path, follow=True)
                assert response.status_code == 200, (message.subject, path)
                assert "/accounts/login/" not in response.request["PATH_INFO"]
                checked += 1
        assert checked >= len(messages) * 2
