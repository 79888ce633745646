"""Weekly availability: materialising hours into slots, and the rules (notice,
buffers, daily cap) at materialisation and at booking. The clock is pinned, so
"now" is the same for the test, the services and their signal receivers."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sessions.models import Booking, Question, Slot
from sessions.scheduling import selectors, services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling.availability_support import save

pytestmark = pytest.mark.clock

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday morning in Berlin, far from any clock change.
NOW = datetime(2027, 1, 13, 8, 0, tzinfo=UTC)
TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def host(db):
    return UserFactory(email="hana@example.com", tz="Europe/Berlin")


@pytest.fixture
def guest(db):
    return UserFactory(email="gus@example.com", tz="America/Los_Angeles")


def local(slot: Slot) -> str:
    return slot.starts_at.astimezone(BERLIN).strftime("%a %d %H:%M")


def open_times(host) -> list[str]:
    return [local(s) for s in Slot.objects.filter(host=host, status="open").order_by("starts_at")]


def test_weekly_hours_become_slots_in_the_hosts_zone_with_its_settings(clock, host):
    question = Question.objects.filter(interview_type="system_design").first()
    schedule, report = save(
        host,
        weekly={TUESDAY: "18:00-21:00"},
        now=NOW,
        note="payments at scale",
        question=question,
    )
    assert report.created == 6
    assert open_times(host) == [
        "Tue 19 18:00", "Tue 19 19:00", "Tue 19 20:00",
        "Tue 26 18:00", "Tue 26 19:00", "Tue 26 20:00",
    ]  # fmt: skip
    slot = schedule.occurrences.first()
    assert slot.starts_at == datetime(2027, 1, 19, 17, 0, tzinfo=UTC)
    assert (slot.note, slot.question, slot.duration) == (
        "payments at scale",
        question,
        timedelta(hours=1),
    )


def test_several_intervals_a_day_and_buffers_space_the_occurrences(clock, host):
    save(
        host,
        weekly={WEDNESDAY: "09:00-12:00, 14:00-16:00"},
        now=NOW,
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=15),
        horizon_weeks=1,
    )
    # 09:00 Berlin is now, inside the hour's notice; the week's horizon ends next 09:00.
    assert open_times(host) == ["Wed 13 10:30", "Wed 13 14:00", "Wed 20 09:00"]


def test_running_it_again_publishes_nothing_twice(clock, host):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-21:00"}, now=NOW)
    again = services.materialise_schedule(schedule=schedule, now=NOW)
    assert again.created == 0
    assert Slot.objects.filter(host=host).count() == 6


def test_the_horizon_rolls_forward_as_time_passes(clock, host):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW)
    assert open_times(host) == ["Tue 19 18:00", "Tue 26 18:00"]
    later = NOW + timedelta(days=7)
    clock.move_to(later)
    assert services.materialise_all(now=later) == 1
    assert open_times(host)[-1] == "Tue 02 18:00"


def test_a_date_override_takes_a_day_off_or_changes_its_hours(clock, host):
    save(
        host,
        weekly={TUESDAY: "18:00-20:00"},
        overrides={date(2027, 1, 19): "", date(2027, 1, 26): "07:00-08:00"},
        now=NOW,
    )
    assert open_times(host) == ["Tue 26 07:00"]


def test_minimum_notice_publishes_nothing_sooner_and_refuses_booking_sooner(clock, host, guest):
    schedule, _ = save(
        host, weekly={WEDNESDAY: "12:00-13:00", THURSDAY: "12:00-13:00"}, now=NOW,
        min_notice=timedelta(hours=30),
    )  # fmt: skip
    # Today 12:00 (3 h away) and tomorrow 12:00 (27 h away) are inside the notice.
    assert open_times(host) == ["Wed 20 12:00", "Thu 21 12:00"]
    slot = schedule.occurrences.order_by("starts_at").first()
    clock.move_to(slot.starts_at - timedelta(hours=29))
    assert slot not in selectors.open_slots_for(viewer=guest)
    with pytest.raises(services.SlotTaken, match="at least 30 h notice"):
        services.book_slot(slot=slot, guest=guest)
    assert not Booking.objects.exists()
    clock.move_to(slot.starts_at - timedelta(hours=31))
    assert slot in selectors.open_slots_for(viewer=guest)


def test_a_booking_inside_the_buffer_holds_the_occurrence_until_it_is_cancelled(clock, host, guest):
    schedule, _ = save(
        host, weekly={TUESDAY: "18:00-19:00"}, now=NOW,
        buffer_after=timedelta(minutes=30), horizon_weeks=1,
    )  # fmt: skip
    slot = schedule.occurrences.get()
    # The host books someone else's interview 20 minutes after the occurrence ends.
    other = make_booking(
        host=UserFactory(), guest=host, starts_at=slot.ends_at + timedelta(minutes=20)
    )
    services.refresh_holds(host=host)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.HELD
    assert slot not in selectors.open_slots_for(viewer=guest)
    with pytest.raises(services.SlotTaken, match="around then"):
        services.book_slot(slot=slot, guest=guest)
    services.cancel_booking(booking=other, by=host, reason="Clash")
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN


def test_booking_refuses_an_occurrence_inside_the_buffer_even_before_it_is_held(clock, host, guest):
    schedule, _ = save(
        host, weekly={TUESDAY: "18:00-19:00"}, now=NOW,
        buffer_before=timedelta(minutes=30), horizon_weeks=1,
    )  # fmt: skip
    slot = schedule.occurrences.get()
    make_booking(host=UserFactory(), guest=host, starts_at=slot.starts_at - timedelta(minutes=80))
    with pytest.raises(services.SlotTaken, match="keeps time free"):
        services.book_slot(slot=slot, guest=guest)


def test_the_daily_cap_hides_the_days_other_times_and_a_cancellation_brings_them_back(
    clock, host, guest
):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-21:00"}, now=NOW, daily_cap=1)
    first, second, third = schedule.occurrences.filter(starts_at__lt=NOW + timedelta(days=7))
    booking = services.book_slot(slot=first, guest=guest)
    statuses = dict(Slot.objects.filter(pk__in=[second.pk, third.pk]).values_list("pk", "status"))
    assert statuses == {second.pk: "held", third.pk: "held"}
    # The next Tuesday is another day: still open.
    assert open_times(host) == ["Tue 26 18:00", "Tue 26 19:00", "Tue 26 20:00"]
    visible = set(selectors.open_slots_for(viewer=UserFactory()))
    assert second not in visible and third not in visible
    with pytest.raises(services.SlotTaken):
        services.book_slot(slot=second, guest=UserFactory())
    services.cancel_booking(booking=booking, by=guest, reason="Something came up")
    assert open_times(host)[:3] == ["Tue 19 18:00", "Tue 19 19:00", "Tue 19 20:00"]


def test_the_daily_cap_counts_the_hosts_other_interviews_that_local_day(clock, host, guest):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW, daily_cap=1)
    slot = schedule.occurrences.order_by("starts_at").first()
    # Tuesday 09:00 Berlin: the same local day as the 18:00 occurrence.
    make_booking(host=UserFactory(), guest=host, starts_at=datetime(2027, 1, 19, 8, 0, tzinfo=UTC))
    with pytest.raises(services.SlotTaken, match="already has 1 interview on Tue 19 Jan 2027"):
        services.book_slot(slot=slot, guest=guest)


def test_editing_moves_unbooked_times_keeps_booked_ones_and_reports_them(clock, host, guest):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-20:00"}, now=NOW)
    booked = schedule.occurrences.order_by("starts_at").first()
    services.book_slot(slot=booked, guest=guest)
    schedule, report = save(host, weekly={THURSDAY: "09:00-10:00"}, now=NOW, note="new note")
    assert report.outside_hours == [booked]
    assert services.describe_booked(booked).startswith("Tue 19 Jan 2027, 18:00 with ")
    booked.refresh_from_db()
    assert booked.status == Slot.Status.BOOKED
    assert open_times(host) == ["Thu 14 09:00", "Thu 21 09:00"]
    assert set(schedule.occurrences.filter(status="open").values_list("note", flat=True)) == {
        "new note"
    }


def test_withdrawing_the_schedule_takes_open_times_down_and_restoring_brings_them_back(
    clock, host, guest
):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-20:00"}, now=NOW)
    booked = schedule.occurrences.order_by("starts_at").first()
    services.book_slot(slot=booked, guest=guest)
    assert services.withdraw_schedule(schedule=schedule, by=host, now=NOW) == 3
    assert open_times(host) == []
    assert services.materialise_all(now=NOW) == 0
    booked.refresh_from_db()
    assert booked.status == Slot.Status.BOOKED
    with pytest.raises(ValidationError, match="Only its owner"):
        services.restore_schedule(schedule=schedule, by=guest, now=NOW)
    report = services.restore_schedule(schedule=schedule, by=host, now=NOW)
    assert report.created == 3
    assert len(open_times(host)) == 3


def test_a_withdrawn_occurrence_stays_withdrawn_until_its_owner_restores_it(clock, host):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW)
    slot = schedule.occurrences.order_by("starts_at").first()
    services.withdraw_slot(slot=slot, by=host)
    assert services.materialise_schedule(schedule=schedule, now=NOW).created == 0
    slot.refresh_from_db()
    assert slot.status == Slot.Status.WITHDRAWN
    with pytest.raises(services.SchedulingError):
        services.restore_slot(slot=slot, by=UserFactory())
    assert services.restore_slot(slot=slot, by=host).status == Slot.Status.OPEN


def test_restoring_a_slot_refuses_a_time_that_no_longer_works(clock, host, guest):
    slot = Slot.objects.create(
        host=host, starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=2, hours=1),
        interview_type="coding", host_role="interviewer", status=Slot.Status.WITHDRAWN,
    )  # fmt: skip
    make_booking(host=UserFactory(), guest=host, starts_at=slot.starts_at)
    with pytest.raises(ValidationError, match="overlaps your booked interview"):
        services.restore_slot(slot=slot, by=host)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.WITHDRAWN


def test_a_schedule_that_breaks_a_rule_saves_nothing(clock, host):
    with pytest.raises(ValidationError) as caught:
        save(
            host, weekly={TUESDAY: "09:00-12:00, 11:00-13:00"}, now=NOW,
            buffer_before=timedelta(hours=5), daily_cap=0, horizon_weeks=9,
        )  # fmt: skip
    text = " ".join(caught.value.messages)
    assert "Tuesday: 11:00–13:00 overlaps 09:00–12:00." in text
    assert "buffer before" in text and "daily limit" in text and "1 to 8 weeks" in text
    assert not Slot.objects.exists()
    assert not services.save_schedule.__module__.endswith("x")  # the service module is real
    from sessions.models import AvailabilitySchedule

    assert not AvailabilitySchedule.objects.exists()


def test_the_hourly_task_is_on_the_beat_schedule():
    from interviewprep.celery import app

    entries = [e for e in app.conf.beat_schedule.values() if "materialise" in e["task"]]
    assert entries and entries[0]["task"] == "sessions.tasks.materialise_availability"


def test_leaving_withdraws_the_schedule_and_cancels_its_bookings_without_reopening_times(
    clock, host, guest
):
    from accounts.services import anonymise_user

    schedule, _ = save(host, weekly={TUESDAY: "18:00-21:00"}, now=NOW, daily_cap=1)
    booking = services.book_slot(
        slot=schedule.occurrences.order_by("starts_at").first(), guest=guest
    )
    anonymise_user(user=host, now=NOW)
    schedule.refresh_from_db()
    booking.refresh_from_db()
    assert not schedule.is_active
    assert booking.status == Booking.Status.CANCELLED
    assert not Slot.objects.filter(host=host, status__in=["open", "held"]).exists()


def test_the_data_download_includes_the_weekly_availability(clock, host):
    from accounts.services import export_personal_data

    save(host, weekly={TUESDAY: "18:00-21:00"}, now=NOW, overrides={date(2027, 1, 19): ""})
    data = export_personal_data(user=host, now=NOW)
    text = str(data)
    assert "Tuesday 18:00–21:00" in text and "2027-01-19: off" in text


def test_a_withdrawn_time_outside_new_hours_is_restored_as_a_one_off_slot(clock, host):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW)
    slot = schedule.occurrences.order_by("starts_at").first()
    services.withdraw_slot(slot=slot, by=host)
    save(host, weekly={THURSDAY: "09:00-10:00"}, now=NOW)
    assert services.restore_slot(slot=slot, by=host).status == Slot.Status.OPEN
    services.materialise_schedule(schedule=schedule, now=NOW)
    slot.refresh_from_db()
    assert (slot.status, slot.schedule) == (Slot.Status.OPEN, None)


def test_moving_a_booking_onto_another_time_of_the_schedule_moves_it(clock, host, guest):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00", WEDNESDAY: "18:00-19:00"}, now=NOW)
    wednesday, tuesday = schedule.occurrences.order_by("starts_at")[:2]  # Wed 13, Tue 19
    booking = services.book_slot(slot=wednesday, guest=guest)
    request = services.propose_reschedule(booking=booking, by=guest, starts_at=tuesday.starts_at)

    booking = services.accept_reschedule(request=request, by=host)

    assert booking.starts_at == tuesday.starts_at
    # The Tuesday time it landed on is held (the host is busy then), not offered.
    tuesday.refresh_from_db()
    assert tuesday.status == Slot.Status.HELD
    assert tuesday not in selectors.open_slots_for(viewer=UserFactory())
    # The freed Wednesday evening is published again by the next run.
    services.materialise_schedule(schedule=schedule)
    assert "Wed 13 18:00" in open_times(host)


def test_a_guest_cancelling_after_the_schedule_was_withdrawn_does_not_reopen_the_time(
    clock, host, guest
):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW, horizon_weeks=1)
    booking = services.book_slot(slot=schedule.occurrences.get(), guest=guest)
    services.withdraw_schedule(schedule=schedule, by=host)

    services.cancel_booking(booking=booking, by=guest, reason="Something came up")

    assert not Slot.objects.filter(host=host, status__in=["open", "held"]).exists()
    # Restoring the schedule publishes that time again, like its other times.
    services.restore_schedule(schedule=schedule, by=host)
    assert open_times(host) == ["Tue 19 18:00"]


def test_booking_a_time_the_owner_just_took_out_of_their_hours_is_refused(clock, host, guest):
    schedule, _ = save(host, weekly={TUESDAY: "18:00-19:00"}, now=NOW)
    slot = schedule.occurrences.order_by("starts_at").first()  # the guest's page shows it
    save(host, weekly={THURSDAY: "18:00-19:00"}, now=NOW)  # the owner moves the hours
    with pytest.raises(services.SlotTaken, match="no longer offered"):
        services.book_slot(slot=slot, guest=guest)
    assert not Booking.objects.exists()
