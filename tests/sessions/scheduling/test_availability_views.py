"""The weekly availability pages: set hours, withdraw with a confirmation, restore,
withdraw one time and bring it back; only the owner sees any of it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Profile
from sessions.models import AvailabilitySchedule, Slot
from sessions.scheduling import services
from tests.factories import UserFactory
from tests.sessions.scheduling.availability_support import save

pytestmark = pytest.mark.clock

NOW = datetime(2027, 1, 13, 8, 0, tzinfo=UTC)  # a Wednesday
HOURS = {
    "tuesday": "18:00-20:00",
    "thursday": "09:00-10:00, 12:00-13:00",
    "interview_type": "behavioral",
    "minutes": "45",
    "host_role": "candidate",
    "level": "staff",
    "note": "I drove a migration; grill me on it",
    "buffer_before": "0",
    "buffer_after": "15",
    "min_notice_hours": "12",
    "daily_cap": "2",
    "horizon_weeks": "2",
    "overrides": "2027-01-21 off",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def host(db):
    return UserFactory(email="hana@example.com", tz="Europe/Berlin")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_page_offers_weekly_hours_in_the_persons_zone(client, host):
    response = signed_in(client, host).get(reverse("sessions:availability"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Europe/Berlin" in body and 'name="monday"' in body
    assert "Publish my weekly hours" in body


def test_posting_hours_saves_the_schedule_and_publishes_its_times(client, host):
    response = signed_in(client, host).post(reverse("sessions:availability"), HOURS)
    assert response.status_code == 302
    schedule = AvailabilitySchedule.objects.get(host=host)
    assert (schedule.daily_cap, schedule.buffer_after, schedule.minutes) == (
        2,
        timedelta(minutes=15),
        45,
    )
    # Thu 14: 09:00, 12:00; Tue 19 and Tue 26: 18:00, 19:00 (45 min + 15 after); Thu 21 is off.
    assert schedule.occurrences.count() == 6
    page = client.get(reverse("sessions:availability")).content.decode()
    assert "I drove a migration; grill me on it" in page
    assert "2027-01-21 off" in page  # the form shows what was saved


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tuesday", "18:00-17:00", "ends before it starts"),
        ("tuesday", "six to nine", "is not an interval"),
        ("overrides", "christmas off", "start the line with a date"),
        ("overrides", "9999-12-24 off", "interviews are arranged up to 8 weeks ahead"),
        ("thursday", "09:00-12:00, 11:00-13:00", "overlaps"),
        ("min_notice_hours", "0", "greater than or equal to 1"),
    ],
)
def test_a_refused_schedule_creates_nothing_and_keeps_what_was_typed(
    client, host, field, value, message
):
    response = signed_in(client, host).post(
        reverse("sessions:availability"), HOURS | {field: value}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body.replace("&#x27;", "'")
    assert value.split(",")[0] in body
    assert not AvailabilitySchedule.objects.exists()
    assert not Slot.objects.exists()


def test_withdrawing_asks_first_then_takes_the_times_down_and_restore_undoes_it(client, host):
    schedule, _ = save(host, weekly={1: "18:00-20:00"}, now=NOW)
    signed_in(client, host)
    url = reverse("sessions:withdraw_availability")
    confirm = client.get(url)
    assert b"4 open times will be taken down" in confirm.content
    client.post(url)  # no confirm=yes: only the page again
    schedule.refresh_from_db()
    assert schedule.is_active
    client.post(url, {"confirm": "yes"})
    schedule.refresh_from_db()
    assert not schedule.is_active
    assert not Slot.objects.filter(status="open").exists()
    page = client.get(reverse("sessions:availability")).content.decode()
    assert "Restore and publish again" in page
    client.post(reverse("sessions:restore_availability"))
    assert Slot.objects.filter(host=host, status="open").count() == 4


def test_withdrawing_one_slot_asks_first_and_the_withdrawn_list_restores_it(client, host):
    schedule, _ = save(host, weekly={1: "18:00-19:00"}, now=NOW)
    slot = schedule.occurrences.order_by("starts_at").first()
    signed_in(client, host)
    url = reverse("sessions:withdraw_slot", args=[slot.pk])
    assert b"Withdraw this slot?" in client.get(url).content
    client.post(url)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN
    response = client.post(url, {"confirm": "yes"}, follow=True)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.WITHDRAWN
    assert b"Restore it below" in response.content
    assert reverse("sessions:restore_slot", args=[slot.pk]).encode() in response.content
    client.post(reverse("sessions:restore_slot", args=[slot.pk]))
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN


def test_my_interviews_lists_each_open_slot_with_its_note(client, host):
    save(host, weekly={1: "18:00-19:00"}, now=NOW, note="payments at scale")
    page = signed_in(client, host).get(reverse("sessions:mine")).content.decode()
    assert page.count("Note: payments at scale") == 2


def test_the_publish_page_leads_to_weekly_availability_and_keeps_one_off_slots(client, host):
    page = signed_in(client, host).get(reverse("sessions:publish")).content.decode()
    assert "Set your weekly availability" in page
    assert reverse("sessions:availability") in page
    assert "Or publish one slot" in page and 'name="start_time"' in page
    assert 'name="weekdays"' not in page


def test_editing_tells_the_owner_which_bookings_fall_outside_the_new_hours(client, host):
    schedule, _ = save(host, weekly={1: "18:00-19:00"}, now=NOW)
    guest = UserFactory()
    guest.profile.display_name = "Gus"
    guest.profile.save(update_fields=["display_name"])
    services.book_slot(slot=schedule.occurrences.order_by("starts_at").first(), guest=guest)
    response = signed_in(client, host).post(
        reverse("sessions:availability"), HOURS | {"tuesday": ""}, follow=True
    )
    assert "outside your new hours and stay booked: Tue 19 Jan 2027, 18:00 with Gus" in (
        response.content.decode()
    )


def test_nobody_else_can_withdraw_or_restore_a_schedule_or_slot(client, host):
    schedule, _ = save(host, weekly={1: "18:00-19:00"}, now=NOW)
    slot = schedule.occurrences.first()
    signed_in(client, UserFactory())
    assert client.get(reverse("sessions:withdraw_availability")).status_code == 404
    assert client.post(reverse("sessions:restore_availability")).status_code == 404
    assert client.post(reverse("sessions:restore_slot", args=[slot.pk])).status_code == 404
    assert client.get(reverse("sessions:withdraw_slot", args=[slot.pk])).status_code == 404
    schedule.refresh_from_db()
    assert schedule.is_active


def _as_shown(response) -> dict:
    """The form's fields as the page pre-fills them: what pressing save sends back."""
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_an_override_whose_day_has_passed_does_not_stop_the_next_save(client, host, clock):
    signed_in(client, host).post(reverse("sessions:availability"), HOURS)
    clock.move_to(NOW + timedelta(days=12))  # Mon 25 Jan: the day off on Thu 21 is past
    page = client.get(reverse("sessions:availability"))
    assert "2027-01-21" not in page.content.decode()

    response = client.post(
        reverse("sessions:availability"), _as_shown(page) | {"note": "Same hours, new note"}
    )
    assert response.status_code == 302, response.content.decode()
    schedule = AvailabilitySchedule.objects.get(host=host)
    assert schedule.note == "Same hours, new note"
    assert not schedule.overrides.exists()  # the past day off is gone with the save


def test_a_person_on_the_12_hour_clock_types_and_reads_their_hours_on_that_clock(client, host):
    Profile.objects.filter(user=host).update(clock="12h")
    page = signed_in(client, host).get(reverse("sessions:availability")).content.decode()
    assert "9:00 AM-12:00 PM" in page  # the example follows the person's clock

    response = client.post(
        reverse("sessions:availability"),
        HOURS | {"tuesday": "6:00 PM-8:00 PM", "thursday": "9am-10am, 12:00 pm – 1:00 pm"},
    )
    assert response.status_code == 302, response.content.decode()
    hours = AvailabilitySchedule.objects.get(host=host).weekly_hours.all()
    assert [str(h) for h in hours] == [
        "Tuesday 18:00–20:00",
        "Thursday 09:00–10:00",
        "Thursday 12:00–13:00",
    ]
    form = client.get(reverse("sessions:availability")).context["form"]
    assert form["tuesday"].value() == "6:00 PM-8:00 PM"
    assert form["thursday"].value() == "9:00 AM-10:00 AM, 12:00 PM-1:00 PM"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13:00 PM-2:00 PM", "13:00 PM is not a time of day"),
        ("0:30 AM-1:00 AM", "0:30 AM is not a time of day"),
        ("9 to 5", "is not an interval"),
        ("١٨:٠٠-٢٠:٠٠", "is not an interval"),
    ],
)
def test_hours_that_are_no_clock_time_are_refused(client, host, value, message):
    response = signed_in(client, host).post(
        reverse("sessions:availability"), HOURS | {"tuesday": value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AvailabilitySchedule.objects.exists()


def test_an_override_may_separate_the_date_from_its_hours_with_a_tab(client, host):
    response = signed_in(client, host).post(
        reverse("sessions:availability"),
        HOURS | {"overrides": "2027-01-21\toff\r\n2027-01-26\t 09:00-10:00"},
    )
    assert response.status_code == 302, response.content.decode()
    overrides = AvailabilitySchedule.objects.get(host=host).overrides.all()
    assert [str(o) for o in overrides] == ["2027-01-21: off", "2027-01-26: 09:00–10:00"]


def test_moving_zone_lays_the_weekly_hours_out_in_the_new_zone_at_once(client, host):
    from zoneinfo import ZoneInfo

    from tests.accounts.test_profile import valid_data

    save(host, weekly={1: "18:00-20:00"}, now=NOW)  # Tuesdays, Berlin
    new_york = ZoneInfo("America/New_York")

    def local_starts() -> set[str]:
        return {
            f"{s.starts_at.astimezone(new_york):%a %H:%M}"
            for s in Slot.objects.filter(host=host, status="open")
        }

    assert local_starts() == {"Tue 12:00", "Tue 13:00"}  # 18:00 and 19:00 in Berlin
    response = signed_in(client, host).post(
        reverse("profile"), valid_data(timezone="America/New_York")
    )

    assert response.status_code == 302
    assert local_starts() == {"Tue 18:00", "Tue 19:00"}
    # Saving again without a new zone changes nothing.
    before = set(Slot.objects.filter(host=host, status="open").values_list("pk", flat=True))
    signed_in(client, host).post(reverse("profile"), valid_data(timezone="America/New_York"))
    assert set(Slot.objects.filter(host=host, status="open").values_list("pk", flat=True)) == before
