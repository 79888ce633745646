"""Times in the viewer's zone (the active one) or in someone else's."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from sessions.timeutils import format_duration, format_range

register = template.Library()


@register.simple_tag
def time_range(starts_at: datetime, ends_at: datetime, zone: ZoneInfo | str | None = None) -> str:
    """`{% time_range start end %}` in the active zone, or `zone=person.profile.zone`:
    "Tue 3 Mar, 23:00–00:00 (+1 day)"."""
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    return format_range(starts_at, ends_at, zone or timezone.get_current_timezone())


@register.simple_tag
def time_between(earlier: datetime | None, later: datetime | None) -> str:
    """`{% time_between booking.cancelled_at booking.starts_at %}`: "3 h", "40 min"."""
    if earlier is None or later is None:
        return ""
    return format_duration(later - earlier)
