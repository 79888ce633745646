"""Reads the emails and the sender share."""

from datetime import datetime

from sessions.grading.models import Scorecard
from sessions.grading.selectors import is_revealed
from sessions.scheduling.models import Booking, RescheduleRequest

from .models import Reminder


def revealed_scorecards(reminder: Reminder, now: datetime) -> list[Scorecard]:
    scorecards = Scorecard.objects.filter(
        booking=reminder.booking,
        candidate=reminder.recipient,
        status=Scorecard.Status.SUBMITTED,
    ).select_related("round", "grader__profile", "booking")
    return [s for s in scorecards if is_revealed(s, now=now)]


def pending_reschedule(booking: Booking) -> RescheduleRequest | None:
    return (
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING)
        .select_related("proposed_by__profile")
        .first()
    )
