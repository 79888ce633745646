"""The plain data the pairing rules work on: a waiting request, the pool of one
run, a pairing to book, and time as whole minutes. The rules themselves are in ``rules`` (read its
docstring first); nothing here touches the database."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LEVELS = ("mid", "senior", "staff", "principal")
ROLES = ("candidate", "interviewer", "swap")
LEAD_TIME = timedelta(hours=2)
GRID_MINUTES = 15
RECENT = timedelta(days=30)

# What the request's owner does in the booking, as a slot's host role says it.
INTERVIEWS = "interviewer"  # the first request's person interviews the second's
IS_INTERVIEWED = "candidate"  # the second interviews the first
SWAP = "swap"  # both, in turns; the first request's person interviews first


@dataclass(frozen=True, slots=True)
class Request:
    """A waiting match request as the rules see it.

    ``windows`` are (start, end) pairs of aware datetimes; ``level`` and
    ``target_level`` are names from ``LEVELS``; ``minutes`` is one round.
    ``queued_at`` is when it joined the line; ``rematch_since`` is set when a
    partner cancelled and the request went back in first in line.
    """

    id: int
    person: int
    interview_type: str
    role: str
    level: str
    target_level: str
    minutes: int
    windows: tuple[tuple[datetime, datetime], ...]
    queued_at: datetime
    either: bool = False
    rematch_since: datetime | None = None


@dataclass(frozen=True)
class Pool:
    """Everything the rules need to know about one run.

    ``busy``: each person's live bookings as (start, end). ``blocked`` and
    ``met``: unordered pairs of person ids (frozensets of two). ``no_shows``:
    how many no-shows each person had in the last 30 days.
    """

    requests: Sequence[Request]
    now: datetime
    busy: Mapping[int, Sequence[tuple[datetime, datetime]]] = field(default_factory=dict)
    blocked: Collection[frozenset[int]] = frozenset()
    met: Collection[frozenset[int]] = frozenset()
    no_shows: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pairing:
    """Two requests to book together.

    ``host_role`` is the role of ``first``'s person, in the words of a slot:
    "interviewer" (they interview ``second``'s person), "candidate" (they are
    interviewed) or "swap" (both, ``first``'s person interviewing first).
    ``level`` is the level the questions aim at. Times are aware UTC.
    """

    first: int
    second: int
    host_role: str
    level: str
    starts_at: datetime
    ends_at: datetime
    met_recently: bool = False


# --- Time as whole minutes --------------------------------------------------------


def _minute_floor(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _minute_ceil(moment: datetime) -> int:
    whole = _minute_floor(moment)
    utc = moment.astimezone(UTC)
    return whole if utc.second == 0 and utc.microsecond == 0 else whole + 1


def _to_grid(minute: int) -> int:
    return -(-minute // GRID_MINUTES) * GRID_MINUTES


def _as_datetime(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


def earliest_start(now: datetime) -> datetime:
    """The first moment a pairing may start: two hours from ``now``, on the quarter hour (UTC)."""
    return _as_datetime(_to_grid(_minute_ceil(now + LEAD_TIME)))
