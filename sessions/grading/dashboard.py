"""The Dashboard: how a person trends, what to work on next, what is waiting.

Only revealed scorecards count (the reveal rule in sessions.grading decides).
Every list is one query however many sessions a person has had; the
constant query count is asserted in tests/sessions/test_dashboard_queries.py.
"""

import functools
import hashlib
import inspect
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from accounts.pagecache import cached_page
from payments.models import PRODUCT_PAGES
from sessions.scheduling.models import (
    Booking,
    HostRole,
    InterviewType,
    NoShowReport,
    RescheduleRequest,
)

from . import charts
from .models import PLAYBOOK_SECTION_PAGES, PlaybookSection, Score
from .selectors import (
    reveal_deadline,
    revealed_scorecards_for,
    rounds_to_grade,
    rounds_to_rate,
    unrevealed_scorecards_for,
)

# Strongest and weakest look at the latest few scores of a dimension, so
# progress shows up instead of being averaged away by early sessions.
RECENT_SCORES = 3
STRONGEST_MIN_SESSIONS = 3
TYPE_ORDER = list(InterviewType.values)
CLARIFYING_TARGET = (5, 8)


@dataclass
class DimensionTrend:
    interview_type: str
    key: str
    name: str
    order: int
    points: list[tuple[datetime, int]] = field(default_factory=list)

    @property
    def recent_average(self) -> float:
        recent = [v for _, v in self.points[-RECENT_SCORES:]]
        return sum(recent) / len(recent)

    @property
    def type_label(self) -> str:
        return InterviewType(self.interview_type).label

    @property
    def sort_key(self) -> tuple:
        return (TYPE_ORDER.index(self.interview_type), self.order)


def _trends(user, now: datetime) -> list[DimensionTrend]:
    rows = (
        Score.objects.filter(scorecard__in=revealed_scorecards_for(user, now), value__isnull=False)
        .order_by("scorecard__session_ended_at", "scorecard_id", "dimension__order")
        .values_list(
            "scorecard__session_ended_at",
            "scorecard__interview_type",
            "dimension__key",
            "dimension__name",
            "dimension__order",
            "value",
        )
    )
    trends: dict[tuple[str, str], DimensionTrend] = {}
    for ended_at, interview_type, key, name, order, value in rows:
        trend = trends.get((interview_type, key))
        if trend is None:
            trend = trends[(interview_type, key)] = DimensionTrend(interview_type, key, name, order)
        # The newest version's wording wins; the key is what stays the same.
        trend.name, trend.order = name, order
        trend.points.append((ended_at, value))
    return sorted(trends.values(), key=lambda t: t.sort_key)


def _score_charts(trends: list[DimensionTrend]) -> list[charts.Chart]:
    by_type: dict[str, list[DimensionTrend]] = {}
    for trend in trends:
        by_type.setdefault(trend.interview_type, []).append(trend)
    return [
        charts.line_chart(
            chart_id=f"chart-{interview_type}",
            title=f"{InterviewType(interview_type).label}: scores over time",
            series=[charts.Series(label=t.name, points=t.points) for t in type_trends],
            y_min=1,
            y_max=4,
            y_ticks=[1, 2, 3, 4],
        )
        for interview_type, type_trends in by_type.items()
    ]


def _clarifying_chart(points: list[tuple[datetime, Decimal]]) -> charts.Chart | None:
    if not points:
        return None
    low, high = CLARIFYING_TARGET
    top = charts.nice_ceiling(max(float(v) for _, v in points) + 1, 2)
    top = max(top, high + 2)
    step = 2 if top <= 16 else 5
    return charts.line_chart(
        chart_id="chart-clarifying",
        title="System design: minutes spent clarifying before designing",
        series=[
            charts.Series(label="Minutes clarifying", points=[(m, float(v)) for m, v in points])
        ],
        y_min=0,
        y_max=top,
        y_ticks=[float(t) for t in range(0, int(top) + 1, step)],
        y_label=lambda v: f"{v:g}",
        band=(low, high, f"{low}–{high} min: a healthy opening"),
    )


def _playbook_pointer(user, weakest: DimensionTrend | None) -> dict | None:
    if weakest is None:
        return None
    from payments.services import has_playbook

    section = PlaybookSection.objects.filter(
        interview_type=weakest.interview_type, dimension_key=weakest.key
    ).first()
    return {"section": section, "owner": has_playbook(user)}


def _upcoming(user, now: datetime) -> list[dict]:
    bookings = (
        Booking.objects.filter(Q(host=user) | Q(guest=user))
        .filter(status=Booking.Status.CONFIRMED, ends_at__gt=now)
        .select_related("host__profile", "guest__profile")
        .order_by("starts_at")[:5]
    )
    items = []
    for booking in bookings:
        if booking.host_role == HostRole.SWAP:
            role = "Swap: you take turns"
        elif (booking.host_role == HostRole.INTERVIEWER) == (booking.host_id == user.pk):
            role = "You interview"
        else:
            role = "You are the candidate"
        items.append(
            {
                "booking": booking,
                "partner": booking.other_participant(user),
                "role": role,
                "in_progress": booking.has_started(now),
            }
        )
    return items


# Drawn charts are kept this long per person and data; new data makes a new key.
CHARTS_CACHE_SECONDS = 24 * 3600
CHART_TEMPLATE = "sessions/grading/_chart.html"


@functools.cache
def drawing_version() -> str:
    """A digest of the code and the template that draw the charts.

    Part of the cache key, so a release that changes how charts look draws them
    afresh instead of serving the drawings cached before it.
    """
    source = inspect.getsource(charts) + get_template(CHART_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _charts(
    user, trends: list[DimensionTrend], clarifying: list[tuple[datetime, Decimal]]
) -> tuple[list[charts.Chart], charts.Chart | None, SafeString]:
    """The person's charts and their HTML, drawn once per set of revealed scores.

    The cache key is a digest of everything drawn: the points, the dimension
    names, the zone the dates are shown in and the drawing code itself. A newly
    revealed scorecard, a renamed dimension, a move to another zone or a new
    way of drawing draws them afresh.
    """
    zone = timezone.get_current_timezone_name()
    drawn = repr(
        (
            drawing_version(),
            zone,
            [(t.interview_type, t.key, t.name, t.order, t.points) for t in trends],
            clarifying,
        )
    )
    key = f"dashboard-charts:{user.pk}:{hashlib.sha256(drawn.encode()).hexdigest()}"
    cached = cache.get(key)
    if cached is None:
        score_charts = _score_charts(trends)
        clarifying_chart = _clarifying_chart(clarifying)
        every = score_charts + ([clarifying_chart] if clarifying_chart else [])
        html = mark_safe(  # noqa: S308 (rendered by the template engine, which escapes)
            "".join(render_to_string(CHART_TEMPLATE, {"chart": chart}) for chart in every)
        )
        cached = (score_charts, clarifying_chart, html)
        cache.set(key, cached, CHARTS_CACHE_SECONDS)
    return cached


def progress_for(user, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    trends = _trends(user, now)
    revealed = revealed_scorecards_for(user, now)
    summary = list(
        revealed.order_by("session_ended_at").values_list(
            "interview_type", "session_ended_at", "clarifying_minutes"
        )
    )
    counts = Counter(interview_type for interview_type, _, _ in summary)
    recent = list(revealed.select_related("grader__profile").order_by("-session_ended_at")[:5])

    weakest = min(trends, key=lambda t: (t.recent_average, t.sort_key), default=None)
    # One good session says little: a dimension can be the strongest only once
    # it has been scored in STRONGEST_MIN_SESSIONS sessions.
    settled = [t for t in trends if len(t.points) >= STRONGEST_MIN_SESSIONS]
    strongest = min(settled, key=lambda t: (-t.recent_average, t.sort_key), default=None)
    if weakest and strongest and weakest.recent_average == strongest.recent_average:
        strongest = None  # every dimension level: nothing stands out
    clarifying = [
        (ended, minutes)
        for kind, ended, minutes in summary
        if kind == InterviewType.SYSTEM_DESIGN and minutes is not None
    ]
    score_charts, clarifying_chart, charts_html = _charts(user, trends, clarifying)
    return {
        "now": now,
        "charts": score_charts,
        "clarifying_chart": clarifying_chart,
        "charts_html": charts_html,
        "sessions_by_type": [
            {"label": InterviewType(t).label, "count": counts.get(t, 0)} for t in TYPE_ORDER
        ],
        "graded_sessions": len(summary),
        "weakest": weakest,
        "strongest": strongest,
        "strongest_min_sessions": STRONGEST_MIN_SESSIONS,
        "most_scored_sessions": max((len(t.points) for t in trends), default=0),
        "playbook": _playbook_pointer(user, weakest),
        "fix_first": recent[0] if recent else None,
        "recent_feedback": recent,
        "upcoming": _upcoming(user, now),
        "proposals_to_answer": list(
            RescheduleRequest.objects.filter(
                Q(booking__host=user) | Q(booking__guest=user),
                status=RescheduleRequest.Status.PENDING,
                booking__status=Booking.Status.CONFIRMED,
                booking__starts_at__gt=now,
            )
            .exclude(proposed_by=user)
            .select_related("booking", "proposed_by__profile")
            .order_by("starts_at")[:10]
        ),
        "no_shows_to_dispute": list(
            NoShowReport.objects.filter(
                accused=user, status=NoShowReport.Status.REPORTED, dispute_until__gt=now
            )
            .select_related("booking", "reporter__profile")
            .order_by("dispute_until")[:10]
        ),
        "to_grade": list(
            rounds_to_grade(user, now)
            .select_related("booking", "candidate__profile")
            .order_by("booking__starts_at")[:10]
        ),
        "to_rate": list(
            rounds_to_rate(user, now)
            .select_related("booking", "interviewer__profile")
            .order_by("-booking__starts_at")[:5]
        ),
        "on_its_way": [
            {"scorecard": card, "deadline": reveal_deadline(card.booking)}
            for card in unrevealed_scorecards_for(user, now)
            .select_related("booking", "grader__profile")
            .order_by("session_ended_at")[:10]
        ],
    }


@login_required
@require_http_methods(["GET"])
# The playbook pointer shows a section (staff edit them) to owners of the product on sale.
@cached_page(shared=[PLAYBOOK_SECTION_PAGES, PRODUCT_PAGES])
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions/grading/dashboard.html", progress_for(request.user))
