"""The scheduling rules every workflow shares: limits, errors and the time window."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Level
from sessions.scheduling.models import HostRole, InterviewType, Question
from sessions.timeutils import format_day, format_local

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

SLOT_TAKEN = "This slot was just taken by someone else. Pick another one."
NO_LONGER_OFFERED = (
    "Its host changed their hours, and this time is no longer offered. Pick another one."
)


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


class ScheduleRulesRefused(SlotTaken):
    """A weekly schedule's rules (notice, buffers, daily cap) refuse the booking."""


def week_start(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the local week (in `zone`) that `moment` falls in."""
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def slot_kind_errors(
    *,
    interview_type: str,
    host_role: str,
    level: str,
    minutes: int | None,
    question: Question | None,
    note: str,
) -> list[str]:
    """What is wrong with what a slot offers, as its host chose it (one slot or a weekly
    schedule): the type, role and level from their lists, a round length from
    ROUND_MINUTES, a bank question of that type, and a note without NUL. Empty when
    nothing is."""
    errors = []
    if interview_type not in InterviewType.values:
        errors.append("Choose an interview type from the list.")
    elif question is not None and question.interview_type != interview_type:
        errors.append(
            f"“{question.title}” is not a {InterviewType(interview_type).label.lower()} question."
        )
    if host_role not in HostRole.values:
        errors.append("Choose your role from the list.")
    if level not in Level.values:
        errors.append("Choose a level from the list.")
    if minutes is not None and minutes not in ROUND_MINUTES:
        errors.append(f"A round lasts {', '.join(map(str, ROUND_MINUTES))} minutes, not {minutes}.")
    if "\x00" in note:
        errors.append("Remove the NUL character (\\0) from the note.")
    return errors


def _check_window(starts_at: datetime, *, now: datetime, zone: ZoneInfo) -> str | None:
    label = format_local(starts_at, zone)
    if starts_at <= now:
        return f"{label} is in the past."
    if starts_at < now + MIN_NOTICE:
        return f"{label} is less than an hour from now; start at least an hour ahead."
    if starts_at > now + MAX_AHEAD:
        return f"{label} is more than 8 weeks ahead."
    return None


def booking_window_days(now: datetime | None = None) -> tuple[date, date]:
    """The first and last calendar day a slot, a booking or a search may name.

    Yesterday to 8 weeks and a day from today, by the UTC date: wide enough for
    every time zone's "today" and "8 weeks ahead", and far from the ends of the
    calendar, so date arithmetic on a submitted day can never overflow.
    """
    today = (now or timezone.now()).astimezone(UTC).date()
    return today - timedelta(days=1), today + MAX_AHEAD + timedelta(days=1)


def check_window_day(day: date, *, now: datetime | None = None) -> None:
    """Raise a ValidationError (code "outside_window") unless `day` is in the booking window."""
    first, last = booking_window_days(now)
    if not first <= day <= last:
        raise ValidationError(
            f"Pick a date between {format_day(first)} and {format_day(last)}: interviews "
            "are arranged up to 8 weeks ahead.",
            code="outside_window",
        )
