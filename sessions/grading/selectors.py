"""Grading reads: the reveal rule, who may grade or rate, and ratings.

The reveal rule lives in `_revealed()` and nowhere else: `is_revealed` asks it
about one scorecard, `revealed_scorecards_for` filters with it, so a page, a
list and the dashboard can never disagree about what a candidate may read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from sessions.scheduling.models import Booking, Round, Slot

from .models import InterviewerRating, Scorecard

# A candidate waits at most this long after the session for their feedback,
# even if the other side of a swap never submits theirs.
REVEAL_AFTER = timedelta(hours=72)
# An interviewer's average rating shows only once it is more than one opinion,
# so one grudge can't define anyone.
MIN_RATINGS_SHOWN = 3


# --- The reveal rule ----------------------------------------------------------


def _revealed(now: datetime) -> Q:
    """Submitted, and either every round of the booking has a submitted
    scorecard or the reveal deadline (end of the session + 72 h) has passed."""
    round_still_open = Round.objects.filter(booking_id=OuterRef("booking_id")).exclude(
        scorecard__status=Scorecard.Status.SUBMITTED
    )
    return Q(status=Scorecard.Status.SUBMITTED) & (
        Q(booking__ends_at__lte=now - REVEAL_AFTER) | ~Exists(round_still_open)
    )


def is_revealed(scorecard: Scorecard, *, now: datetime | None = None) -> bool:
    if not scorecard.is_submitted:
        return False
    now = now or timezone.now()
    return Scorecard.objects.filter(_revealed(now), pk=scorecard.pk).exists()


def revealed_scorecards_for(user, now: datetime | None = None) -> QuerySet[Scorecard]:
    """Scorecards about `user` that they may read now."""
    return Scorecard.objects.filter(_revealed(now or timezone.now()), candidate=user)


def unrevealed_scorecards_for(user, now: datetime | None = None) -> QuerySet[Scorecard]:
    """Submitted scorecards about `user` still held back by the reveal rule."""
    return Scorecard.objects.filter(
        ~_revealed(now or timezone.now()),
        candidate=user,
        status=Scorecard.Status.SUBMITTED,
    )


def reveal_deadline(booking: Booking) -> datetime:
    return booking.ends_at + REVEAL_AFTER


# --- Who may do what ------------------------------------------------------------


def can_grade(round: Round, user, *, now: datetime | None = None) -> bool:
    booking = round.booking
    return (
        user.is_authenticated
        and round.interviewer_id == user.pk
        and booking.status != Booking.Status.CANCELLED
        and booking.has_started(now)
    )


def can_rate(round: Round, user, *, now: datetime | None = None) -> bool:
    booking = round.booking
    return (
        user.is_authenticated
        and round.candidate_id == user.pk
        and booking.status != Booking.Status.CANCELLED
        and booking.has_started(now)
    )


def rounds_to_grade(user, now: datetime | None = None) -> QuerySet[Round]:
    """Rounds `user` interviewed that still need a submitted scorecard."""
    return (
        Round.objects.filter(interviewer=user, booking__starts_at__lte=now or timezone.now())
        .exclude(booking__status=Booking.Status.CANCELLED)
        .exclude(scorecard__status=Scorecard.Status.SUBMITTED)
    )


def rounds_to_rate(user, now: datetime | None = None) -> QuerySet[Round]:
    """Rounds where `user` was the candidate and has not rated the interviewer yet."""
    return (
        Round.objects.filter(candidate=user, booking__starts_at__lte=now or timezone.now())
        .exclude(booking__status=Booking.Status.CANCELLED)
        .filter(rating__isnull=True)
    )


# --- Ratings ----------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    count: int
    helpfulness: float
    preparation: float

    @property
    def overall(self) -> float:
        return (self.helpfulness + self.preparation) / 2


def interviewer_rating(user) -> RatingSummary | None:
    """The interviewer's average, or None until MIN_RATINGS_SHOWN people rated them."""
    row = InterviewerRating.objects.filter(interviewer=user).aggregate(
        count=Count("pk"), helpfulness=Avg("helpfulness"), preparation=Avg("preparation")
    )
    if row["count"] < MIN_RATINGS_SHOWN:
        return None
    return RatingSummary(
        count=row["count"],
        helpfulness=float(row["helpfulness"]),
        preparation=float(row["preparation"]),
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


def host_rating(slot: Slot) -> float | None:
    """The rating of a slot annotated by with_host_record, if enough people rated."""
    count = getattr(slot, "host_rating_count", None) or 0
    return slot.host_rating if count >= MIN_RATINGS_SHOWN else None
