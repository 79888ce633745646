"""Line charts as inline SVG, drawn on the server.

No chart library and no JavaScript: the dashboard stays one request, readable
with scripts off, and each chart carries a table of its numbers for screen
readers and for anyone who prefers figures to lines.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour and dash pattern together, so lines stay apart without colour vision.
STYLES = [
    ("#2747d8", ""),
    ("#c2410c", "7 4"),
    ("#17703d", "2 3"),
    ("#7c3aed", "9 3 2 3"),
    ("#0e7490", "4 2"),
    ("#a16207", "12 3"),
]


@dataclass
class Series:
    label: str
    points: list[tuple[datetime, float]]
    color: str = ""
    dash: str = ""


@dataclass
class Chart:
    chart_id: str
    title: str
    svg: SafeString
    series: list[Series]
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M")


# Each chart is drawn twice and the stylesheet shows one: the wide drawing on
# screens of 700 px and more, the narrow one (fewer date labels, larger text in
# a smaller box) on phones, where the wide one scaled down would shrink its
# labels to a few pixels. Sizes are SVG user units (CSS pixels at scale 1).
WIDE = {"width": 640, "height": 240, "dates": 5, "left": 44}
NARROW = {"width": 340, "height": 250, "dates": 3, "left": 38}


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[Series],
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
    y_label: Callable[[float], str] = _fmt,
    band: tuple[float, float, str] | None = None,
) -> Chart:
    """One chart of values over time; `band` shades a target range (low, high, label).

    Dates are labelled in the current time zone. The SVG holds a wide and a
    narrow drawing of the same data (see WIDE and NARROW).
    """
    series = [s for s in series if s.points]
    for index, s in enumerate(series):
        s.color, s.dash = (
            s.color or STYLES[index % len(STYLES)][0],
            s.dash or STYLES[index % len(STYLES)][1],
        )
    drawing = {
        "title": title,
        "series": series,
        "y_min": y_min,
        "y_max": y_max,
        "y_ticks": y_ticks,
        "y_label": y_label,
        "band": band,
    }
    svg = _draw(chart_id=chart_id, variant="wide", **WIDE, **drawing) + _draw(
        chart_id=f"{chart_id}-narrow", variant="narrow", **NARROW, **drawing
    )
    moments = sorted({p[0] for s in series for p in s.points})
    lookup = {(s.label, m): v for s in series for m, v in s.points}
    rows = [
        (_day(m), [_fmt(lookup[(s.label, m)]) if (s.label, m) in lookup else "" for s in series])
        for m in moments
    ]
    return Chart(
        chart_id=chart_id,
        title=title,
        svg=mark_safe(svg),  # noqa: S308 (every text part of the drawing is escaped)
        series=list(series),
        columns=[s.label for s in series],
        rows=rows,
    )


def _draw(
    *,
    chart_id: str,
    variant: str,
    title: str,
    series: Sequence[Series],
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
    y_label: Callable[[float], str],
    band: tuple[float, float, str] | None,
    width: int,
    height: int,
    dates: int,
    left: int,
) -> str:
    right, top, bottom = 14, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    moments = sorted({p[0] for s in series for p in s.points})
    t0 = moments[0].timestamp() if moments else 0.0
    t1 = moments[-1].timestamp() if moments else 1.0

    def x(moment: datetime) -> float:
        if t1 == t0:
            return left + plot_w / 2
        return left + (moment.timestamp() - t0) / (t1 - t0) * plot_w

    def y(value: float) -> float:
        value = min(max(value, y_min), y_max)
        return top + (y_max - value) / (y_max - y_min) * plot_h

    parts = [
        f'<svg class="chart chart-{variant}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if band:
        low, high, label = band
        parts.append(
            f'<rect class="chart-band" x="{left}" y="{y(high):.1f}" width="{plot_w}" '
            f'height="{y(low) - y(high):.1f}"><title>{escape(label)}</title></rect>'
            f'<text class="chart-band-label" x="{left + plot_w - 4}" y="{y(high) + 14:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
    for tick in y_ticks:
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/><text class="chart-label" x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{escape(y_label(tick))}</text>'
        )
    labelled = set()
    ticks = _x_ticks(moments, most=dates)
    for moment in ticks:
        if _day(moment) in labelled:
            continue
        labelled.add(_day(moment))
        # The outermost labels grow inwards so they are never cut off.
        anchor = "middle"
        if len(ticks) > 1 and moment == ticks[0]:
            anchor = "start"
        elif len(ticks) > 1 and moment == ticks[-1]:
            anchor = "end"
        parts.append(
            f'<text class="chart-label" x="{x(moment):.1f}" y="{height - 8}" '
            f'text-anchor="{anchor}">{escape(_day(moment))}</text>'
        )
    for index, s in enumerate(series):
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        # Equal scores would hide each other's lines: nudge each series a
        # couple of pixels (under a tenth of a point); titles keep exact values.
        nudge = (index - (len(series) - 1) / 2) * 2.5
        if len(s.points) > 1:
            coords = " ".join(f"{x(m):.1f},{y(v) + nudge:.1f}" for m, v in s.points)
            parts.append(
                f'<polyline class="chart-line" points="{coords}" stroke="{s.color}"{dash}/>'
            )
        for moment, value in s.points:
            parts.append(
                f'<circle class="chart-point" cx="{x(moment):.1f}" cy="{y(value) + nudge:.1f}" r="3.5" '
                f'fill="{s.color}"><title>{escape(s.label)}, {escape(_day(moment))}: '
                f"{escape(y_label(value))}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _x_ticks(moments: list[datetime], most: int = 5) -> list[datetime]:
    """Up to `most` sessions spread over the range, always the first and the last."""
    if len(moments) <= most:
        return moments
    step = (len(moments) - 1) / (most - 1)
    return [moments[round(i * step)] for i in range(most)]


def nice_ceiling(value: float, step: float) -> float:
    return max(step, math.ceil(value / step) * step)
