"""Reads for the Practice now pages and the dashboard."""

import statistics
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from . import rules
from .models import MatchBlock, MatchRequest, MatchWindow

Status = MatchRequest.Status


def requests_of(user) -> QuerySet[MatchRequest]:
    """The person's own requests, newest first, with what the page shows."""
    return (
        MatchRequest.objects.filter(person=user)
        .select_related(
            "booking__host__profile",
            "booking__guest__profile",
            "cancelled_booking__host__profile",
            "cancelled_booking__guest__profile",
        )
        .prefetch_related(Prefetch("windows", queryset=MatchWindow.objects.order_by("starts_at")))
        .order_by("-created_at", "-pk")
    )


def blocks_of(user) -> QuerySet[MatchBlock]:
    return MatchBlock.objects.filter(blocker=user).select_related("blocked__profile")


def _waits(rows) -> list[timedelta]:
    return [matched - (rematch or created) for created, rematch, matched in rows]


def median_wait(user=None, *, now: datetime | None = None) -> tuple[timedelta | None, int]:
    """The median time from asking (or going back in line) to being matched,
    and over how many matches: the person's own when ``user`` is given, else
    everyone's in the last 30 days."""
    now = now or timezone.now()
    rows = MatchRequest.objects.filter(status=Status.MATCHED, matched_at__isnull=False)
    if user is not None:
        rows = rows.filter(person=user)
    else:
        rows = rows.filter(matched_at__gte=now - rules.RECENT)
    waits = _waits(rows.values_list("created_at", "rematch_since", "matched_at"))
    if not waits:
        return None, 0
    return statistics.median(waits), len(waits)


def describe_wait(wait: timedelta | None) -> str:
    """A wait in words: "under a minute", "42 min", "3 h 05 min", "2 d 4 h"."""
    if wait is None:
        return "no matches yet"
    minutes = int(wait.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def personal_data(user) -> dict:
    """The person's Practice now rows for "Download my data".

    Their own requests (windows as UTC datetimes, serialised as ISO 8601) with
    the booking each one was matched to, and the blocks they made, naming the
    other person by display name only, never by email. Blocks others made
    about them are not theirs and are left out.
    """
    requests = [
        {
            "id": r.pk,
            "interview_type": r.interview_type,
            "role": r.role,
            "either_role": r.either_role,
            "level": r.level,
            "target_level": r.target_level,
            "minutes": r.minutes,
            "windows": [{"starts_at": w.starts_at, "ends_at": w.ends_at} for w in r.windows.all()],
            "status": r.status,
            "asked_at": r.created_at,
            "expires_at": r.expires_at,
            "matched_at": r.matched_at,
            "closed_at": r.closed_at,
            "booking_id": r.booking_id,
            "partner_cancelled_booking_id": r.cancelled_booking_id,
        }
        for r in MatchRequest.objects.filter(person=user)
        .prefetch_related(Prefetch("windows", queryset=MatchWindow.objects.order_by("starts_at")))
        .order_by("created_at", "pk")
    ]
    blocks = [
        {"person": b.blocked.display_name, "blocked_at": b.created_at}
        for b in MatchBlock.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("created_at", "pk")
    ]
    return {"requests": requests, "blocks": blocks}
