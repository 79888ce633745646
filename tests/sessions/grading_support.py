"""Builders shared by the grading, rubric and dashboard tests."""

from datetime import timedelta

from django.utils import timezone

from sessions.models import Rubric
from tests.factories import make_booking


def past_booking(*, ended_ago=timedelta(hours=1), minutes=60, **kwargs):
    """A confirmed booking that has already happened (ended `ended_ago` ago)."""
    rounds = 2 if kwargs.get("host_role") == "swap" else 1
    starts_at = timezone.now() - ended_ago - timedelta(minutes=minutes * rounds)
    return make_booking(starts_at=starts_at.replace(microsecond=0), minutes=minutes, **kwargs)


def complete_data(interview_type="system_design", *, value=3, rubric=None) -> dict:
    """Everything submit_scorecard needs for the active rubric of a type."""
    rubric = rubric or Rubric.objects.get(interview_type=interview_type, active=True)
    return {
        "scores": {
            d.pk: {"value": value, "evidence": f"Observed for {d.name}."}
            for d in rubric.dimensions.all()
        },
        "recommendation": "yes",
        "level_calibration": "senior",
        "strengths": "Asked about the read/write ratio before drawing anything.",
        "improvement_1": "Say the SLA out loud and design to it.",
        "improvement_2": "Estimate storage before choosing a database.",
        "improvement_3": "Summarise decisions at the end.",
    }


def form_data(rubric, *, value=3, action="submit") -> dict:
    """The scorecard page's POST for a complete scorecard."""
    data = {
        "action": action,
        "recommendation": "yes",
        "level_calibration": "senior",
        "strengths": "Clarified the use case first.",
        "improvement_1": "Name what you would trade for simplicity.",
        "improvement_2": "",
        "improvement_3": "",
        "notes": "",
    }
    for d in rubric.dimensions.all():
        data[f"score_{d.key}"] = str(value)
        data[f"evidence_{d.key}"] = f"Evidence for {d.name}."
    return data
