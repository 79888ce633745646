"""Publishing slots, one or a weekly series, in the host's own time zone."""

from collections import Counter
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import pagecache
from accounts.models import Profile
from sessions.scheduling.models import (
    DEFAULT_MINUTES,
    BookingParticipant,
    HostRole,
    Question,
    Slot,
)
from sessions.timeutils import format_day, format_local, localize

from .availability import refresh_holds
from .booking import _suspension_message
from .rules import (
    MAX_OPEN_SLOTS_PER_WEEK,
    MAX_RECURRING_WEEKS,
    SchedulingError,
    _check_window,
    check_window_day,
    slot_kind_errors,
    week_start,
)

# --- Publishing ---------------------------------------------------------------


def occurrence_days(*, first_day: date, weekdays: Collection[int], weeks: int) -> list[date]:
    """The first day alone, or every chosen weekday from it for `weeks` weeks."""
    if not weekdays:
        return [first_day]
    span = [first_day + timedelta(days=i) for i in range(7 * weeks)]
    return [d for d in span if d.weekday() in weekdays]


def publish_slots(
    *,
    host,
    first_day: date,
    start_time: time,
    interview_type: str,
    host_role: str,
    level: str,
    minutes: int | None = None,
    note: str = "",
    question: Question | None = None,
    topic: str = "",
    weekdays: Collection[int] = (),
    weeks: int = 1,
    now: datetime | None = None,
) -> list[Slot]:
    """Create one slot, or a weekly series, in the host's own time zone.

    All or nothing: any problem with any occurrence raises a ValidationError
    listing every problem, and no slot is created.
    """
    now = now or timezone.now()
    profile = host.profile
    zone = profile.zone
    minutes = minutes or DEFAULT_MINUTES.get(interview_type)
    errors = slot_kind_errors(
        interview_type=interview_type,
        host_role=host_role,
        level=level,
        minutes=minutes,
        question=question,
        note=note,
    )
    if errors:
        raise ValidationError(errors)
    if not 1 <= weeks <= MAX_RECURRING_WEEKS:
        raise ValidationError(f"Repeat for 1 to {MAX_RECURRING_WEEKS} weeks.")
    if any(d not in range(7) for d in weekdays):
        raise ValidationError("Choose weekdays from the list.")
    if profile.is_booking_suspended(now):
        raise ValidationError(_suspension_message(profile))
    check_window_day(first_day, now=now)

    length = timedelta(minutes=minutes * (2 if host_role == HostRole.SWAP else 1))
    days = occurrence_days(first_day=first_day, weekdays=weekdays, weeks=weeks)
    errors: list[str] = []
    starts: list[datetime] = []
    for day in days:
        try:
            moment = localize(day=day, at=start_time, zone=zone)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        problem = _check_window(moment, now=now, zone=zone)
        if problem:
            errors.append(problem)
        else:
            starts.append(moment.astimezone(UTC))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # One publisher at a time per host, so two tabs can't both pass the checks.
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        errors = _overlap_errors(host=host, starts=starts, length=length, zone=zone)
        errors += _weekly_limit_errors(host=host, starts=starts, zone=zone, now=now)
        if errors:
            raise ValidationError(errors)
        slots = Slot.objects.bulk_create(
            [
                Slot(
                    host=host,
                    starts_at=start,
                    ends_at=start + length,
                    interview_type=interview_type,
                    host_role=host_role,
                    level=level,
                    note=note.strip(),
                    question=question,
                    topic=(topic or "").strip()[:200],
                )
                for start in starts
            ]
        )
        # bulk_create sends no post_save: the cached pages are told here.
        pagecache.people_changed(host.pk)
        pagecache.board_changed()
    return slots


def _overlap_errors(*, host, starts: list[datetime], length: timedelta, zone) -> list[str]:
    if not starts:
        return []
    lo, hi = min(starts), max(starts) + length
    taken = [
        (s.starts_at, s.ends_at, "your open slot" if s.status == Slot.Status.OPEN else "your slot")
        for s in Slot.objects.filter(
            host=host,
            status__in=[Slot.Status.OPEN, Slot.Status.BOOKED],
            starts_at__lt=hi,
            ends_at__gt=lo,
        )
    ]
    taken += [
        (p.starts_at, p.ends_at, "your booked interview")
        for p in BookingParticipant.objects.filter(
            user=host, live=True, starts_at__lt=hi, ends_at__gt=lo
        )
    ]
    errors = []
    seen: list[tuple[datetime, datetime]] = []
    for start in starts:
        end = start + length
        for other_start, other_end, what in taken:
            if other_start < end and other_end > start:
                errors.append(
                    f"{format_local(start, zone)} overlaps {what} at "
                    f"{format_local(other_start, zone)}–{other_end.astimezone(zone):%H:%M}."
                )
                break
        else:
            if any(s < end and e > start for s, e in seen):
                errors.append(f"{format_local(start, zone)} overlaps another slot in this series.")
        seen.append((start, end))
    return errors


def _weekly_limit_errors(*, host, starts: list[datetime], zone, now: datetime) -> list[str]:
    new_per_week = Counter(week_start(s, zone) for s in starts)
    if not new_per_week:
        return []
    first_week = min(new_per_week)
    existing = Slot.objects.filter(
        host=host,
        status=Slot.Status.OPEN,
        starts_at__gt=now,
        starts_at__gte=datetime.combine(first_week, time.min, tzinfo=zone),
        starts_at__lt=datetime.combine(
            max(new_per_week) + timedelta(days=7), time.min, tzinfo=zone
        ),
    ).values_list("starts_at", flat=True)
    existing_per_week = Counter(week_start(s, zone) for s in existing)
    errors = []
    for week, added in sorted(new_per_week.items()):
        total = added + existing_per_week[week]
        if total > MAX_OPEN_SLOTS_PER_WEEK:
            errors.append(
                f"The week of {format_day(week)} would have {total} open slots "
                f"({existing_per_week[week]} already there); the limit is "
                f"{MAX_OPEN_SLOTS_PER_WEEK} a week."
            )
    return errors


def withdraw_slot(*, slot: Slot, by) -> Slot:
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.host_id != by.pk:
            raise SchedulingError("Only the person who published a slot can withdraw it.")
        if slot.status not in (Slot.Status.OPEN, Slot.Status.HELD):
            raise SchedulingError(
                "This slot is booked; cancel the booking instead."
                if slot.status == Slot.Status.BOOKED
                else "This slot is already withdrawn."
            )
        slot.status = Slot.Status.WITHDRAWN
        slot.save(update_fields=["status"])
    return slot


def restore_slot(*, slot: Slot, by, now: datetime | None = None) -> Slot:
    """Undo a withdrawal: the slot is open again, under the rules of publishing it.

    Raises SchedulingError when it isn't `by`'s withdrawn slot or its schedule
    is withdrawn, and ValidationError when its time no longer passes (past,
    within the hour, overlapping another slot or interview, the week full).
    An occurrence of a weekly schedule may come back held by its rules.
    """
    now = now or timezone.now()
    zone = by.profile.zone
    with transaction.atomic():
        Profile.objects.select_for_update().filter(user=by).first()
        slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
        if slot.host_id != by.pk:
            raise SchedulingError("Only the person who published a slot can restore it.")
        if slot.status != Slot.Status.WITHDRAWN:
            raise SchedulingError("This slot is not withdrawn.")
        if slot.schedule is not None and not slot.schedule.is_active:
            raise SchedulingError(
                "Restore your weekly availability first; this time is part of it."
            )
        problem = _check_window(slot.starts_at, now=now, zone=zone)
        errors = [problem] if problem else []
        errors += _overlap_errors(host=by, starts=[slot.starts_at], length=slot.duration, zone=zone)
        errors += _weekly_limit_errors(host=by, starts=[slot.starts_at], zone=zone, now=now)
        if errors:
            raise ValidationError(errors)
        slot.status = Slot.Status.OPEN
        slot.save(update_fields=["status"])
        if slot.schedule is not None:
            refresh_holds(host=by, now=now)
            slot.refresh_from_db(fields=["status"])
    return slot
