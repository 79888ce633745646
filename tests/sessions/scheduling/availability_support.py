"""Builders for the weekly availability tests: a schedule saved through the service."""

from datetime import time, timedelta

from sessions.scheduling import services


def hours(text: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 14:00-15:00" as intervals."""
    out = []
    for part in text.split(","):
        a, b = part.strip().split("-")
        out.append((time.fromisoformat(a), time.fromisoformat(b)))
    return out


def save(host, *, weekly: dict, now, overrides=None, **settings):
    """Save `host`'s schedule (weekday -> "HH:MM-HH:MM, ..."), defaults for the rest."""
    options = {
        "interview_type": "system_design",
        "host_role": "interviewer",
        "level": "senior",
        "minutes": 60,
        "min_notice": timedelta(hours=1),
        "horizon_weeks": 2,
    } | settings
    return services.save_schedule(
        host=host,
        weekly={day: hours(text) for day, text in weekly.items()},
        overrides={day: hours(text) if text else [] for day, text in (overrides or {}).items()},
        now=now,
        **options,
    )
