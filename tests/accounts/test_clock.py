"""The 12- or 24-hour clock is one profile setting, followed everywhere a time is
written: pages, emails, calendar descriptions, the Practice now grid."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts import clock
from accounts.models import Profile
from sessions.matching.forms import week_grid
from sessions.models import Slot
from sessions.notifications import services as notifications
from sessions.scheduling.services import book_slot
from tests.accounts.conftest import element
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 6, 4, 12, 0, tzinfo=UTC)  # 14:00 in Berlin


@pytest.mark.parametrize(
    ("twelve_hour", "at", "expected"),
    [
        (False, time(14, 0), "14:00"),
        (True, time(14, 0), "2:00 PM"),
        (False, time(0, 5), "00:05"),
        (True, time(0, 5), "12:05 AM"),
        (True, time(12, 0), "12:00 PM"),
        (True, time(9, 30), "9:30 AM"),
    ],
)
def test_format_clock_writes_either_clock(twelve_hour, at, expected):
    with clock.override(twelve_hour=twelve_hour):
        assert clock.format_clock(at) == expected
    assert clock.format_clock(at) == at.strftime("%H:%M")  # the default, outside


def test_an_override_restores_the_outer_clock():
    clock.activate(twelve_hour=True)
    try:
        with clock.override(twelve_hour=False):
            assert clock.format_clock(time(14, 0)) == "14:00"
        assert clock.format_clock(time(14, 0)) == "2:00 PM"
    finally:
        clock.deactivate()


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com", tz="Europe/Berlin")


@pytest.fixture
def ben(db):
    return UserFactory(email="ben@example.com", tz="Europe/Berlin")


@pytest.fixture
def booking(ada, ben):
    with time_machine.travel(NOW, tick=False):
        slot = Slot.objects.create(
            host=ada,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            interview_type="system_design",
            host_role="interviewer",
        )
        return book_slot(slot=slot, guest=ben)


def use_clock(user, value: str) -> None:
    Profile.objects.filter(user=user).update(clock=value)


@pytest.mark.parametrize(
    ("setting", "shown", "not_shown"),
    [("24h", "14:00–15:00", "2:00 PM"), ("12h", "2:00 PM–3:00 PM", "14:00")],
)
def test_the_same_booking_on_its_page_and_in_my_interviews(
    client, booking, ben, setting, shown, not_shown
):
    use_clock(ben, setting)
    client.force_login(ben)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("sessions:booking", args=[booking.pk])).content.decode()
        mine = client.get(reverse("sessions:mine")).content.decode()

    assert f"Thu 4 Jun, {shown}" in page
    assert f"Thu 4 Jun, {shown.split('–')[0]}" in mine
    # Machine-readable attributes (datetime="…T14:00:00+02:00") stay ISO; the text changes.
    assert not_shown not in re.sub(r'\s[\w-]+="[^"]*"', "", page)


@pytest.mark.parametrize(
    ("setting", "subject", "body", "not_shown"),
    [
        ("24h", "Thu 4 Jun, 14:00", "Thu 4 Jun, 14:00–15:00 (Europe/Berlin)", "PM"),
        ("12h", "Thu 4 Jun, 2:00 PM", "Thu 4 Jun, 2:00 PM–3:00 PM (Europe/Berlin)", "14:00"),
    ],
)
def test_the_same_booking_in_the_confirmation_email(
    booking, ben, setting, subject, body, not_shown
):
    use_clock(ben, setting)
    with time_machine.travel(NOW, tick=False):
        notifications.send_due_reminders()
    [to_ben] = [m for m in mail.outbox if m.to == [ben.email]]

    assert subject in to_ben.subject
    assert body in to_ben.body
    html = next(content for content, mime in to_ben.alternatives if mime == "text/html")
    assert body.split(" (")[0] in html
    assert not_shown not in to_ben.body
    invite = next(p for p in to_ben.message().walk() if p.get_content_type() == "text/calendar")
    description = invite.get_payload(decode=True).decode().replace("\r\n ", "")
    assert body.replace(",", "\\,") in description


def test_two_readers_of_one_booking_each_get_their_own_clock(booking, ada, ben):
    use_clock(ada, "12h")
    with time_machine.travel(NOW, tick=False):
        notifications.send_due_reminders()
    by_reader = {m.to[0]: m for m in mail.outbox}
    assert "Thu 4 Jun, 2:00 PM–3:00 PM" in by_reader["ada@example.com"].body
    assert "Thu 4 Jun, 14:00–15:00" in by_reader["ben@example.com"].body


@pytest.mark.parametrize(("twelve_hour", "label"), [(False, "14:00"), (True, "2:00 PM")])
def test_the_practice_now_grid_labels_follow_the_clock(twelve_hour, label):
    from zoneinfo import ZoneInfo

    with clock.override(twelve_hour=twelve_hour):
        [week, *_] = week_grid(zone=ZoneInfo("Europe/Berlin"), now=NOW)
    hour_label, cells = week.rows[14]
    assert hour_label == label
    assert f", {label} to " in cells[0].label


def test_the_profile_page_offers_the_setting(client, ada):
    client.force_login(ada)
    response = client.get(reverse("profile"))
    assert element(response.content, "id_profile-clock_0")[0]["value"] == "24h"
    assert element(response.content, "id_profile-clock_1")[0]["value"] == "12h"
