"""publish_slots: local times, recurring series, every refusal, DST change days."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sessions.models import Slot
from sessions.scheduling.services import publish_slots
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db
host, guest = support.host, support.guest


def publish(person, **kwargs):
    defaults = {
        "interview_type": "system_design",
        "host_role": "interviewer",
        "level": "senior",
    }
    return publish_slots(host=person, **{**defaults, **kwargs})


def messages_of(excinfo) -> str:
    return " | ".join(excinfo.value.messages)


class TestPublishing:
    @pytest.fixture(autouse=True)
    def _frozen(self):
        with time_machine.travel(datetime(2026, 2, 2, 12, 0, tzinfo=UTC), tick=False):
            yield

    def test_it_reads_the_time_in_the_hosts_zone(self, host):
        # 18:00 in Los Angeles in February is 02:00 UTC the next day.
        [slot] = publish(host, first_day=date(2026, 2, 10), start_time=time(18, 0))
        assert slot.starts_at == datetime(2026, 2, 11, 2, 0, tzinfo=UTC)
        assert slot.ends_at - slot.starts_at == timedelta(minutes=60)
        assert slot.status == Slot.Status.OPEN

    def test_it_uses_the_types_default_length_and_doubles_a_swap(self, host):
        [behavioral] = publish(
            host, first_day=date(2026, 2, 10), start_time=time(9, 0), interview_type="behavioral"
        )
        [swap] = publish(
            host,
            first_day=date(2026, 2, 11),
            start_time=time(9, 0),
            interview_type="compensation",
            host_role="swap",
        )
        assert behavioral.ends_at - behavioral.starts_at == timedelta(minutes=45)
        assert swap.ends_at - swap.starts_at == timedelta(minutes=60)

    def test_it_creates_a_weekly_series_in_one_go(self, host):
        # Tuesdays and Thursdays at 18:00 for the next 4 weeks.
        slots = publish(
            host,
            first_day=date(2026, 2, 3),
            start_time=time(18, 0),
            weekdays=[1, 3],
            weeks=4,
            note="payments at scale",
        )
        assert len(slots) == 8
        local = [s.starts_at.astimezone(host.profile.zone) for s in slots]
        assert {d.strftime("%a %H:%M") for d in local} == {"Tue 18:00", "Thu 18:00"}
        assert Slot.objects.filter(host=host, note="payments at scale").count() == 8

    def test_it_refuses_a_start_in_the_past(self, host):
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 1), start_time=time(9, 0))
        assert "is in the past" in messages_of(excinfo)

    def test_it_refuses_a_start_less_than_an_hour_ahead(self, host):
        # Now is 04:00 in Los Angeles.
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 2), start_time=time(4, 30))
        assert "less than an hour from now" in messages_of(excinfo)
        [slot] = publish(host, first_day=date(2026, 2, 2), start_time=time(5, 0))
        assert slot.starts_at == datetime(2026, 2, 2, 13, 0, tzinfo=UTC)

    def test_it_refuses_more_than_8_weeks_ahead(self, host):
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 3, 31), start_time=time(9, 0))
        assert "more than 8 weeks ahead" in messages_of(excinfo)

    def test_a_series_with_one_bad_date_creates_nothing(self, host):
        # Weekly for 8 weeks from Mon 9 Feb: the last Mondays pass the 8-week horizon.
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 3, 23), start_time=time(9, 0), weekdays=[0], weeks=2)
        assert "Mon 30 Mar 2026, 09:00 is more than 8 weeks ahead" in messages_of(excinfo)
        assert not Slot.objects.exists()

    def test_it_refuses_an_overlap_with_an_own_slot(self, host):
        make_slot(host=host, starts_at=datetime(2026, 2, 11, 2, 30, tzinfo=UTC))
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 10), start_time=time(18, 0))
        assert "Tue 10 Feb 2026, 18:00 overlaps your open slot at Tue 10 Feb 2026, 18:30–19:30" in (
            messages_of(excinfo)
        )
        assert Slot.objects.count() == 1

    def test_it_refuses_an_overlap_with_a_booking_as_guest(self, host):
        make_booking(guest=host, starts_at=datetime(2026, 2, 11, 1, 30, tzinfo=UTC))
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 10), start_time=time(18, 0))
        assert "overlaps your booked interview" in messages_of(excinfo)

    def test_back_to_back_slots_are_not_an_overlap(self, host):
        publish(host, first_day=date(2026, 2, 10), start_time=time(18, 0))
        publish(host, first_day=date(2026, 2, 10), start_time=time(19, 0))
        assert Slot.objects.filter(host=host).count() == 2

    def test_a_withdrawn_slot_frees_its_time(self, host):
        make_slot(
            host=host,
            starts_at=datetime(2026, 2, 11, 2, 0, tzinfo=UTC),
            status=Slot.Status.WITHDRAWN,
        )
        publish(host, first_day=date(2026, 2, 10), start_time=time(18, 0))

    def test_it_refuses_more_than_30_open_slots_a_week(self, host):
        # 28 slots in the week of Mon 9 Feb (4 a day, Mon to Sun), then 3 more.
        for weekday_hour in (8, 10, 12, 14):
            publish(
                host, first_day=date(2026, 2, 9), start_time=time(weekday_hour, 0),
                weekdays=range(7), weeks=1,
            )  # fmt: skip
        assert Slot.objects.count() == 28
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 9), start_time=time(16, 0), weekdays=[0, 1, 2])
        assert "The week of Mon 9 Feb 2026 would have 31 open slots (28 already there)" in (
            messages_of(excinfo)
        )
        assert Slot.objects.count() == 28
        publish(host, first_day=date(2026, 2, 9), start_time=time(16, 0), weekdays=[0, 1])
        assert Slot.objects.count() == 30

    def test_it_refuses_a_suspended_host(self, host):
        host.profile.booking_suspended_until = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
        host.profile.save()
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 12), start_time=time(9, 0))
        assert "Booking is paused until Tue 10 Feb 2026, 04:00 (America/Los_Angeles)" in (
            messages_of(excinfo)
        )

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("interview_type", "karaoke", "interview type"),
            ("host_role", "spectator", "role"),
            ("level", "wizard", "level"),
            ("minutes", 50, "not 50"),
            ("weeks", 9, "1 to 8 weeks"),
        ],
    )
    def test_it_refuses_bad_choices(self, host, field, value, message):
        with pytest.raises(ValidationError) as excinfo:
            publish(host, first_day=date(2026, 2, 10), start_time=time(9, 0), **{field: value})
        assert message in messages_of(excinfo)
        assert not Slot.objects.exists()


class TestDaylightSavingChangeDays:
    """2026: the US springs forward on 8 Mar and falls back on 1 Nov; the EU on 29 Mar and 25 Oct."""

    @time_machine.travel(datetime(2026, 2, 20, 12, 0, tzinfo=UTC), tick=False)
    def test_a_missing_new_york_time_is_refused_and_named(self):
        person = UserFactory(tz="America/New_York")
        with pytest.raises(ValidationError) as excinfo:
            publish(person, first_day=date(2026, 3, 8), start_time=time(2, 30))
        assert excinfo.value.messages == [
            "02:30 on Sun 8 Mar 2026 does not exist in America/New_York: the clocks jump "
            "forward that night. Pick another time."
        ]
        assert not Slot.objects.exists()

    @time_machine.travel(datetime(2026, 10, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_an_ambiguous_new_york_time_is_refused_with_both_offsets(self):
        person = UserFactory(tz="America/New_York")
        with pytest.raises(ValidationError) as excinfo:
            publish(person, first_day=date(2026, 11, 1), start_time=time(1, 30))
        [message] = excinfo.value.messages
        assert message.startswith("01:30 on Sun 1 Nov 2026 happens twice in America/New_York")
        assert "UTC−04:00 or UTC−05:00" in message

    @time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_a_missing_berlin_time_is_refused(self, guest):
        with pytest.raises(ValidationError) as excinfo:
            publish(guest, first_day=date(2026, 3, 29), start_time=time(2, 15))
        assert "02:15 on Sun 29 Mar 2026 does not exist in Europe/Berlin" in messages_of(excinfo)

    @time_machine.travel(datetime(2026, 10, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_an_ambiguous_berlin_time_is_refused(self, guest):
        with pytest.raises(ValidationError) as excinfo:
            publish(guest, first_day=date(2026, 10, 25), start_time=time(2, 30))
        assert "UTC+02:00 or UTC+01:00" in messages_of(excinfo)

    @time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_a_series_over_a_change_day_lists_only_the_bad_date_and_creates_nothing(self, guest):
        with pytest.raises(ValidationError) as excinfo:
            publish(
                guest, first_day=date(2026, 3, 22), start_time=time(2, 30), weekdays=[6], weeks=3
            )
        assert excinfo.value.messages == [
            "02:30 on Sun 29 Mar 2026 does not exist in Europe/Berlin: the clocks jump "
            "forward that night. Pick another time."
        ]
        assert not Slot.objects.exists()

    @time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_a_series_keeps_the_local_time_across_the_change(self, guest):
        slots = publish(
            guest, first_day=date(2026, 3, 24), start_time=time(18, 0), weekdays=[1], weeks=2
        )
        assert [s.starts_at for s in slots] == [
            datetime(2026, 3, 24, 17, 0, tzinfo=UTC),  # CET, UTC+1
            datetime(2026, 3, 31, 16, 0, tzinfo=UTC),  # CEST, UTC+2
        ]

    @time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False)
    def test_a_time_just_after_the_gap_is_fine(self):
        person = UserFactory(tz="America/New_York")
        [slot] = publish(person, first_day=date(2026, 3, 8), start_time=time(3, 0))
        assert slot.starts_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
