"""Scheduling workflows: publish, book, cancel, reschedule, no-shows, completion.

Every workflow runs in one transaction. PostgreSQL has the last word on
double-booking (a partial unique index on Booking.slot and an exclusion
constraint on BookingParticipant); the Python checks before it exist to give
people a precise message, and to guard the embedded SQLite default, where
IMMEDIATE transactions serialise writers.
"""

import logging
import random
import secrets
from collections import Counter
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Level, Profile

from . import notifications
from .models import (
    DEFAULT_MINUTES,
    Booking,
    BookingParticipant,
    HostRole,
    InterviewType,
    Question,
    RescheduleRequest,
    Round,
    Slot,
)
from .phases import round_window
from .selectors import clashes

MIN_NOTICE = timedelta(hours=1)
MAX_AHEAD = timedelta(weeks=8)
MAX_OPEN_SLOTS_PER_WEEK = 30
MAX_RECURRING_WEEKS = 8
LATE_CANCELLATION = timedelta(hours=24)
NO_SHOW_WINDOW = timedelta(days=30)
NO_SHOWS_BEFORE_SUSPENSION = 2
SUSPENSION = timedelta(days=14)
# How long after the end a no-show can still be reported.
NO_SHOW_REPORT_DEADLINE = timedelta(days=7)
ROUND_MINUTES = (30, 45, 60, 75, 90)
LEVEL_ORDER = [Level.MID, Level.SENIOR, Level.STAFF, Level.PRINCIPAL]

logger = logging.getLogger(__name__)

SLOT_TAKEN = "This slot was just taken by someone else. Pick another one."


class SchedulingError(Exception):
    """A scheduling rule refused the action; the message is meant for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotTaken(SchedulingError):
    pass


class TimeConflict(SchedulingError):
    pass


class BookingSuspended(SchedulingError):
    pass


# --- Local times -------------------------------------------------------------


def format_local(moment: datetime, zone: ZoneInfo, *, with_zone: bool = False) -> str:
    local = moment.astimezone(zone)
    text = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
    return f"{text} ({zone.key})" if with_zone else text


def _format_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _format_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "−"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def localize(*, day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware moment a wall-clock time names in a zone, refusing to guess.

    On a DST change day a wall-clock time can be missing (clocks jump forward)
    or happen twice (clocks go back). zoneinfo resolves both silently through
    `fold`; comparing fold=0 with fold=1 tells us which case we are in.
    """
    naive = datetime.combine(day, at.replace(second=0, microsecond=0))
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(
            f"{at:%H:%M} on {_format_day(day)} does not exist in {zone.key}: the clocks jump "
            "forward that night. Pick another time.",
            code="nonexistent_time",
        )
    raise ValidationError(
        f"{at:%H:%M} on {_format_day(day)} happens twice in {zone.key}: the clocks go back "
        f"that night, so it could mean {_format_offset(first)} or {_format_offset(second)}. "
        "Pick a time that happens only once.",
        code="ambiguous_time",
    )


def _check_window(starts_at: datetime, *, now: datetime, zone: ZoneInfo) -> str | None:
    label = format_local(starts_at, zone)
    if starts_at <= now:
        return f"{label} is in the past."
    if starts_at < now + MIN_NOTICE:
        return f"{label} is less than an hour from now; start at least an hour ahead."
    if starts_at > now + MAX_AHEAD:
        return f"{label} is more than 8 weeks ahead."
    return None


# --- Publishing ---------------------------------------------------------------


def occurrence_days(*, first_day: date, weekdays: Collection[int], weeks: int) -> list[date]:
    """The first day alone, or every chosen weekday from it for `weeks` weeks."""
    if not weekdays:
        return [first_day]
    span = [first_day + timedelta(days=i) for i in range(7 * weeks)]
    return [d for d in span if d.weekday() in weekdays]


def _week_start(moment: datetime, zone: ZoneInfo) -> date:
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


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
    if interview_type not in InterviewType.values:
        raise ValidationError("Choose an interview type from the list.")
    if host_role not in HostRole.values:
        raise ValidationError("Choose your role from the list.")
    if level not in Level.values:
        raise ValidationError("Choose a level from the list.")
    minutes = minutes or DEFAULT_MINUTES[interview_type]
    if minutes not in ROUND_MINUTES:
        raise ValidationError(
            f"A round lasts {', '.join(map(str, ROUND_MINUTES))} minutes, not {minutes}."
        )
    if not 1 <= weeks <= MAX_RECURRING_WEEKS:
        raise ValidationError(f"Repeat for 1 to {MAX_RECURRING_WEEKS} weeks.")
    if any(d not in range(7) for d in weekdays):
        raise ValidationError("Choose weekdays from the list.")
    if profile.is_booking_suspended(now):
        raise ValidationError(_suspension_message(profile))

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
                )
                for start in starts
            ]
        )
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
    new_per_week = Counter(_week_start(s, zone) for s in starts)
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
    existing_per_week = Counter(_week_start(s, zone) for s in existing)
    errors = []
    for week, added in sorted(new_per_week.items()):
        total = added + existing_per_week[week]
        if total > MAX_OPEN_SLOTS_PER_WEEK:
            errors.append(
                f"The week of {_format_day(week)} would have {total} open slots "
                f"({existing_per_week[week]} already there); the limit is "
                f"{MAX_OPEN_SLOTS_PER_WEEK} a week."
            )
    return errors


def withdraw_slot(*, slot: Slot, by) -> Slot:
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.host_id != by.pk:
            raise SchedulingError("Only the person who published a slot can withdraw it.")
        if slot.status != Slot.Status.OPEN:
            raise SchedulingError(
                "This slot is booked; cancel the booking instead."
                if slot.status == Slot.Status.BOOKED
                else "This slot is already withdrawn."
            )
        slot.status = Slot.Status.WITHDRAWN
        slot.save(update_fields=["status"])
    return slot


# --- Booking ------------------------------------------------------------------


def new_meeting_url() -> str:
    return f"{settings.MEETING_BASE_URL}interviewprep-{secrets.token_urlsafe(18)}"


# What PostgreSQL raises when two overlapping bookings race: the exclusion
# constraint refuses one (IntegrityError), or, when both rows were inserted
# before either was checked, it breaks the tie as a deadlock.
DEADLOCK_DETECTED = "40P01"


def _lost_a_race(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def _lock_people(*users) -> None:
    """Lock the people's profile rows in one order, so two bookings of the same
    person queue up instead of deadlocking, and the second sees the first."""
    list(
        Profile.objects.select_for_update()
        .filter(user__in=[u.pk for u in users])
        .order_by("user_id")
        .values_list("pk", flat=True)
    )


def _suspension_message(profile: Profile) -> str:
    until = format_local(profile.booking_suspended_until, profile.zone, with_zone=True)
    return (
        f"Booking is paused until {until} because of two no-shows within 30 days. "
        "You can book and publish again after that."
    )


def _clash_message(person_label: str, row: BookingParticipant, zone: ZoneInfo) -> str:
    return (
        f"{person_label} already in an interview from {format_local(row.starts_at, zone)} "
        f"to {row.ends_at.astimezone(zone):%H:%M}."
    )


def pick_questions(
    *, interview_type: str, level: str, candidates: list, booking: Booking | None = None
) -> list[Question | None]:
    """One question per round: the slot's level first, never the same one twice in a
    booking, and preferably one the candidate has not been asked before."""
    pool = list(Question.objects.filter(interview_type=interview_type, active=True))
    wanted = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 1
    used: set[int] = set()
    picked: list[Question | None] = []
    for candidate in candidates:
        seen = set(
            Round.objects.filter(candidate=candidate, question__isnull=False).values_list(
                "question_id", flat=True
            )
        )
        options = [q for q in pool if q.pk not in used]
        if not options:
            picked.append(None)
            continue
        options.sort(
            key=lambda q: (
                abs(LEVEL_ORDER.index(q.level) - wanted) if q.level in LEVEL_ORDER else 9,
                q.pk in seen,
                random.random(),
            )
        )
        used.add(options[0].pk)
        picked.append(options[0])
    return picked


def _create_rounds(booking: Booking, *, level: str) -> list[Round]:
    host, guest = booking.host, booking.guest
    if booking.host_role == HostRole.CANDIDATE:
        pairs = [(guest, host)]
    elif booking.host_role == HostRole.SWAP:
        pairs = [(host, guest), (guest, host)]
    else:
        pairs = [(host, guest)]
    questions = pick_questions(
        interview_type=booking.interview_type,
        level=level,
        candidates=[candidate for _, candidate in pairs],
    )
    return [
        Round.objects.create(
            booking=booking,
            number=number,
            interviewer=interviewer,
            candidate=candidate,
            question=question,
        )
        for number, ((interviewer, candidate), question) in enumerate(
            zip(pairs, questions, strict=True), start=1
        )
    ]


def book_slot(*, slot: Slot, guest, now: datetime | None = None) -> Booking:
    """Book an open slot for `guest`, or raise a SchedulingError saying why not.

    The slot row is locked first, so concurrent bookers of one slot queue up
    and every one after the first finds it booked. Bookers of different slots
    that overlap in time are stopped by the exclusion constraint.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.host_id == guest.pk:
            raise SchedulingError("This is your own slot; someone else has to book it.")
        if slot.status != Slot.Status.OPEN:
            raise SlotTaken(
                SLOT_TAKEN if slot.status == Slot.Status.BOOKED else "This slot was withdrawn."
            )
        if slot.starts_at <= now:
            raise SchedulingError("This slot has already started. Pick a later one.")
        _lock_people(slot.host, guest)
        profile = Profile.objects.get(user=guest)
        if profile.is_booking_suspended(now):
            raise BookingSuspended(_suspension_message(profile))
        zone = profile.zone
        mine = clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first()
        if mine:
            raise TimeConflict(_clash_message("You are", mine, zone))
        if clashes(user=slot.host, starts_at=slot.starts_at, ends_at=slot.ends_at).exists():
            raise SlotTaken(SLOT_TAKEN)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    slot=slot,
                    host=slot.host,
                    guest=guest,
                    interview_type=slot.interview_type,
                    host_role=slot.host_role,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    meeting_url=new_meeting_url(),
                    created_at=now,
                )
                BookingParticipant.objects.bulk_create(
                    [
                        BookingParticipant(
                            booking=booking,
                            user=person,
                            starts_at=slot.starts_at,
                            ends_at=slot.ends_at,
                        )
                        for person in (slot.host, guest)
                    ]
                )
        except (IntegrityError, OperationalError) as exc:
            if not _lost_a_race(exc):
                raise
            # Someone committed an overlapping booking between our checks and
            # our insert. Say whose calendar filled up.
            logger.info("Booking of slot %s by user %s refused by the database", slot.pk, guest.pk)
            mine = clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first()
            if mine:
                raise TimeConflict(_clash_message("You are", mine, zone)) from None
            raise SlotTaken(SLOT_TAKEN) from None
        _create_rounds(booking, level=slot.level)
        slot.status = Slot.Status.BOOKED
        slot.save(update_fields=["status"])
        notifications.booking_confirmed(booking)
    return booking


# --- Cancel, reschedule, no-shows ---------------------------------------------


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("host__profile", "guest__profile", "slot")
        .get(pk=booking.pk)
    )


def cancel_booking(*, booking: Booking, by, reason: str, now: datetime | None = None) -> Booking:
    """Cancel before the start. Within 24 hours of the start it counts against
    the canceller. Staff may cancel any booking (both people are told, nobody is
    counted late)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SchedulingError("Say in a sentence why you are cancelling; the other person sees it.")
    with transaction.atomic():
        booking = _locked_booking(booking)
        participant = booking.is_participant(by)
        if not participant and not by.is_staff:
            raise SchedulingError("Only the two people in a booking can cancel it.")
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("This interview is already cancelled.")
        if booking.status != Booking.Status.CONFIRMED or booking.starts_at <= now:
            raise SchedulingError(
                "This interview has already started, so it can't be cancelled. If the other "
                "person did not turn up, report a no-show instead."
            )
        late = participant and booking.starts_at - now < LATE_CANCELLATION
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_by = by
        booking.cancellation_reason = reason
        booking.cancelled_at = now
        booking.late_cancellation = late
        booking.calendar_sequence = F("calendar_sequence") + 1
        booking.save(
            update_fields=[
                "status",
                "cancelled_by",
                "cancellation_reason",
                "cancelled_at",
                "late_cancellation",
                "calendar_sequence",
            ]
        )
        booking.refresh_from_db(fields=["calendar_sequence"])
        booking.participants.update(live=False)
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING).update(
            status=RescheduleRequest.Status.WITHDRAWN, responded_at=now
        )
        if late:
            Profile.objects.filter(user=by).update(late_cancellations=F("late_cancellations") + 1)
        # The host still wants the practice when the guest drops out, so their
        # slot opens again if there's time for someone else to book it.
        slot = booking.slot
        reopen = by.pk == booking.guest_id and slot.starts_at >= now + MIN_NOTICE
        slot.status = Slot.Status.OPEN if reopen else Slot.Status.WITHDRAWN
        slot.save(update_fields=["status"])
        # Both calendars hold the event, so both people get the cancellation.
        notifications.booking_cancelled(booking, by)
    return booking


def propose_reschedule(
    *,
    booking: Booking,
    by,
    starts_at: datetime,
    message: str = "",
    now: datetime | None = None,
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if not booking.is_participant(by):
            raise SchedulingError("Only the two people in a booking can move it.")
        if booking.status != Booking.Status.CONFIRMED or booking.starts_at <= now:
            raise SchedulingError("Only an upcoming, confirmed interview can be moved.")
        zone = by.profile.zone
        problem = _check_window(starts_at, now=now, zone=zone)
        if problem:
            raise ValidationError(problem)
        if starts_at == booking.starts_at:
            raise ValidationError("That is the time the interview already has.")
        ends_at = starts_at + (booking.ends_at - booking.starts_at)
        mine = clashes(
            user=by, starts_at=starts_at, ends_at=ends_at, exclude_booking=booking
        ).first()
        if mine:
            raise TimeConflict(_clash_message("You are", mine, zone))
        # A new proposal replaces any earlier one, whoever made it.
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING).update(
            status=RescheduleRequest.Status.WITHDRAWN, responded_at=now
        )
        request = RescheduleRequest.objects.create(
            booking=booking,
            proposed_by=by,
            starts_at=starts_at,
            ends_at=ends_at,
            message=(message or "").strip()[:280],
            created_at=now,
        )
        notifications.reschedule_proposed(request)
    return request


def _close_request(request: RescheduleRequest, status: str, now: datetime) -> None:
    request.status = status
    request.responded_at = now
    request.save(update_fields=["status", "responded_at"])


def _locked_request(request: RescheduleRequest) -> tuple[Booking, RescheduleRequest]:
    booking = _locked_booking(request.booking)
    request = RescheduleRequest.objects.select_for_update().get(pk=request.pk)
    request.booking = booking
    if request.status != RescheduleRequest.Status.PENDING:
        raise SchedulingError(f"This proposal was already {request.get_status_display().lower()}.")
    return booking, request


def accept_reschedule(*, request: RescheduleRequest, by, now: datetime | None = None) -> Booking:
    """Move the booking to the proposed time. Its calendar UID stays; SEQUENCE rises."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, request = _locked_request(request)
        if not booking.is_participant(by) or by.pk == request.proposed_by_id:
            raise SchedulingError("Only the other person in the booking can accept this time.")
        if booking.status != Booking.Status.CONFIRMED:
            raise SchedulingError("This interview is no longer confirmed, so it can't be moved.")
        if request.starts_at <= now:
            raise SchedulingError("The proposed time has passed. Propose another one.")
        _lock_people(booking.host, booking.guest)
        for person in (booking.host, booking.guest):
            row = clashes(
                user=person,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
                exclude_booking=booking,
            ).first()
            if row:
                label = "You are" if person.pk == by.pk else f"{person.display_name} is"
                raise TimeConflict(_clash_message(label, row, by.profile.zone))
        try:
            with transaction.atomic():
                booking.participants.update(starts_at=request.starts_at, ends_at=request.ends_at)
        except (IntegrityError, OperationalError) as exc:
            if not _lost_a_race(exc):
                raise
            raise TimeConflict(
                "One of you was just booked at an overlapping time. Propose another time."
            ) from None
        booking.starts_at, booking.ends_at = request.starts_at, request.ends_at
        booking.calendar_sequence = F("calendar_sequence") + 1
        booking.save(update_fields=["starts_at", "ends_at", "calendar_sequence"])
        booking.refresh_from_db(fields=["calendar_sequence"])
        Slot.objects.filter(pk=booking.slot_id).update(
            starts_at=request.starts_at, ends_at=request.ends_at
        )
        _close_request(request, RescheduleRequest.Status.ACCEPTED, now)
        notifications.booking_rescheduled(booking)
    return booking


def decline_reschedule(
    *, request: RescheduleRequest, by, now: datetime | None = None
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        booking, request = _locked_request(request)
        if not booking.is_participant(by) or by.pk == request.proposed_by_id:
            raise SchedulingError("Only the other person in the booking can decline this time.")
        _close_request(request, RescheduleRequest.Status.DECLINED, now)
        notifications.reschedule_declined(request)
    return request


def withdraw_reschedule(
    *, request: RescheduleRequest, by, now: datetime | None = None
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        _, request = _locked_request(request)
        if by.pk != request.proposed_by_id:
            raise SchedulingError("Only the person who proposed a time can withdraw it.")
        _close_request(request, RescheduleRequest.Status.WITHDRAWN, now)
    return request


def report_no_show(*, booking: Booking, by, now: datetime | None = None) -> Booking:
    """After the start, either side marks the other as not having turned up.

    Two no-shows within 30 days pause the absent person's booking for 14 days.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if not booking.is_participant(by):
            raise SchedulingError("Only the two people in a booking can report a no-show.")
        if booking.status == Booking.Status.NO_SHOW:
            raise SchedulingError("A no-show was already reported for this interview.")
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("This interview was cancelled.")
        if now < booking.starts_at:
            raise SchedulingError("You can report a no-show once the interview has started.")
        if now > booking.ends_at + NO_SHOW_REPORT_DEADLINE:
            raise SchedulingError("No-shows can be reported up to 7 days after the interview.")
        absent = booking.other_participant(by)
        if booking.status == Booking.Status.COMPLETED:
            # The session was counted as done when it ended; it wasn't.
            Profile.objects.filter(user_id__in=[booking.host_id, booking.guest_id]).update(
                completed_sessions=Greatest(F("completed_sessions") - 1, 0)
            )
        booking.status = Booking.Status.NO_SHOW
        booking.no_show_user = absent
        booking.no_show_reported_at = now
        booking.save(update_fields=["status", "no_show_user", "no_show_reported_at"])
        profile = Profile.objects.select_for_update().get(user=absent)
        profile.no_shows += 1
        recent = Booking.objects.filter(
            status=Booking.Status.NO_SHOW,
            no_show_user=absent,
            starts_at__gte=now - NO_SHOW_WINDOW,
        ).count()
        fields = ["no_shows"]
        if recent >= NO_SHOWS_BEFORE_SUSPENSION:
            until = now + SUSPENSION
            if not profile.booking_suspended_until or profile.booking_suspended_until < until:
                profile.booking_suspended_until = until
                fields.append("booking_suspended_until")
        profile.save(update_fields=fields)
        # Nothing to grade and nothing to remind about for a session that didn't happen.
        notifications.cancel_pending(booking)
    return booking


def complete_finished_bookings(*, now: datetime | None = None) -> int:
    """Mark confirmed bookings whose end has passed as completed; returns how many.

    Each booking flips with a conditional UPDATE, so concurrent runs count every
    session once.
    """
    now = now or timezone.now()
    finished = Booking.objects.filter(status=Booking.Status.CONFIRMED, ends_at__lte=now)
    done = 0
    for pk, host_id, guest_id in finished.values_list("pk", "host_id", "guest_id"):
        with transaction.atomic():
            flipped = Booking.objects.filter(
                pk=pk, status=Booking.Status.CONFIRMED, ends_at__lte=now
            ).update(status=Booking.Status.COMPLETED)
            if flipped:
                Profile.objects.filter(user_id__in=[host_id, guest_id]).update(
                    completed_sessions=F("completed_sessions") + 1
                )
                done += 1
    return done


# --- The room -------------------------------------------------------------------


def save_round_notes(*, round: Round, by, notes: str, now: datetime | None = None) -> Round:
    if round.interviewer_id != by.pk:
        raise SchedulingError("Only this round's interviewer writes its notes.")
    if round.booking.status == Booking.Status.CANCELLED:
        raise SchedulingError("This interview was cancelled.")
    round.notes = notes[:20000]
    round.notes_updated_at = now or timezone.now()
    round.save(update_fields=["notes", "notes_updated_at"])
    return round


def mark_design_started(*, round: Round, by, now: datetime | None = None) -> Round:
    """Record when the candidate moved from clarifying to designing.

    The first press counts; a second press changes nothing.
    """
    now = now or timezone.now()
    booking = round.booking
    if round.interviewer_id != by.pk:
        raise SchedulingError("Only this round's interviewer can record this.")
    if booking.interview_type != InterviewType.SYSTEM_DESIGN:
        raise SchedulingError("Clarifying time is recorded for system design rounds only.")
    if booking.status == Booking.Status.CANCELLED:
        raise SchedulingError("This interview was cancelled.")
    starts_at, ends_at = round_window(booking, round.number)
    if now < starts_at:
        raise SchedulingError("This round has not started yet.")
    if now >= ends_at:
        raise SchedulingError("This round is over.")
    minutes = Decimal((now - starts_at).total_seconds() / 60).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    Round.objects.filter(pk=round.pk, design_started_at__isnull=True).update(
        design_started_at=now, clarifying_minutes=minutes
    )
    round.refresh_from_db(fields=["design_started_at", "clarifying_minutes"])
    return round
