"""Grading answers what scheduling asks: did this session evidently take place?

Connected once, in the app's ready().
"""

from django.db.models import Q

from sessions.scheduling import signals

from .models import InterviewerRating, Scorecard

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


def connect() -> None:
    """Connect every receiver; calling it again connects nothing twice."""
    signals.session_evidence.connect(session_evidence, dispatch_uid=f"{__name__}.session_evidence")
