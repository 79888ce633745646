"""Builders shared by the Practice now tests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sessions.matching import services
from sessions.matching.models import MatchRequest


def local(zone: str, *args) -> datetime:
    """A naive wall-clock time, as the grid sends it (the zone is for the reader)."""
    assert zone in {"America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "UTC"}
    return datetime(*args)


def ask(person, *, windows, role="candidate", now=None, **extra) -> MatchRequest:
    """A request through the service, with windows as naive (start, end) in the person's zone."""
    fields = {
        "interview_type": "system_design",
        "level": "senior",
        "target_level": "staff",
        "minutes": 60,
        **extra,
    }
    return services.create_request(person=person, role=role, windows=windows, now=now, **fields)


def same_local_hours(
    moment: datetime, zone: str, hours: int = 3
) -> list[tuple[datetime, datetime]]:
    """One window of ``hours`` in ``zone``'s wall clock starting at ``moment``'s local hour."""
    start = moment.astimezone(ZoneInfo(zone)).replace(
        tzinfo=None, minute=0, second=0, microsecond=0
    )
    return [(start, start + timedelta(hours=hours))]
