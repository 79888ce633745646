"""Local-time helpers every domain may use: formatting in a person's zone, and
turning a wall-clock time in a zone into an aware moment without guessing on
DST change days (zoneinfo, PEP 495 `fold`)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from accounts.clock import format_clock


def format_local(moment: datetime, zone: ZoneInfo, *, with_zone: bool = False) -> str:
    """ "Tue 3 Mar 2026, 14:00" (or "2:00 PM" on the active 12-hour clock) in `zone`."""
    local = moment.astimezone(zone)
    text = f"{local:%a} {local.day} {local:%b %Y}, {format_clock(local)}"
    return f"{text} ({zone.key})" if with_zone else text


def format_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "−"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def localize(*, day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware moment a wall-clock time names in a zone, refusing to guess.

    On a DST change day a wall-clock time can be missing (clocks jump forward)
    or happen twice (clocks go back). zoneinfo resolves both silently through
    `fold`; comparing fold=0 with fold=1 tells us which case we are in.
    """
    naive = datetime.combine(day, at.replace(second=0, microsecond=0))
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError(
            f"{format_clock(at)} on {format_day(day)} does not exist in {zone.key}: the clocks jump "
            "forward that night. Pick another time.",
            code="nonexistent_time",
        )
    raise ValidationError(
        f"{format_clock(at)} on {format_day(day)} happens twice in {zone.key}: the clocks go back "
        f"that night, so it could mean {format_offset(first)} or {format_offset(second)}. "
        "Pick a time that happens only once.",
        code="ambiguous_time",
    )


def local_hours_as_utc_ranges(
    *, zone: ZoneInfo, hours: list[tuple[int, int]], first_day: date, last_day: date
) -> list[tuple[datetime, datetime]]:
    """The UTC moments whose local hour in `zone` falls in `hours`, as [start, end) ranges.

    `hours` holds (start, end) local hours, end exclusive; an end at or before
    the start wraps past midnight (22, 6 is 22:00–06:00 the next morning). The
    ranges cover every local day from `first_day` to `last_day` inclusive,
    merged where they touch, in order. Each boundary is the wall-clock hour on
    that very day, so days when the clocks change get their own length (a
    night is 7 or 9 hours long then). A range on a column such as
    `starts_at` can be served by an index, unlike the local hour of each row.
    Boundaries are whole hours away from the usual 00:00–03:00 change times;
    in a zone that changes clocks at a boundary hour, the first offset wins.
    """
    ranges = []
    day = first_day
    while day <= last_day:
        for start_hour, end_hour in hours:
            end_day = day if end_hour > start_hour else day + timedelta(days=1)
            start = datetime.combine(day, time(start_hour), tzinfo=zone).astimezone(UTC)
            end = datetime.combine(end_day, time(end_hour), tzinfo=zone).astimezone(UTC)
            ranges.append((start, end))
        day += timedelta(days=1)
    ranges.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def format_range(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """ "Tue 3 Mar, 23:00–00:00 (+1 day)": a start and end in `zone`, the end
    marked with how many days later it falls when it is not the same local day.
    Times follow the active clock (accounts.clock): "11:00 PM–12:00 AM" on 12 hours."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    text = f"{start:%a} {start.day} {start:%b}, {format_clock(start)}–{format_clock(end)}"
    days = (end.date() - start.date()).days
    if days:
        text += f" (+{days} day{'s' if days > 1 else ''})"
    return text


def format_duration(span: timedelta) -> str:
    """A span for people, rounded down: "40 min", "3 h", "3 h 20 min", "2 days"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" if not rest else f"{hours} h {rest} min"
    days = hours // 24
    return f"{days} days"
