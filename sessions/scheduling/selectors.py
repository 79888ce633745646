"""Reads for scheduling that span several models.

A host's rating and the rounds waiting for a scorecard are grading's reads:
see sessions.grading.selectors.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone

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


def _busy(user_ref) -> Exists:
    return Exists(
        BookingParticipant.objects.filter(
            user=user_ref,
            live=True,
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        )
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
    """Other people's open slots the viewer could book, in start order.

    Dates and times of day are read in the viewer's own zone.
    """
    now = now or timezone.now()
    zone = viewer.profile.zone
    slots = (
        Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now)
        .exclude(host=viewer)
        # Neither the viewer nor the host may already be busy at that time.
        .exclude(_busy(viewer))
        .exclude(_busy(OuterRef("host")))
    )
    if interview_type:
        slots = slots.filter(interview_type=interview_type)
    if level:
        slots = slots.filter(level=level)
    if viewer_role in VIEWER_ROLE_TO_HOST_ROLE:
        slots = slots.filter(host_role=VIEWER_ROLE_TO_HOST_ROLE[viewer_role])
    if date_from:
        slots = slots.filter(starts_at__gte=_local_start(date_from, zone))
    if date_to:
        slots = slots.filter(starts_at__lt=_local_start(date_to + timedelta(days=1), zone))
    if times_of_day:
        slots = slots.annotate(local_hour=ExtractHour("starts_at", tzinfo=zone))
        hours = Q()
        for key in times_of_day:
            _, start, end = TIMES_OF_DAY[key]
            if start < end:
                hours |= Q(local_hour__gte=start, local_hour__lt=end)
            else:
                hours |= Q(local_hour__gte=start) | Q(local_hour__lt=end)
        slots = slots.filter(hours)
    return slots.order_by("starts_at", "pk")


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
