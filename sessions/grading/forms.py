from typing import Any

from django import forms

from .models import Calibration, Dimension, LevelAnchor, Recommendation, Scorecard
from .services import evidence_field, score_field

SCORE_CHOICES = [(n, f"{n} · {LevelAnchor.SCORE_MEANINGS[n]}") for n in range(1, 5)]


class ScorecardForm(forms.Form):
    """Every field is optional here: drafts may be partial. Completeness is
    the submit service's job, so the rule is the same for every caller."""

    recommendation = forms.ChoiceField(
        label="Overall recommendation",
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    level_calibration = forms.ChoiceField(
        label="Level this performance matched",
        choices=Calibration.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    strengths = forms.CharField(
        label="Strengths to keep",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    improvement_1 = forms.CharField(label="1. Fix this first", required=False, max_length=300)
    improvement_2 = forms.CharField(label="2. Then this", required=False, max_length=300)
    improvement_3 = forms.CharField(label="3. And this", required=False, max_length=300)
    notes = forms.CharField(
        label="Session notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Carried in from the room's notes pad. The candidate reads these with the "
        "scorecard once it is revealed, so edit out anything you would not say to them.",
    )
    clarifying_minutes = forms.DecimalField(
        label="Minutes spent clarifying before designing",
        required=False,
        min_value=0,
        max_value=999.9,
        decimal_places=1,
        help_text="Measured in the room when you pressed “Candidate started designing”. "
        "Five to eight minutes is a healthy opening.",
    )

    def __init__(self, *args, scorecard: Scorecard, **kwargs) -> None:
        self.scorecard = scorecard
        self.dimensions: list[Dimension] = list(
            scorecard.rubric.dimensions.prefetch_related("anchors")
        )
        stored = {s.dimension_id: s for s in scorecard.scores.all()}
        kwargs.setdefault("initial", self._initial(stored))
        super().__init__(*args, **kwargs)
        if scorecard.interview_type != "system_design":
            del self.fields["clarifying_minutes"]
        for dimension in self.dimensions:
            self.fields[score_field(dimension)] = forms.TypedChoiceField(
                label=dimension.name,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[evidence_field(dimension)] = forms.CharField(
                label=f"Evidence for “{dimension.name}”",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="What the candidate said or did that puts them at this score.",
            )

    def _initial(self, stored: dict) -> dict[str, Any]:
        sc = self.scorecard
        initial = {
            name: getattr(sc, name)
            for name in (
                "recommendation",
                "level_calibration",
                "strengths",
                "improvement_1",
                "improvement_2",
                "improvement_3",
                "notes",
                "clarifying_minutes",
            )
        }
        for dimension in self.dimensions:
            score = stored.get(dimension.pk)
            if score:
                initial[score_field(dimension)] = score.value
                initial[evidence_field(dimension)] = score.evidence
        return initial

    def dimension_fields(self) -> list[dict]:
        """Per dimension: its bound score and evidence fields and its anchors."""
        items = []
        for d in self.dimensions:
            anchors = {a.score: a.behaviour for a in d.anchors.all()}
            score = self[score_field(d)]
            items.append(
                {
                    "dimension": d,
                    "score": score,
                    "evidence": self[evidence_field(d)],
                    "choices": [(radio, anchors.get(radio.data["value"], "")) for radio in score],
                }
            )
        return items

    def general_fields(self) -> list:
        dimension_names = {score_field(d) for d in self.dimensions} | {
            evidence_field(d) for d in self.dimensions
        }
        return [self[name] for name in self.fields if name not in dimension_names]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values in the shape the grading services take."""
        data = self.cleaned_data
        out = {
            name: data[name] for name in self.fields if not name.startswith(("score_", "evidence_"))
        }
        out["scores"] = {
            d.pk: {
                "value": data.get(score_field(d)),
                "evidence": data.get(evidence_field(d), ""),
            }
            for d in self.dimensions
        }
        return out


class RatingForm(forms.Form):
    CHOICES = [(n, str(n)) for n in range(1, 6)]

    helpfulness = forms.TypedChoiceField(
        label="How helpful was their feedback?",
        choices=CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 not at all, 5 changed how I prepare.",
    )
    preparation = forms.TypedChoiceField(
        label="How well prepared were they?",
        choices=CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 improvised, 5 knew the question and the rubric cold.",
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
