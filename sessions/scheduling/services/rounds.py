"""What the interviewer records in the room page during a round."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts import pagecache
from sessions.scheduling.models import ROUND_NOTES_MAX_LENGTH, Booking, InterviewType, Round
from sessions.scheduling.phases import round_window

from .rules import SchedulingError

# --- The room -------------------------------------------------------------------


def save_round_notes(*, round: Round, by, notes: str, now: datetime | None = None) -> Round:
    if round.interviewer_id != by.pk:
        raise SchedulingError("Only this round's interviewer writes its notes.")
    if round.booking.status == Booking.Status.CANCELLED:
        raise SchedulingError("This interview was cancelled.")
    if len(notes) > ROUND_NOTES_MAX_LENGTH or "\x00" in notes:
        raise SchedulingError(
            f"Notes hold up to {ROUND_NOTES_MAX_LENGTH:,} characters of plain text; nothing was saved."
        )
    round.notes = notes
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
    # An update sends no post_save: the room page's cached copies learn of it here.
    pagecache.people_changed(round.interviewer_id, round.candidate_id)
    return round
