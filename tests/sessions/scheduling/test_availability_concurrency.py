"""Weekly availability under real concurrent transactions on PostgreSQL: racing
materialisations publish each time once, and racing bookings respect the daily cap."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.models import AvailabilitySchedule, Booking, Slot
from sessions.scheduling import services
from tests.factories import UserFactory
from tests.sessions.scheduling.availability_support import save
from tests.sessions.scheduling.test_booking_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _host_with_schedule(**settings):
    host = UserFactory(tz="Europe/Berlin")
    now = timezone.now()
    tomorrow = (now + timedelta(days=1)).astimezone(host.profile.zone).weekday()
    schedule, _ = save(host, weekly={tomorrow: "09:00-17:00"}, now=now, **settings)
    return host, schedule


def test_two_racing_runs_publish_every_time_once():
    host, schedule = _host_with_schedule()
    expected = Slot.objects.filter(schedule=schedule).count()
    # Take the occurrences down, so both runs have the same work to race for.
    Slot.objects.filter(schedule=schedule).delete()

    results, _ = run_together(
        2,
        lambda i: services.materialise_schedule(
            schedule=AvailabilitySchedule(pk=schedule.pk), now=timezone.now()
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.created for r in results) == [0, expected]
    starts = list(Slot.objects.filter(schedule=schedule).values_list("starts_at", flat=True))
    assert len(starts) == len(set(starts)) == expected


def test_the_database_refuses_a_second_occurrence_at_the_same_start():
    _, schedule = _host_with_schedule()
    first = schedule.occurrences.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(
            host=first.host,
            schedule=schedule,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            interview_type=first.interview_type,
            host_role=first.host_role,
        )


def test_two_guests_racing_for_the_last_interview_of_a_capped_day_get_one_booking():
    host, schedule = _host_with_schedule(daily_cap=1)
    first, second = schedule.occurrences.order_by("starts_at")[:2]
    guests = [UserFactory(), UserFactory()]
    slots = [first, second]

    results, _ = run_together(
        2, lambda i: services.book_slot(slot=Slot(pk=slots[i].pk), guest=guests[i])
    )
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, services.SchedulingError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert Booking.objects.filter(host=host).count() == 1
    # The day's other times are held, not bookable.
    assert not schedule.occurrences.filter(
        status="open", starts_at__lt=first.starts_at + timedelta(hours=10)
    ).exists()


def _lock_then_roll_back(slot, locked, done, *, linger: float = 0.0) -> str:
    """A booking in progress that then fails: it locks the slot's row as book_slot does,
    says so (`locked`), waits for the other side (`done`), and writes nothing."""
    with transaction.atomic():
        Slot.objects.select_for_update().get(pk=slot.pk)
        locked.set()
        done.wait(timeout=10)
        time.sleep(linger)
        transaction.set_rollback(True)
    return "rolled back"


def test_withdrawing_while_a_booking_that_fails_holds_a_time_takes_that_time_down_too():
    """A booking in progress holds its slot's row lock; when it then fails (the guest
    is busy, a rule refuses), the withdrawal must still take that time down: no
    later run publishes or removes anything for a withdrawn schedule."""
    host, schedule = _host_with_schedule()
    slot = schedule.occurrences.order_by("starts_at").first()
    locked, withdrawing = threading.Event(), threading.Event()

    def failing_booking():
        # Lingers after the signal so the withdrawal is at the slot rows.
        return _lock_then_roll_back(slot, locked, withdrawing, linger=0.5)

    def withdraw():
        locked.wait(timeout=10)
        withdrawing.set()
        return services.withdraw_schedule(schedule=schedule, by=host, now=timezone.now())

    results, _ = run_together(2, lambda i: (failing_booking, withdraw)[i]())
    assert results[0] == "rolled back" and isinstance(results[1], int), results
    assert not Slot.objects.filter(host=host, status__in=["open", "held"]).exists()


def test_booking_while_the_owner_moves_the_hours_away_ends_with_one_consistent_answer():
    """The owner drops the day while a guest books one of its times: either the booking
    wins (the time stays, booked) or the edit does (no booking); no deadlock, no error."""
    host, schedule = _host_with_schedule()
    slot = schedule.occurrences.order_by("starts_at").first()
    guest = UserFactory()
    other_day = (slot.starts_at.astimezone(host.profile.zone).weekday() + 2) % 7

    def book():
        return services.book_slot(slot=Slot(pk=slot.pk), guest=guest)

    def edit():
        return save(host, weekly={other_day: "09:00-10:00"}, now=timezone.now())

    results, elapsed = run_together(2, lambda i: (book, edit)[i]())
    assert elapsed < 10, "the two waited on each other"
    booking, edited = results
    assert isinstance(edited, tuple), edited
    if isinstance(booking, Booking):
        assert Slot.objects.get(pk=slot.pk).status == Slot.Status.BOOKED
    else:
        # Refused as no longer offered, and the time is taken down at once.
        assert isinstance(booking, services.SlotTaken), booking
        assert "no longer offered" in booking.message
        assert not Slot.objects.filter(pk=slot.pk, status="open").exists()


def test_a_time_the_owner_dropped_while_a_booking_held_it_cannot_be_booked_afterwards():
    """An edit leaves a time a booking in progress had locked; when that booking fails,
    the next guest is refused it, rather than booking hours its owner no longer keeps."""
    host, schedule = _host_with_schedule()
    slot = schedule.occurrences.order_by("starts_at").first()
    other_day = (slot.starts_at.astimezone(host.profile.zone).weekday() + 2) % 7
    locked, edited = threading.Event(), threading.Event()

    def failing_booking():
        return _lock_then_roll_back(slot, locked, edited)

    def edit():
        locked.wait(timeout=10)
        try:
            return save(host, weekly={other_day: "09:00-10:00"}, now=timezone.now())
        finally:
            edited.set()

    results, _ = run_together(2, lambda i: (failing_booking, edit)[i]())
    assert results[0] == "rolled back" and isinstance(results[1], tuple), results

    with pytest.raises(services.SlotTaken, match="no longer offered"):
        services.book_slot(slot=Slot(pk=slot.pk), guest=UserFactory())
    assert not Booking.objects.filter(slot=slot).exists()
    assert not Slot.objects.filter(pk=slot.pk).exists()  # taken down by the refusal
