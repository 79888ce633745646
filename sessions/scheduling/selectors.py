"""Reads for scheduling that span several models.

A host's rating and the rounds waiting for a scorecard are grading's reads:
see sessions.grading.selectors.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from sessions.timeutils import local_hours_as_utc_ranges

from .models import Booking, BookingParticipant, HostRole, RescheduleRequest, Slot

# Local hours [start, end) of each part of the day; night wraps past midnight.
TIMES_OF_DAY = {
    "morning": ("Morning (06–12)", 6, 12),
    "afternoon": ("Afternoon (12–17)", 12, 17),
    "evening": ("Evening (17–22)", 17, 22),
    "night": ("Night (22–06)", 22, 6),
}

# What the viewer wants to be, mapped to the host's role on the slot.
VIEWER_ROLE_TO_HOST_ROLE = {
    "candidate": HostRole.INTERVIEWER,
    "interviewer": HostRole.CANDIDATE,
    "swap": HostRole.SWAP,
}


def clashes(
    *, user, starts_at: datetime, ends_at: datetime, exclude_booking: Booking | None = None
) -> QuerySet[BookingParticipant]:
    """The person's live bookings that overlap [starts_at, ends_at)."""
    rows = BookingParticipant.objects.filter(
        user=user, live=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_booking is not None:
        rows = rows.exclude(booking=exclude_booking)
    return rows.order_by("starts_at")


def _busy(user_ref, *, now: datetime) -> Exists:
    # Bounded in time: a slot starts after `now`, so only live bookings that end
    # after `now` can overlap it, and the person's history is never scanned.
    return Exists(
        BookingParticipant.objects.filter(
            user=user_ref,
            live=True,
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        ).filter(ends_at__gt=now)
    )


def _local_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def open_slots_for(
    *,
    viewer,
    interview_type: str = "",
    level: str = "",
    viewer_role: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    times_of_day: list[str] | tuple[str, ...] = (),
    now: datetime | None = None,
) -> QuerySet[Slot]:
    """Other people's open slots the viewer could book, in start order (then id).

    Dates and times of day are read in the viewer's own zone. Slots that
    overlap a live booking of the viewer or of the host are left out, and so
    are a weekly schedule's occurrences inside its minimum notice. Every
    filter is a range or an equality an index serves: a time of day becomes
    the UTC ranges it covers on each local day up to the last open slot.
    """
    now = now or timezone.now()
    zone = viewer.profile.zone
    slots = (
        Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now, host__is_active=True)
        .exclude(host=viewer)
        # A weekly schedule's occurrence shows once it is outside its minimum notice.
        .filter(Q(schedule__isnull=True) | Q(starts_at__gte=Value(now) + F("schedule__min_notice")))
    )
    if interview_type:
        slots = slots.filter(interview_type=interview_type)
    if level:
        slots = slots.filter(level=level)
    if viewer_role in VIEWER_ROLE_TO_HOST_ROLE:
        slots = slots.filter(host_role=VIEWER_ROLE_TO_HOST_ROLE[viewer_role])
    # Forms keep dates inside the booking window; far ends of the calendar are
    # clamped here as well, so no caller can make the date arithmetic overflow.
    if date_from:
        date_from = max(date_from, date.min + timedelta(days=2))
        slots = slots.filter(starts_at__gte=_local_start(date_from, zone))
    if date_to:
        date_to = min(date_to, date.max - timedelta(days=2))
        slots = slots.filter(starts_at__lt=_local_start(date_to + timedelta(days=1), zone))
    if times_of_day:
        slots = slots.filter(_starts_in_local_hours(times_of_day, zone=zone, now=now))
    # Neither the viewer nor the host may already be busy at that time.
    return (
        slots.exclude(_busy(viewer, now=now))
        .exclude(_busy(OuterRef("host"), now=now))
        .order_by("starts_at", "pk")
    )


def _starts_in_local_hours(times_of_day, *, zone: ZoneInfo, now: datetime) -> Q | RawSQL:
    """Slots starting in the given local parts of the day, as ranges on starts_at.

    One range per part and local day, up to the last open slot's day, written
    as one SQL condition: built by the ORM, a hundred ranges cost more to
    compile than the query takes to run.
    """
    last = Slot.objects.filter(status=Slot.Status.OPEN).aggregate(last=Max("starts_at"))["last"]
    if last is None or last <= now:
        return Q(pk__in=[])
    ranges = local_hours_as_utc_ranges(
        zone=zone,
        hours=[TIMES_OF_DAY[key][1:] for key in times_of_day],
        first_day=now.astimezone(zone).date() - timedelta(days=1),
        last_day=last.astimezone(zone).date(),
    )
    column = (
        f"{connection.ops.quote_name(Slot._meta.db_table)}.{connection.ops.quote_name('starts_at')}"
    )
    sql = " OR ".join([f"({column} >= %s AND {column} < %s)"] * len(ranges))
    params = [moment for pair in ranges for moment in pair]
    # Only the quoted column name and placeholders are in the text; the moments are parameters.
    return RawSQL(f"({sql})", params, output_field=BooleanField())  # noqa: S611


def bookings_of(user) -> QuerySet[Booking]:
    return Booking.objects.filter(Q(host=user) | Q(guest=user)).select_related(
        "host__profile", "guest__profile", "slot"
    )


def upcoming_bookings(user, *, now: datetime | None = None) -> QuerySet[Booking]:
    """Confirmed bookings that have not ended yet (including one in progress)."""
    now = now or timezone.now()
    pending = RescheduleRequest.objects.filter(
        booking=OuterRef("pk"), status=RescheduleRequest.Status.PENDING
    )
    return (
        bookings_of(user)
        .filter(status=Booking.Status.CONFIRMED, ends_at__gt=now)
        .annotate(has_pending_reschedule=Exists(pending))
        .order_by("starts_at")
    )


def past_bookings(user, *, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_of(user)
        .filter(
            Q(status__in=[Booking.Status.COMPLETED, Booking.Status.NO_SHOW])
            | Q(status=Booking.Status.CONFIRMED, ends_at__lte=now)
        )
        .order_by("-starts_at")
    )


def cancelled_bookings(user) -> QuerySet[Booking]:
    return bookings_of(user).filter(status=Booking.Status.CANCELLED).order_by("-starts_at")


def open_slots_of(user, *, now: datetime | None = None) -> QuerySet[Slot]:
    now = now or timezone.now()
    return Slot.objects.filter(host=user, status=Slot.Status.OPEN, starts_at__gt=now).order_by(
        "starts_at"
    )


def pending_reschedule(booking: Booking) -> RescheduleRequest | None:
    return (
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING)
        .select_related("proposed_by__profile")
        .first()
    )
