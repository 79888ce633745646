"""The 12- or 24-hour clock every time is written in, per person.

Like Django's active time zone: the request's person (accounts.middleware) or
an email's recipient (`override`) sets it for the current thread or task, and
every formatter (sessions.timeutils, the `clock`/`when` template filters)
reads it, so a time is never written with a hand-picked "%H:%M".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time

from asgiref.local import Local

_active = Local()


def activate(*, twelve_hour: bool) -> None:
    _active.twelve_hour = twelve_hour


def deactivate() -> None:
    if hasattr(_active, "twelve_hour"):
        del _active.twelve_hour


def uses_12_hour_clock() -> bool:
    """The active preference; 24-hour when nobody set one (anonymous pages, tasks)."""
    return getattr(_active, "twelve_hour", False)


@contextmanager
def override(*, twelve_hour: bool) -> Iterator[None]:
    """Write times in this clock inside the block (an email to its recipient)."""
    previous = getattr(_active, "twelve_hour", None)
    _active.twelve_hour = twelve_hour
    try:
        yield
    finally:
        if previous is None:
            deactivate()
        else:
            _active.twelve_hour = previous


def format_clock(moment: datetime | time, *, seconds: bool = False) -> str:
    """The wall-clock time of `moment` as it stands (convert to the zone first):
    "14:05" on the 24-hour clock, "2:05 PM" on the 12-hour one (12:00 PM is noon,
    12:00 AM midnight), with ":SS" after the minutes when `seconds`."""
    minutes = f"{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
    if not uses_12_hour_clock():
        return f"{moment.hour:02d}:{minutes}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{minutes} {'AM' if moment.hour < 12 else 'PM'}"
