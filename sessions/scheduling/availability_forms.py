"""The weekly availability form: hours per weekday as text ("09:00-12:00, 14:00-18:00"),
date overrides one per line, what the occurrences offer and the booking rules."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError

from accounts.clock import format_clock
from accounts.models import Level

from .availability_models import WEEKDAY_NAMES, AvailabilitySchedule
from .forms import QuestionWishMixin
from .models import HostRole, InterviewType
from .services import ROUND_MINUTES
from .services.rules import booking_window_days
from .services.schedules import MAX_DAILY_CAP, MAX_HORIZON_WEEKS

WEEKDAY_FIELDS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
BUFFER_CHOICES = [
    (m, "None" if m == 0 else f"{m} minutes") for m in (0, 5, 10, 15, 30, 45, 60, 90, 120)
]
# A time of day on either clock: "18:00", "6:00 PM", "6pm", "6 p.m.". ASCII digits only.
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?"
INTERVAL = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|to)\s*{_TIME}\s*$", re.ASCII | re.IGNORECASE)
MAX_INTERVALS = 6
MAX_OVERRIDES = 60


def _clock(hours: str, minutes: str | None, half: str | None) -> time:
    """A time of day from its parts: "AM"/"PM" (`half` "a"/"p") for the 12-hour clock,
    where minutes may be left out; otherwise 24-hour with minutes."""
    h, m = int(hours), int(minutes or 0)
    if half:
        written = f"{hours}:{minutes or '00'} {half.upper()}M"
        if not 1 <= h <= 12 or m > 59:
            raise ValidationError(f"{written} is not a time of day (12:00 AM to 11:59 PM).")
        return time(h % 12 + (12 if half.lower() == "p" else 0), m)
    if minutes is None or h > 23 or m > 59:
        shown = f"{hours}:{minutes}" if minutes is not None else hours
        raise ValidationError(f"{shown} is not a time of day (00:00 to 23:59).")
    return time(h, m)


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 14:00-18:00" or "9am-12pm, 2:00 PM-6:00 PM" as [(09:00, 12:00),
    (14:00, 18:00)]; empty text, none. Either clock is read, whichever the person uses.

    Raises ValidationError naming the part it can't read.
    """
    text = (text or "").strip()
    if not text:
        return []
    parts = [p for p in re.split(r"[,;]", text) if p.strip()]
    if len(parts) > MAX_INTERVALS:
        raise ValidationError(f"At most {MAX_INTERVALS} intervals a day.")
    intervals = []
    for part in parts:
        match = INTERVAL.match(part)
        # A bare hour ("9 to 5") is read only with AM or PM.
        if not match or any(match.group(i) is None and match.group(i + 1) is None for i in (2, 5)):
            raise ValidationError(
                f"“{part.strip()[:40]}” is not an interval: write it like {example_interval()}."
            )
        starts, ends = _clock(*match.group(1, 2, 3)), _clock(*match.group(4, 5, 6))
        if ends <= starts:
            raise ValidationError(
                f"{format_intervals([(starts, ends)])} ends before it starts; a day's hours end "
                f"by {format_clock(time(23, 59))}."
            )
        intervals.append((starts, ends))
    return sorted(intervals)


def format_intervals(intervals) -> str:
    """The intervals as the person types them, on their clock (accounts.clock)."""
    return ", ".join(f"{format_clock(s)}-{format_clock(e)}" for s, e in intervals)


def example_interval(*more: tuple[int, int]) -> str:
    """ "09:00-12:00" (or "9:00 AM-12:00 PM"), then any more (start hour, end hour)."""
    return format_intervals([(time(a), time(b)) for a, b in [(9, 12), *more]])


class AvailabilityForm(QuestionWishMixin, forms.Form):
    interview_type = forms.ChoiceField(label="Interview type", choices=InterviewType.choices)
    minutes = forms.TypedChoiceField(
        label="Length",
        choices=[(m, f"{m} minutes") for m in ROUND_MINUTES],
        coerce=int,
        initial=60,
        help_text="One round; a swap takes twice as long.",
    )
    host_role = forms.ChoiceField(
        label="Your role", choices=HostRole.choices, widget=forms.RadioSelect
    )
    level = forms.ChoiceField(label="Target level", choices=Level.choices)
    note = forms.CharField(
        label="Note",
        max_length=280,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}),
        help_text="Shown with every time, e.g. “payments at scale”.",
    )
    overrides = forms.CharField(
        label="Date overrides",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
        max_length=4000,
        help_text="One date a line: “2026-12-24 off”, or the date and its hours for a day "
        "with other hours.",
    )
    buffer_before = forms.TypedChoiceField(
        label="Free before each interview", choices=BUFFER_CHOICES, coerce=int, initial=0
    )
    buffer_after = forms.TypedChoiceField(
        label="Free after each interview", choices=BUFFER_CHOICES, coerce=int, initial=0
    )
    min_notice_hours = forms.IntegerField(
        label="Minimum notice (hours)",
        min_value=1,
        max_value=336,
        initial=12,
        help_text="Nobody can book you sooner than this before the start.",
    )
    daily_cap = forms.IntegerField(
        label="At most this many interviews a day",
        min_value=1,
        max_value=MAX_DAILY_CAP,
        required=False,
        help_text="Empty: no limit. Once a day is full, its other times are hidden.",
    )
    horizon_weeks = forms.IntegerField(
        label="Keep times open this many weeks ahead",
        min_value=1,
        max_value=MAX_HORIZON_WEEKS,
        initial=4,
        help_text="New times are published every hour as the weeks roll on.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in zip(WEEKDAY_FIELDS, WEEKDAY_NAMES, strict=True):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": f"e.g. {example_interval((14, 18))}"}),
            )
        self.fields["overrides"].help_text = (
            f"One date a line: “2026-12-24 off”, or “2026-12-31 {example_interval()}” for "
            "other hours that day."
        )
        self.order_fields(WEEKDAY_FIELDS + ["overrides"])
        self.add_wish_fields(
            interview_type=None,
            help_text="As the interviewer: the question you will ask. As the candidate, or in "
            "a swap for your own round: what you want to be asked. " + self.QUESTION_HELP,
        )

    def clean(self):
        data = super().clean()
        weekly = {}
        for weekday, name in enumerate(WEEKDAY_FIELDS):
            try:
                weekly[weekday] = parse_intervals(data.get(name, ""))
            except ValidationError as exc:
                self.add_error(name, exc)
        data["weekly"] = weekly
        try:
            data["override_hours"] = self._parse_overrides(data.get("overrides", ""))
        except ValidationError as exc:
            self.add_error("overrides", exc)
        self.check_wish_type(data.get("interview_type"))
        return data

    @staticmethod
    def _parse_overrides(text: str) -> dict[date, list]:
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if len(lines) > MAX_OVERRIDES:
            raise ValidationError(f"At most {MAX_OVERRIDES} date overrides.")
        overrides: dict[date, list] = {}
        for line in lines:
            # A space or a tab after the date.
            head, _, rest = " ".join(line.split()).partition(" ")
            try:
                day = date.fromisoformat(head)
            except ValueError:
                raise ValidationError(
                    f"“{line[:40]}”: start the line with a date like 2026-12-24."
                ) from None
            if day in overrides:
                raise ValidationError(f"{day} is listed twice; put its hours on one line.")
            rest = rest.strip()
            overrides[day] = [] if rest.lower() in ("off", "") else parse_intervals(rest)
        return overrides

    @classmethod
    def initial_from(cls, schedule: AvailabilitySchedule | None, *, profile, now: datetime) -> dict:
        """The form as the saved schedule fills it. Overrides of days before the
        booking window are left out: saving them again would be refused, and they
        no longer change anything (the next save drops them)."""
        if schedule is None:
            return {
                "interview_type": InterviewType.SYSTEM_DESIGN,
                "host_role": HostRole.INTERVIEWER,
                "level": profile.target_level,
                "minutes": 60,
                "buffer_before": 0,
                "buffer_after": 0,
                "min_notice_hours": 12,
                "horizon_weeks": 4,
            }
        weekly = list(schedule.weekly_hours.all())
        by_day: dict[date, list] = {}
        first_day, _ = booking_window_days(now)
        for row in schedule.overrides.all():
            if row.day < first_day:
                continue
            by_day.setdefault(row.day, [])
            if row.starts is not None:
                by_day[row.day].append((row.starts, row.ends))
        initial = {
            name: format_intervals((h.starts, h.ends) for h in weekly if h.weekday == weekday)
            for weekday, name in enumerate(WEEKDAY_FIELDS)
        }
        initial["overrides"] = "\n".join(
            f"{day.isoformat()} {format_intervals(iv) or 'off'}"
            for day, iv in sorted(by_day.items())
        )
        return initial | {
            "interview_type": schedule.interview_type,
            "host_role": schedule.host_role,
            "level": schedule.level,
            "minutes": schedule.minutes,
            "note": schedule.note,
            "question": schedule.question_id,
            "topic": schedule.topic,
            "buffer_before": int(schedule.buffer_before / timedelta(minutes=1)),
            "buffer_after": int(schedule.buffer_after / timedelta(minutes=1)),
            "min_notice_hours": int(schedule.min_notice / timedelta(hours=1)),
            "daily_cap": schedule.daily_cap,
            "horizon_weeks": schedule.horizon_weeks,
        }
