"""Grading's part when a person asks for their data (accounts.signals).

Scorecards they wrote (drafts too), scorecards about them only once the reveal
rule lets them read those, ratings they gave, and ratings they received the way
the site treats them: scores and dates, without the rater or the comment (the
site never shows either to the interviewer). Leaving changes nothing here:
scorecards and ratings are the peer's history and stay, the leaver shown as
"a former member".
"""

from accounts.signals import personal_data_requested

from .models import InterviewerRating, Scorecard
from .selectors import revealed_scorecards_for


def _scorecard(card: Scorecard, *, as_grader: bool) -> dict:
    data = {
        "round_id": card.round_id,
        "booking_id": card.booking_id,
        "interview_type": card.interview_type,
        "rubric": f"{card.rubric.title} v{card.rubric.version}",
        "session_ended_at": card.session_ended_at,
        "status": card.status,
        "submitted_at": card.submitted_at,
        "recommendation": card.recommendation,
        "level_calibration": card.level_calibration,
        "strengths": card.strengths,
        "improvements": card.improvements,
        "notes": card.notes,
        "clarifying_minutes": card.clarifying_minutes,
        "scores": [
            {"dimension": s.dimension.name, "score": s.value, "evidence": s.evidence}
            for s in card.scores.all()
        ],
    }
    if as_grader:
        data["candidate"] = card.candidate.display_name
    else:
        data["grader"] = card.grader.display_name
    return data


def on_personal_data_requested(sender, *, user, now=None, **kwargs) -> dict:
    related = ("rubric", "grader__profile", "candidate__profile")
    scores = "scores__dimension"
    written = (
        Scorecard.objects.filter(grader=user)
        .select_related(*related)
        .prefetch_related(scores)
        .order_by("session_ended_at")
    )
    received = (
        revealed_scorecards_for(user, now)
        .select_related(*related)
        .prefetch_related(scores)
        .order_by("session_ended_at")
    )
    given = InterviewerRating.objects.filter(rater=user).select_related("interviewer__profile")
    got = InterviewerRating.objects.filter(interviewer=user)
    return {
        "scorecards_written": [_scorecard(c, as_grader=True) for c in written],
        "scorecards_received": [_scorecard(c, as_grader=False) for c in received],
        "ratings_given": [
            {
                "round_id": r.round_id,
                "interviewer": r.interviewer.display_name,
                "helpfulness": r.helpfulness,
                "preparation": r.preparation,
                "comment": r.comment,
                "rated_at": r.created_at,
            }
            for r in given.order_by("created_at")
        ],
        "ratings_received": [
            {"helpfulness": r.helpfulness, "preparation": r.preparation, "rated_at": r.created_at}
            for r in got.order_by("created_at")
        ],
    }


def connect() -> None:
    personal_data_requested.connect(
        on_personal_data_requested, dispatch_uid=f"{__name__}.on_personal_data_requested"
    )
