from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Level
from sessions.timeutils import localize

from .models import HostRole, InterviewType
from .selectors import TIMES_OF_DAY
from .services import MAX_RECURRING_WEEKS, ROUND_MINUTES

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PublishForm(forms.Form):
    day = forms.DateField(label="Date", widget=DateInput())
    start_time = forms.TimeField(
        label="Start time", widget=TimeInput(), help_text="In your time zone."
    )
    interview_type = forms.ChoiceField(label="Interview type", choices=InterviewType.choices)
    minutes = forms.TypedChoiceField(
        label="Length",
        choices=[("", "The type's usual length")] + [(m, f"{m} minutes") for m in ROUND_MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="System design and coding 60, behavioral 45, negotiation 30. "
        "A swap takes twice as long.",
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
        help_text="Optional: what you want to practise, e.g. “payments at scale”.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Repeat every week on",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for a single slot. The series starts on the date above.",
    )
    weeks = forms.IntegerField(
        label="For how many weeks",
        min_value=1,
        max_value=MAX_RECURRING_WEEKS,
        initial=1,
        required=False,
    )

    def clean_weeks(self) -> int:
        return self.cleaned_data.get("weeks") or 1


class SlotFilterForm(forms.Form):
    interview_type = forms.ChoiceField(
        label="Type", choices=[("", "Any type")] + InterviewType.choices, required=False
    )
    level = forms.ChoiceField(
        label="Level", choices=[("", "Any level")] + Level.choices, required=False
    )
    viewer_role = forms.ChoiceField(
        label="You want to be",
        choices=[
            ("", "Either"),
            ("candidate", "Interviewed"),
            ("interviewer", "The interviewer"),
            ("swap", "Both (swap)"),
        ],
        required=False,
    )
    date_from = forms.DateField(label="From", widget=DateInput(), required=False)
    date_to = forms.DateField(label="To", widget=DateInput(), required=False)
    times_of_day = forms.MultipleChoiceField(
        label="Time of day",
        choices=[(key, label) for key, (label, _, _) in TIMES_OF_DAY.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="In your time zone.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text="The other person sees this. Within 24 hours of the start it counts as a "
        "late cancellation on your profile.",
    )


class RescheduleForm(forms.Form):
    day = forms.DateField(label="New date", widget=DateInput())
    start_time = forms.TimeField(
        label="New start time", widget=TimeInput(), help_text="In your time zone."
    )
    message = forms.CharField(
        label="Message",
        max_length=280,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 280}),
    )

    def __init__(self, *args, zone, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day, at = data.get("day"), data.get("start_time")
        if day and at:
            try:
                data["starts_at"] = localize(day=day, at=at, zone=self.zone)
            except ValidationError as exc:
                self.add_error("start_time", exc)
        return data
