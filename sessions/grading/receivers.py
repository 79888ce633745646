"""Grading's receivers, connected once in the app's ready().

- What scheduling asks: did this session evidently take place? (no-show reports)
- Grading's part when a person asks for their data (accounts.signals).

Scorecards they wrote (drafts too), scorecards about them only once the reveal
rule lets them read those, ratings they gave, and ratings they received the way
the site treats them: scores and dates, without the rater or the comment (the
site never shows either to the interviewer). Leaving changes nothing here:
scorecards and ratings are the peer's history and stay, the leaver shown as
"a former member".
"""

from django.db.models import Q

from accounts.signals import personal_data_requested
from sessions.scheduling import signals

from .models import InterviewerRating, Scorecard
from .selectors import revealed_scorecards_for

# A reporter's scorecard counts as evidence once it says something: the page
# creates an empty draft as soon as it is opened.
_WRITTEN = (
    Q(status=Scorecard.Status.SUBMITTED)
    | ~Q(strengths="")
    | ~Q(improvement_1="")
    | ~Q(recommendation="")
    | ~Q(level_calibration="")
    | Q(scores__value__isnull=False)
    | ~Q(scores__evidence="")
)


def session_evidence(sender, *, booking, accused, reporter, **kwargs) -> list[str]:
    """Any scorecard the accused started, a rating they gave, or a scorecard
    the reporter wrote about this booking shows the session took place."""
    clauses = []
    if Scorecard.objects.filter(booking=booking, grader=accused).exists():
        clauses.append(f"{accused.display_name} started a scorecard for it")
    if InterviewerRating.objects.filter(round__booking=booking, rater=accused).exists():
        clauses.append(f"{accused.display_name} rated their interviewer")
    if Scorecard.objects.filter(_WRITTEN, booking=booking, grader=reporter).exists():
        clauses.append(f"you wrote a scorecard for {accused.display_name}")
    return clauses


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
    """Connect every receiver; calling it again connects nothing twice."""
    signals.session_evidence.connect(session_evidence, dispatch_uid=f"{__name__}.session_evidence")
    personal_data_requested.connect(
        on_personal_data_requested, dispatch_uid=f"{__name__}.on_personal_data_requested"
    )
