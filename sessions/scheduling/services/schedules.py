"""Editing a weekly availability schedule: save it, withdraw it, restore it.

The occurrences themselves are made and kept in line by
sessions.scheduling.services.availability; every change here ends by
materialising, so the published slots follow the schedule at once.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.clock import format_clock
from accounts.models import Profile
from sessions.scheduling.availability_models import (
    WEEKDAY_NAMES,
    AvailabilitySchedule,
    DateOverride,
    WeeklyHours,
)
from sessions.scheduling.models import Booking, Question, Slot
from sessions.timeutils import format_day, format_local

from .availability import UNBOOKED, MaterialiseReport, _remove_occurrences, materialise_schedule
from .booking import _suspension_message
from .rules import MIN_NOTICE, check_window_day, slot_kind_errors

Interval = tuple[time, time]

MAX_BUFFER = timedelta(hours=2)
MAX_NOTICE = timedelta(days=14)
MAX_DAILY_CAP = 12
MAX_HORIZON_WEEKS = 8


def _span(starts: time, ends: time) -> str:
    return f"{format_clock(starts)}–{format_clock(ends)}"


def _check_intervals(label: str, intervals: list[Interval]) -> list[str]:
    errors = []
    previous = None
    for starts, ends in sorted(intervals):
        if ends <= starts:
            errors.append(f"{label}: {_span(starts, ends)} ends before it starts.")
        elif previous is not None and starts < previous[1]:
            errors.append(f"{label}: {_span(starts, ends)} overlaps {_span(*previous)}.")
        previous = (starts, ends)
    return errors


def _check_settings(
    *,
    interview_type: str,
    host_role: str,
    level: str,
    minutes: int,
    question: Question | None,
    note: str,
    buffer_before: timedelta,
    buffer_after: timedelta,
    min_notice: timedelta,
    daily_cap: int | None,
    horizon_weeks: int,
) -> list[str]:
    errors = slot_kind_errors(
        interview_type=interview_type,
        host_role=host_role,
        level=level,
        minutes=minutes,
        question=question,
        note=note,
    )
    for name, buffer in (("before", buffer_before), ("after", buffer_after)):
        if not timedelta(0) <= buffer <= MAX_BUFFER:
            errors.append(f"The buffer {name} an interview is 0 to 120 minutes.")
    if not MIN_NOTICE <= min_notice <= MAX_NOTICE:
        errors.append("The minimum notice is 1 hour to 14 days.")
    if daily_cap is not None and not 1 <= daily_cap <= MAX_DAILY_CAP:
        errors.append(f"The daily limit is 1 to {MAX_DAILY_CAP} interviews, or empty for none.")
    if not 1 <= horizon_weeks <= MAX_HORIZON_WEEKS:
        errors.append(f"Publish 1 to {MAX_HORIZON_WEEKS} weeks ahead.")
    return errors


def save_schedule(
    *,
    host,
    weekly: dict[int, list[Interval]],
    overrides: dict[date, list[Interval]],
    interview_type: str,
    host_role: str,
    level: str,
    minutes: int | None = None,
    note: str = "",
    question: Question | None = None,
    topic: str = "",
    buffer_before: timedelta = timedelta(0),
    buffer_after: timedelta = timedelta(0),
    min_notice: timedelta = timedelta(hours=12),
    daily_cap: int | None = None,
    horizon_weeks: int = 4,
    now: datetime | None = None,
) -> tuple[AvailabilitySchedule, MaterialiseReport]:
    """Create or replace the host's weekly schedule and publish it from now on.

    `weekly` maps a weekday (0 Monday … 6 Sunday) to local [start, end)
    intervals in the host's zone; `overrides` maps a date to its own intervals
    (an empty list: the day off). All or nothing: any problem raises one
    ValidationError listing every problem, and nothing is saved. Saving a
    withdrawn schedule publishes it again. Unbooked occurrences follow the new
    hours; booked ones stay, and the report lists those now outside them.
    """
    now = now or timezone.now()
    minutes = minutes or 60
    errors = _check_settings(
        interview_type=interview_type,
        host_role=host_role,
        level=level,
        minutes=minutes,
        question=question,
        note=note,
        buffer_before=buffer_before,
        buffer_after=buffer_after,
        min_notice=min_notice,
        daily_cap=daily_cap,
        horizon_weeks=horizon_weeks,
    )
    for weekday, intervals in weekly.items():
        if weekday not in range(7):
            errors.append("Choose weekdays from the list.")
            continue
        errors += _check_intervals(WEEKDAY_NAMES[weekday], intervals)
    for day, intervals in overrides.items():
        try:
            check_window_day(day, now=now)
        except ValidationError as exc:
            errors += [f"{format_day(day)}: {m}" for m in exc.messages]
        errors += _check_intervals(format_day(day), intervals)
    if not any(weekly.values()) and not any(overrides.values()):
        errors.append("Add hours on at least one weekday (for example 18:00-21:00).")
    profile = host.profile
    if profile.is_booking_suspended(now):
        errors.append(_suspension_message(profile))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # One editor at a time per person, so two tabs can't interleave their rows.
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        schedule = AvailabilitySchedule.objects.filter(host=host).first() or AvailabilitySchedule(
            host=host, created_at=now
        )
        schedule.interview_type = interview_type
        schedule.host_role = host_role
        schedule.level = level
        schedule.minutes = minutes
        schedule.note = note.strip()
        schedule.question = question
        schedule.topic = (topic or "").strip()[:200]
        schedule.buffer_before = buffer_before
        schedule.buffer_after = buffer_after
        schedule.min_notice = min_notice
        schedule.daily_cap = daily_cap
        schedule.horizon_weeks = horizon_weeks
        schedule.withdrawn_at = None
        schedule.updated_at = now
        schedule.save()
        schedule.weekly_hours.all().delete()
        schedule.overrides.all().delete()
        WeeklyHours.objects.bulk_create(
            WeeklyHours(schedule=schedule, weekday=weekday, starts=starts, ends=ends)
            for weekday, intervals in weekly.items()
            for starts, ends in intervals
        )
        DateOverride.objects.bulk_create(
            [
                DateOverride(schedule=schedule, day=day, starts=starts, ends=ends)
                for day, intervals in overrides.items()
                for starts, ends in intervals
            ]
            + [DateOverride(schedule=schedule, day=day) for day, iv in overrides.items() if not iv]
        )
        report = materialise_schedule(schedule=schedule, now=now)
    return schedule, report


def describe_booked(slot: Slot) -> str:
    """A booked occurrence for its owner: "Tue 3 Mar 2026, 18:00 with Ada"."""
    zone = slot.host.profile.zone
    booking = slot.bookings.exclude(status=Booking.Status.CANCELLED).first()
    who = f" with {booking.guest.display_name}" if booking else ""
    return f"{format_local(slot.starts_at, zone)}{who}"


def withdraw_schedule(*, schedule: AvailabilitySchedule, by, now: datetime | None = None) -> int:
    """Stop publishing: the schedule's future unbooked occurrences go; booked ones stay.

    Returns how many occurrences were taken down. restore_schedule undoes it.
    Waits for bookings of its occurrences already in progress (their row locks).
    Raises ValidationError when `by` is not the owner or it is already withdrawn.
    """
    now = now or timezone.now()
    with transaction.atomic():
        schedule = AvailabilitySchedule.objects.select_for_update().get(pk=schedule.pk)
        if schedule.host_id != by.pk:
            raise ValidationError("Only its owner can withdraw a schedule.")
        if not schedule.is_active:
            raise ValidationError("Your weekly availability is already withdrawn.")
        schedule.withdrawn_at = now
        schedule.save(update_fields=["withdrawn_at"])
        # Wait for bookings in progress rather than skip their rows: one that fails
        # would leave its time open, and nothing materialises a withdrawn schedule.
        # A booking that succeeds has made its row booked, and the filter leaves it.
        rows = list(
            schedule.occurrences.select_for_update().filter(status__in=UNBOOKED, starts_at__gt=now)
        )
        return _remove_occurrences(rows)


def restore_schedule(
    *, schedule: AvailabilitySchedule, by, now: datetime | None = None
) -> MaterialiseReport:
    """Publish a withdrawn schedule again, from now to its horizon."""
    now = now or timezone.now()
    with transaction.atomic():
        schedule = AvailabilitySchedule.objects.select_for_update().get(pk=schedule.pk)
        if schedule.host_id != by.pk:
            raise ValidationError("Only its owner can restore a schedule.")
        if schedule.is_active:
            raise ValidationError("Your weekly availability is already published.")
        schedule.withdrawn_at = None
        schedule.save(update_fields=["withdrawn_at"])
        return materialise_schedule(schedule=schedule, now=now)


def materialise_all(*, now: datetime | None = None) -> int:
    """Beat: every active schedule of an active person publishes up to its horizon."""
    now = now or timezone.now()
    created = 0
    schedules = AvailabilitySchedule.objects.filter(withdrawn_at__isnull=True, host__is_active=True)
    for schedule in schedules.only("pk").iterator():
        created += materialise_schedule(schedule=schedule, now=now).created
    return created
