from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Level
from sessions.timeutils import localize

from .models import ROUND_NOTES_MAX_LENGTH, HostRole, InterviewType, Question
from .selectors import TIMES_OF_DAY
from .services import ROUND_MINUTES
from .services.rules import check_window_day


class WindowDateField(forms.DateField):
    """A date inside the booking window (yesterday to 8 weeks ahead), or a clear error."""

    def validate(self, value) -> None:
        super().validate(value)
        if value:
            check_window_day(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def question_label(question: Question, *, seen_by: str = "") -> str:
    label = f"{question.title} ({question.get_level_display()})"
    return f"{label}, already asked to {seen_by}" if seen_by else label


def grouped_question_choices(interview_type: str | None = None) -> list:
    """Active bank questions for a <select>, grouped by interview type."""
    questions = Question.objects.filter(active=True)
    if interview_type:
        questions = questions.filter(interview_type=interview_type)
    groups: dict[str, list] = {}
    for q in questions.order_by("interview_type", "level", "title"):
        groups.setdefault(q.get_interview_type_display(), []).append((q.pk, question_label(q)))
    return list(groups.items())


class QuestionWishMixin:
    """A bank question or a free-text topic: what the person wants the round to be about."""

    QUESTION_HELP = "Optional. Leave both empty and the room picks a question at the slot's level."

    def add_wish_fields(self, *, interview_type: str | None, help_text: str) -> None:
        self.fields["question"] = forms.TypedChoiceField(
            label="Question from the bank",
            choices=[("", "No particular question")] + grouped_question_choices(interview_type),
            coerce=int,
            empty_value=None,
            required=False,
            help_text=help_text,
        )
        self.fields["topic"] = forms.CharField(
            label="Or a topic, in your words",
            max_length=200,
            required=False,
            widget=forms.TextInput(attrs={"maxlength": 200}),
            help_text="For example “Design a rate limiter, staff-level depth”. The interviewer "
            "sees it, and gets a matching bank question when there is one.",
        )

    def clean_question(self) -> Question | None:
        pk = self.cleaned_data.get("question")
        if pk is None:
            return None
        question = Question.objects.filter(pk=pk, active=True).first()
        if question is None:
            raise ValidationError("That question is no longer in the bank. Pick another one.")
        return question

    def check_wish_type(self, interview_type: str | None) -> None:
        question = self.cleaned_data.get("question")
        if question is not None and interview_type and question.interview_type != interview_type:
            self.add_error(
                "question",
                f"“{question.title}” is a {question.get_interview_type_display().lower()} "
                f"question; pick one for {InterviewType(interview_type).label.lower()}.",
            )


class PublishForm(QuestionWishMixin, forms.Form):
    day = WindowDateField(label="Date", widget=DateInput())
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_wish_fields(
            interview_type=None,
            help_text="As the interviewer: the question you will ask. As the candidate, or in "
            "a swap for your own round: what you want to be asked. " + self.QUESTION_HELP,
        )

    def clean(self):
        data = super().clean()
        self.check_wish_type(data.get("interview_type"))
        return data


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
    date_from = WindowDateField(label="From", widget=DateInput(), required=False)
    date_to = WindowDateField(label="To", widget=DateInput(), required=False)
    times_of_day = forms.MultipleChoiceField(
        label="Time of day",
        choices=[(key, label) for key, (label, _, _) in TIMES_OF_DAY.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="In your time zone.",
    )

    def active_filters(self) -> int:
        """How many of the filters the request sets to something (0 when none was sent)."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.fields if any(v.strip() for v in self.data.getlist(name)))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                "The end date is before the start date. Until it is fixed, slots on any "
                "date are shown.",
            )
            # A range that cannot be met is left out whole; every other filter still applies.
            data.pop("date_from", None)
        return data


class BookForm(QuestionWishMixin, forms.Form):
    """What the guest asks for when the slot left the question open (or, in a swap,
    for the guest's own round)."""

    def __init__(self, *args, slot, **kwargs):
        self.slot = slot
        super().__init__(*args, **kwargs)
        if slot.host_role == HostRole.CANDIDATE:
            help_text = "You interview: the question you will ask. "
        else:
            help_text = "You are interviewed: what you want to be asked. "
        self.add_wish_fields(
            interview_type=slot.interview_type, help_text=help_text + self.QUESTION_HELP
        )

    def clean(self):
        data = super().clean()
        self.check_wish_type(self.slot.interview_type)
        return data


class QuestionChoiceForm(forms.Form):
    """The round's interviewer switches its question before the round starts."""

    question = forms.TypedChoiceField(label="Switch to", coerce=int)

    def __init__(self, *args, choices: list[tuple[Question, bool]], candidate_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.pk: q for q, _ in choices}
        self.fields["question"].choices = [
            (q.pk, question_label(q, seen_by=candidate_name if seen else "")) for q, seen in choices
        ]

    def clean_question(self) -> Question:
        return self.questions[self.cleaned_data["question"]]


class NoShowReportForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="yes")
    reason = forms.CharField(
        label="What happened? (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text="For example: “I waited 20 minutes in the room and wrote to them; no answer.” "
        "The team reads it if the report is disputed.",
    )

    def clean_confirm(self) -> str:
        if self.cleaned_data.get("confirm") != "yes":
            raise ValidationError("Confirm the report with the button below.")
        return "yes"


class NoShowDisputeForm(forms.Form):
    reason = forms.CharField(
        label="What happened?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text="For example: “We did the session; I was the interviewer and took notes.” "
        "The team reads this before deciding.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text="The other person sees this. Within 24 hours of the start it counts as a "
        "late cancellation on your profile.",
    )


class RescheduleForm(forms.Form):
    day = WindowDateField(label="New date", widget=DateInput())
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


class RoundNotesForm(forms.Form):
    """The room's notes pad, sent as a form or as JSON {"notes": "..."}."""

    notes = forms.CharField(
        required=False,
        strip=False,
        max_length=ROUND_NOTES_MAX_LENGTH,
        error_messages={
            "max_length": "Notes hold up to %(limit_value)s characters; these have "
            "%(show_value)s. Move the rest elsewhere and save again.",
        },
    )
