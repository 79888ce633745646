"""Times in the viewer's clock (12- or 24-hour, accounts.clock) and zone; a builtin
(settings.TEMPLATES), so every template, page or email, writes times one way."""

from datetime import datetime

from django import template
from django.utils.dateformat import format as date_format

from accounts.clock import format_clock

register = template.Library()


@register.filter(expects_localtime=True)
def clock(value: datetime | None) -> str:
    """`{{ booking.starts_at|clock }}`: "14:00" or "2:00 PM"."""
    return format_clock(value) if value else ""


@register.filter(expects_localtime=True)
def clock_seconds(value: datetime | None) -> str:
    """`{{ saved_at|clock_seconds }}`: "14:00:05" or "2:00:05 PM"."""
    return format_clock(value, seconds=True) if value else ""


@register.filter(expects_localtime=True)
def when(value: datetime | None, year: str = "") -> str:
    """`{{ booking.starts_at|when }}`: "Tue 3 Mar, 14:00"; `|when:"year"` adds the year."""
    if not value:
        return ""
    return f"{date_format(value, 'D j M Y' if year else 'D j M')}, {format_clock(value)}"
