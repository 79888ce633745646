"""What the interviewer records in the room page during a round."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from sessions.scheduling.models import Booking, InterviewType, Round
from sessions.scheduling.phases import round_window

from .rules import SchedulingError

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
