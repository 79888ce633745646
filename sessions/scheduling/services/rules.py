"""The scheduling rules every workflow shares: limits, errors and the time window."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Level
from sessions.timeutils import format_local

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


def _check_window(starts_at: datetime, *, now: datetime, zone: ZoneInfo) -> str | None:
    label = format_local(starts_at, zone)
    if starts_at <= now:
        return f"{label} is in the past."
    if starts_at < now + MIN_NOTICE:
        return f"{label} is less than an hour from now; start at least an hour ahead."
    if starts_at > now + MAX_AHEAD:
        return f"{label} is more than 8 weeks ahead."
    return None
