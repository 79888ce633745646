"""Availability as rules: materialise a person's weekly schedule into slots, and
apply its rules (minimum notice, buffers, a daily cap) when people book.

Occurrences are ordinary `Slot` rows tied to the schedule, one per start
(a unique constraint on schedule and start), so any number of racing runs
publish each time once, and bookings keep the database guarantees of every
slot. Where the rules keep an occurrence from being booked for now (the day's
cap is reached, or a buffer touches a booking) it is `held`: hidden from Find,
and opened again once they allow (a booking cancelled or moved).

Wall-clock times follow publishing's rules on days the clocks change: a time
that does not exist, or happens twice, is skipped with the message publishing
would give for it (sessions.timeutils.localize); nothing is guessed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import pagecache
from sessions.scheduling.availability_models import AvailabilitySchedule
from sessions.scheduling.models import Booking, BookingParticipant, Slot
from sessions.timeutils import format_day, format_duration, localize

from .rules import MAX_AHEAD, MAX_OPEN_SLOTS_PER_WEEK, MIN_NOTICE, week_start

# Occurrences the materialiser may change: not booked, not withdrawn by their owner.
UNBOOKED = (Slot.Status.OPEN, Slot.Status.HELD)

Interval = tuple[time, time]


@dataclass
class MaterialiseReport:
    """What one run did: occurrences added, times skipped (with why), and booked
    occurrences the current hours no longer cover (they stay booked)."""

    created: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    outside_hours: list[Slot] = field(default_factory=list)


def hours_on(schedule: AvailabilitySchedule, day: date, *, weekly=None, overrides=None) -> list:
    """The day's intervals: its override's (none for a day off) or else its weekday's."""
    weekly = weekly if weekly is not None else list(schedule.weekly_hours.all())
    overrides = overrides if overrides is not None else list(schedule.overrides.all())
    dated = [o for o in overrides if o.day == day]
    if dated:
        return [(o.starts, o.ends) for o in dated if o.starts is not None]
    return [(h.starts, h.ends) for h in weekly if h.weekday == day.weekday()]


def starts_in_interval(
    *, day: date, interval: Interval, zone, length: timedelta, gap: timedelta
) -> tuple[list[datetime], list[str]]:
    """Occurrence starts (UTC) in one local interval of `day`, and the times skipped.

    Starts step by `length + gap` in wall-clock time from the interval's
    start; an occurrence must end (in real time) by the interval's end on the
    same local day. A start that does not exist or happens twice in `zone` is
    skipped, with localize's message; after a skipped hour, a start that would
    come within `gap` of the previous occurrence is left out too.
    """
    begin, end = interval
    step = length + gap
    wall = datetime.combine(day, begin)
    last = datetime.combine(day, end)
    starts: list[datetime] = []
    skipped: list[str] = []
    previous_end: datetime | None = None
    while wall + length <= last:
        try:
            moment = localize(day=day, at=wall.time(), zone=zone).astimezone(UTC)
        except ValidationError as exc:
            skipped.extend(exc.messages)
        else:
            local_end = (moment + length).astimezone(zone).replace(tzinfo=None)
            fits = local_end <= last
            spaced = previous_end is None or moment >= previous_end + gap
            if fits and spaced:
                starts.append(moment)
                previous_end = moment + length
        wall += step
    return starts, skipped


def planned_starts(
    schedule: AvailabilitySchedule, *, now: datetime
) -> tuple[list[datetime], list[str]]:
    """Every start the schedule offers from its notice to its horizon (UTC, in order),
    and the messages for local times skipped on days the clocks change."""
    zone = schedule.host.profile.zone
    earliest = now + max(MIN_NOTICE, schedule.min_notice)
    latest = now + min(MAX_AHEAD, timedelta(weeks=schedule.horizon_weeks))
    weekly, overrides = list(schedule.weekly_hours.all()), list(schedule.overrides.all())
    gap = schedule.buffer_before + schedule.buffer_after
    starts: list[datetime] = []
    skipped: list[str] = []
    day = earliest.astimezone(zone).date()
    while day <= latest.astimezone(zone).date():
        for interval in hours_on(schedule, day, weekly=weekly, overrides=overrides):
            found, missed = starts_in_interval(
                day=day, interval=interval, zone=zone, length=schedule.length, gap=gap
            )
            starts += [s for s in found if earliest <= s <= latest]
            skipped += missed
        day += timedelta(days=1)
    return sorted(set(starts)), list(dict.fromkeys(skipped))


def materialise_schedule(
    *, schedule: AvailabilitySchedule, now: datetime | None = None
) -> MaterialiseReport:
    """Bring the schedule's future occurrences in line with its hours and settings.

    Idempotent: run it hourly, after every edit, from any number of workers.
    Unbooked occurrences the hours no longer hold are removed (withdrawn and
    detached when a cancelled booking still points at them); those still
    held are updated to the schedule's type, length, level, note and question.
    Booked occurrences never change: the ones outside the hours are reported.
    A new time is skipped when it overlaps another of the owner's slots, or
    would put more than MAX_OPEN_SLOTS_PER_WEEK open slots in its local week.
    A withdrawn schedule materialises nothing.
    """
    now = now or timezone.now()
    report = MaterialiseReport()
    with transaction.atomic():
        schedule = (
            AvailabilitySchedule.objects.select_for_update(of=("self",))
            .select_related("host__profile", "question")
            .get(pk=schedule.pk)
        )
        if not schedule.is_active:
            return report
        zone = schedule.host.profile.zone
        planned, report.skipped = planned_starts(schedule, now=now)
        wanted = set(planned)
        earliest = now + max(MIN_NOTICE, schedule.min_notice)
        # Locked rows are being booked right now: leave them to that booking.
        mine = list(
            schedule.occurrences.select_for_update(skip_locked=True).filter(
                status__in=UNBOOKED, starts_at__gte=earliest
            )
        )
        stale = [s for s in mine if s.starts_at not in wanted]
        report.removed = _remove_occurrences(stale)
        # A time its owner withdrew that the hours no longer hold becomes a one-off
        # withdrawn slot: restoring it later must not see the next run remove it.
        schedule.occurrences.filter(status=Slot.Status.WITHDRAWN, starts_at__gt=now).exclude(
            starts_at__in=wanted
        ).update(schedule=None)
        kept = {s.starts_at: s for s in mine if s.starts_at in wanted}
        for slot in kept.values():
            _apply_settings(slot, schedule)
        if kept:
            Slot.objects.bulk_update(
                kept.values(),
                ["ends_at", "interview_type", "host_role", "level", "note", "question", "topic"],
            )
        report.outside_hours = list(
            schedule.occurrences.filter(status=Slot.Status.BOOKED, starts_at__gt=now)
            .exclude(starts_at__in=wanted)
            .order_by("starts_at")
        )
        # A person whose booking is paused publishes nothing new until it ends.
        fresh = [] if schedule.host.profile.is_booking_suspended(now) else planned
        # A time already there in any state (booked, or withdrawn by its owner) stays as it is.
        present = set(
            schedule.occurrences.filter(starts_at__in=fresh).values_list("starts_at", flat=True)
        )
        added, messages = _addable(
            schedule, [s for s in fresh if s not in present], zone=zone, now=now
        )
        report.skipped += messages
        created = Slot.objects.bulk_create(
            [_apply_settings(Slot(host=schedule.host, starts_at=s), schedule) for s in added],
            ignore_conflicts=True,
        )
        report.created = len(created)
        if created or kept:
            _offer_changed({schedule.host_id})
        refresh_holds(host=schedule.host, now=now)
    return report


def _apply_settings(slot: Slot, schedule: AvailabilitySchedule) -> Slot:
    slot.schedule = schedule
    slot.ends_at = slot.starts_at + schedule.length
    slot.interview_type = schedule.interview_type
    slot.host_role = schedule.host_role
    slot.level = schedule.level
    slot.note = schedule.note
    slot.question = schedule.question
    slot.topic = schedule.topic
    return slot


def _remove_occurrences(slots: list[Slot]) -> int:
    """Delete unbooked occurrences; one a cancelled booking points at is withdrawn
    and detached from the schedule instead (a booking's slot is PROTECT)."""
    if not slots:
        return 0
    pks = [s.pk for s in slots]
    kept_for_history = set(
        Booking.objects.filter(slot__in=pks).values_list("slot_id", flat=True).distinct()
    )
    Slot.objects.filter(pk__in=kept_for_history).update(status=Slot.Status.WITHDRAWN, schedule=None)
    Slot.objects.filter(pk__in=set(pks) - kept_for_history).delete()
    _offer_changed({s.host_id for s in slots})
    return len(pks)


def _offer_changed(host_ids) -> None:
    """Bulk writes send no post_save: the hosts' cached pages and the slot board
    (find) are told here that what is on offer changed."""
    pagecache.people_changed(*host_ids)
    pagecache.board_changed()


def _addable(
    schedule: AvailabilitySchedule, starts: list[datetime], *, zone, now: datetime
) -> tuple[list[datetime], list[str]]:
    """The new starts that overlap none of the owner's other slots and keep each
    local week within the open-slot limit; and why the others were left out."""
    if not starts:
        return [], []
    length = schedule.length
    lo, hi = min(starts), max(starts) + length
    others = list(
        Slot.objects.filter(
            host=schedule.host,
            status__in=[Slot.Status.OPEN, Slot.Status.BOOKED, Slot.Status.HELD],
            starts_at__lt=hi,
            ends_at__gt=lo,
        ).values_list("starts_at", "ends_at", "schedule_id", "status")
    )
    taken = [(s, e) for s, e, sid, status in others if sid != schedule.pk or status == "booked"]
    weeks = {week_start(s, zone) for s in starts}
    open_per_week = Counter(
        week_start(s, zone)
        for s in Slot.objects.filter(
            host=schedule.host,
            status__in=[Slot.Status.OPEN, Slot.Status.HELD],
            starts_at__gt=now,
            starts_at__gte=datetime.combine(min(weeks), time.min, tzinfo=zone),
        ).values_list("starts_at", flat=True)
    )
    added, messages = [], []
    for start in starts:
        end = start + length
        week = week_start(start, zone)
        if any(s < end and e > start for s, e in taken):
            continue
        if open_per_week[week] >= MAX_OPEN_SLOTS_PER_WEEK:
            messages.append(
                f"The week of {format_day(week)} has {MAX_OPEN_SLOTS_PER_WEEK} open slots, the "
                "limit for a week; later times that week are not published."
            )
            continue
        open_per_week[week] += 1
        added.append(start)
    return added, list(dict.fromkeys(messages))


# --- The rules at booking time ---------------------------------------------------------


def _live_rows(user, lo: datetime, hi: datetime):
    return BookingParticipant.objects.filter(user=user, live=True, starts_at__lt=hi, ends_at__gt=lo)


def _local_day_bounds(moment: datetime, zone) -> tuple[date, datetime, datetime]:
    day = moment.astimezone(zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return day, start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def booking_refusal(*, slot: Slot, now: datetime) -> str | None:
    """Why the slot's schedule rules refuse a booking now, or None.

    Called by book_slot with both people's rows locked, so two bookings of
    one host are checked one after the other. The rules: the schedule's current
    hours and length still offer this start (an edit skips a time a booking is
    holding, and that booking may fail); at least the
    schedule's minimum notice before the start; no live booking of the host
    within the buffers around the occurrence; fewer live interviews of the host
    that local day (in the host's zone) than the daily cap. One-off slots have
    none of these rules.
    """
    schedule = slot.schedule
    if schedule is None:
        return None
    host = schedule.host
    name = host.display_name
    if not _still_offered(slot, schedule):
        return f"{name} changed their hours, and this time is no longer offered. Pick another one."
    if slot.starts_at < now + schedule.min_notice:
        return (
            f"{name} asks for at least {format_duration(schedule.min_notice)} notice, and this "
            "slot starts sooner. Pick a later one."
        )
    span = (slot.starts_at - schedule.buffer_before, slot.ends_at + schedule.buffer_after)
    if _live_rows(host, *span).exists():
        return (
            f"{name} keeps time free around their interviews, and this slot is too close to "
            "another one. Pick another time."
        )
    if schedule.daily_cap:
        day, lo, hi = _local_day_bounds(slot.starts_at, host.profile.zone)
        count = BookingParticipant.objects.filter(
            user=host, live=True, starts_at__gte=lo, starts_at__lt=hi
        ).count()
        if count >= schedule.daily_cap:
            return (
                f"{name} already has {count} interview{'s' if count > 1 else ''} on "
                f"{format_day(day)}, their limit for a day. Pick another day."
            )
    return None


def _still_offered(slot: Slot, schedule: AvailabilitySchedule) -> bool:
    """Whether the schedule's hours on the slot's local day still start an occurrence then."""
    zone = schedule.host.profile.zone
    day = slot.starts_at.astimezone(zone).date()
    gap = schedule.buffer_before + schedule.buffer_after
    return any(
        slot.starts_at
        in starts_in_interval(
            day=day, interval=interval, zone=zone, length=schedule.length, gap=gap
        )[0]
        for interval in hours_on(schedule, day)
    )


def hosts_with_schedules(user_ids) -> list[int]:
    """Which of these users (ids) keep a weekly schedule that is not withdrawn; one query."""
    return list(
        AvailabilitySchedule.objects.filter(
            host_id__in=user_ids, withdrawn_at__isnull=True
        ).values_list("host_id", flat=True)
    )


def refresh_holds(*, host, now: datetime | None = None) -> int:
    """Hold the host's open occurrences the rules refuse now, and open the held
    ones they allow again; returns how many changed.

    Runs after every booking, cancellation and move of the host (their
    receivers) and after each materialisation. Rows locked by a booking in
    progress are skipped; book_slot checks the rules itself (booking_refusal).
    """
    now = now or timezone.now()
    with transaction.atomic():
        hold, release = _holds_and_releases(host=host, now=now)
        Slot.objects.filter(pk__in=hold).update(status=Slot.Status.HELD)
        Slot.objects.filter(pk__in=release).update(status=Slot.Status.OPEN)
        if hold or release:
            _offer_changed({getattr(host, "pk", host)})
    return len(hold) + len(release)


def _holds_and_releases(*, host, now: datetime) -> tuple[list[int], list[int]]:
    schedule = (
        AvailabilitySchedule.objects.filter(host=host, withdrawn_at__isnull=True)
        .select_related("host__profile")
        .first()
    )
    if schedule is None:
        return [], []
    rows = list(
        schedule.occurrences.select_for_update(skip_locked=True)
        .filter(status__in=UNBOOKED, starts_at__gt=now)
        .order_by("starts_at")
    )
    if not rows:
        return [], []
    zone = schedule.host.profile.zone
    before, after = schedule.buffer_before, schedule.buffer_after
    busy = list(
        # A day wider on each side: the cap counts the whole local day of each occurrence.
        _live_rows(
            host, rows[0].starts_at - timedelta(days=1), rows[-1].ends_at + timedelta(days=1)
        ).values_list("starts_at", "ends_at")
    )
    per_day = Counter(s.astimezone(zone).date() for s, _ in busy)
    hold, release = [], []
    for slot in rows:
        lo, hi = slot.starts_at - before, slot.ends_at + after
        blocked = any(s < hi and e > lo for s, e in busy) or bool(
            schedule.daily_cap
            and per_day[slot.starts_at.astimezone(zone).date()] >= schedule.daily_cap
        )
        if blocked and slot.status == Slot.Status.OPEN:
            hold.append(slot.pk)
        elif not blocked and slot.status == Slot.Status.HELD:
            release.append(slot.pk)
    return hold, release
