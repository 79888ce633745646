"""The Practice now form: what you want, and a two-week grid of hours in your zone."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from accounts.clock import format_clock
from accounts.models import Level
from sessions.scheduling.models import DEFAULT_MINUTES, InterviewType
from sessions.timeutils import localize

from . import rules
from .models import ROUND_MINUTES, MatchRole
from .services import HORIZON, MAX_WINDOWS

CELL_FORMAT = "%Y-%m-%dT%H:%M"
CELL = timedelta(hours=1)
DAYS = 14


@dataclass
class Cell:
    value: str
    label: str
    available: bool
    note: str = ""


@dataclass
class Week:
    caption: str
    days: list[date]
    rows: list[tuple[str, list[Cell]]]


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def week_grid(zone: ZoneInfo, now: datetime) -> list[Week]:
    """Two weeks of one-hour cells, from today in ``zone``. A cell is offered
    when it exists once on the clock, ends within 14 days, and leaves room for
    a session starting at least two hours from now."""
    today = now.astimezone(zone).date()
    earliest = rules.earliest_start(now)
    weeks = []
    for first in (today, today + timedelta(days=7)):
        days = [first + timedelta(days=i) for i in range(7)]
        rows = []
        for hour in range(24):
            cells = []
            for day in days:
                start = datetime(day.year, day.month, day.day, hour)
                cells.append(_cell(start, zone=zone, now=now, earliest=earliest))
            rows.append((format_clock(time(hour)), cells))
        weeks.append(Week(f"{_day_label(days[0])} to {_day_label(days[-1])}", days, rows))
    return weeks


def _cell(start: datetime, *, zone: ZoneInfo, now: datetime, earliest: datetime) -> Cell:
    end = start + CELL
    label = f"{_day_label(start.date())}, {format_clock(start)} to {format_clock(end)}"
    value = start.strftime(CELL_FORMAT)
    try:
        lo = localize(day=start.date(), at=start.time(), zone=zone)
        hi = localize(day=end.date(), at=end.time(), zone=zone)
    except ValidationError as exc:
        note = "skipped" if exc.code == "nonexistent_time" else "twice"
        return Cell(value, label, False, note)
    if hi.astimezone(UTC) - max(lo.astimezone(UTC), earliest) < timedelta(minutes=30):
        return Cell(value, label, False)
    if hi > now + HORIZON:
        return Cell(value, label, False)
    return Cell(value, label, True)


def merge_cells(values: list[str]) -> list[tuple[datetime, datetime]]:
    """Checked cells as naive wall-clock (start, end) windows, touching hours joined."""
    starts = sorted({datetime.strptime(v, CELL_FORMAT) for v in values})
    windows: list[tuple[datetime, datetime]] = []
    for start in starts:
        if windows and windows[-1][1] == start:
            windows[-1] = (windows[-1][0], start + CELL)
        else:
            windows.append((start, start + CELL))
    return windows


class PracticeForm(forms.Form):
    interview_type = forms.ChoiceField(label="Interview type", choices=InterviewType.choices)
    role = forms.ChoiceField(
        label="You want to", choices=MatchRole.choices, widget=forms.RadioSelect
    )
    either_role = forms.BooleanField(
        label="Any role is fine if it finds me a partner sooner", required=False
    )
    level = forms.ChoiceField(label="Your level now", choices=Level.choices)
    target_level = forms.ChoiceField(label="The level you are aiming for", choices=Level.choices)
    minutes = forms.TypedChoiceField(
        label="Length of a round",
        choices=[("", "The type's usual length")] + [(m, f"{m} minutes") for m in ROUND_MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="System design and coding 60, behavioral 45, negotiation 30. "
        "A swap takes two rounds.",
    )
    cells = forms.MultipleChoiceField(
        label="When you are free",
        error_messages={
            "required": "Mark at least one hour when you are free.",
            "invalid_choice": "One of the marked hours can't be offered any more; "
            "mark the times again.",
        },
    )

    def __init__(self, *args, zone: ZoneInfo, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.weeks = week_grid(zone, now)
        self.fields["cells"].choices = [
            (cell.value, cell.label)
            for week in self.weeks
            for _, row in week.rows
            for cell in row
            if cell.available
        ]

    def checked(self) -> set[str]:
        return set(self.data.getlist("cells")) if self.is_bound else set()

    def clean(self):
        data = super().clean()
        if data.get("minutes") is None and data.get("interview_type"):
            data["minutes"] = DEFAULT_MINUTES[data["interview_type"]]
        if data.get("cells"):
            windows = merge_cells(data["cells"])
            if len(windows) > MAX_WINDOWS:
                self.add_error(
                    "cells",
                    f"That is {len(windows)} separate windows; the limit is {MAX_WINDOWS}. "
                    "Join some of them or leave some out.",
                )
            data["windows"] = windows
        return data
