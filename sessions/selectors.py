"""Reads for scheduling that span several models."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, ExtractHour
from django.utils import timezone

from .models import (
    Booking,
    BookingParticipant,
    HostRole,
    InterviewerRating,
    RescheduleRequest,
    Round,
    Scorecard,
    Slot,
)

# A rating is shown once enough people have rated, so one grudge can't define anyone.
MIN_RATINGS_SHOWN = 3

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


def with_host_record(slots: QuerySet[Slot]) -> QuerySet[Slot]:
    """Each slot's host with their level, reliability counters and rating."""
    ratings = InterviewerRating.objects.filter(interviewer=OuterRef("host")).values("interviewer")
    return slots.select_related("host__profile").annotate(
        host_rating_count=Subquery(ratings.annotate(n=Count("pk")).values("n")[:1]),
        host_rating=Subquery(
            ratings.annotate(
                avg=Avg(
                    (Cast("helpfulness", FloatField()) + Cast("preparation", FloatField())) / 2.0
                )
            ).values("avg")[:1]
        ),
    )


def rating_summary(user) -> tuple[float | None, int]:
    """(average of helpfulness and preparation, number of ratings); None below the minimum."""
    agg = InterviewerRating.objects.filter(interviewer=user).aggregate(
        n=Count("pk"),
        avg=Avg((Cast("helpfulness", FloatField()) + Cast("preparation", FloatField())) / 2.0),
    )
    if agg["n"] < MIN_RATINGS_SHOWN:
        return None, agg["n"]
    return agg["avg"], agg["n"]


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
    return with_host_record(slots).order_by("starts_at", "pk")


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


def rounds_needing_feedback(user, *, now: datetime | None = None) -> QuerySet[Round]:
    """Rounds the person interviewed in, that have started and have no submitted scorecard.

    A no-show booking has nothing to grade, so only confirmed and completed ones count.
    """
    now = now or timezone.now()
    submitted = Scorecard.objects.filter(round=OuterRef("pk"), status=Scorecard.Status.SUBMITTED)
    return (
        Round.objects.filter(
            interviewer=user,
            booking__starts_at__lte=now,
            booking__status__in=[Booking.Status.CONFIRMED, Booking.Status.COMPLETED],
        )
        .exclude(Exists(submitted))
        .select_related("booking", "candidate__profile", "question")
        .order_by("-booking__starts_at", "number")
    )


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


def host_rating(slot: Slot) -> float | None:
    """The rating of a slot annotated by with_host_record, if enough people rated."""
    count = getattr(slot, "host_rating_count", None) or 0
    return slot.host_rating if count >= MIN_RATINGS_SHOWN else None
