"""The public board: what practice is on offer, for visitors who have no account yet.

Anonymised by construction: counts of open slots by interview type and level,
never a name, a time or anything else about the hosts. One grouped query,
cached for everybody for BOARD_CACHE_SECONDS.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Level

from .models import InterviewType, Slot

BOARD_WEEKS = 4
BOARD_CACHE_KEY = "public-board:v1"
BOARD_CACHE_SECONDS = 300


@dataclass(frozen=True)
class BoardRow:
    interview_type: str  # the type's label, e.g. "System design"
    counts: tuple[int, ...]  # open slots per level, in Level order, over the whole window
    this_week: int
    total: int


def practice_on_offer(*, now: datetime) -> list[BoardRow]:
    """Open slots starting between `now` and BOARD_WEEKS weeks later (UTC), counted by
    interview type and level; every interview type appears, with zeros if need be."""
    week, horizon = now + timedelta(days=7), now + timedelta(weeks=BOARD_WEEKS)
    grouped = (
        Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now, starts_at__lt=horizon)
        .values("interview_type", "level")
        .annotate(total=Count("pk"), this_week=Count("pk", filter=Q(starts_at__lt=week)))
        .order_by()
    )
    totals = {(g["interview_type"], g["level"]): (g["total"], g["this_week"]) for g in grouped}
    rows = []
    for kind in InterviewType:
        counts = tuple(totals.get((kind.value, level), (0, 0))[0] for level in Level.values)
        this_week = sum(totals.get((kind.value, level), (0, 0))[1] for level in Level.values)
        rows.append(BoardRow(kind.label, counts, this_week, sum(counts)))
    return rows


def cached_practice_on_offer() -> list[BoardRow]:
    rows = cache.get(BOARD_CACHE_KEY)
    if rows is None:
        rows = practice_on_offer(now=timezone.now())
        cache.set(BOARD_CACHE_KEY, rows, BOARD_CACHE_SECONDS)
    return rows


@require_GET
def public_board(request: HttpRequest) -> HttpResponse:
    rows = cached_practice_on_offer()
    return render(
        request,
        "sessions/scheduling/board.html",
        {
            "rows": rows,
            "levels": Level.labels,
            "weeks": BOARD_WEEKS,
            "total": sum(r.total for r in rows),
            "minutes": BOARD_CACHE_SECONDS // 60,
        },
    )
