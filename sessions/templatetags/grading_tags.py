from django import template

from sessions.grading.models import InterviewerRating, Scorecard
from sessions.grading.selectors import (
    RatingSummary,
    interviewer_rating,
    is_revealed,
    reveal_deadline,
)

register = template.Library()


@register.simple_tag
def rating_of(user) -> RatingSummary | None:
    """`{% rating_of person as rating %}`: the interviewer's average, or None under 3 ratings."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return interviewer_rating(user)


@register.simple_tag
def round_feedback(round, user) -> dict | None:
    """`{% round_feedback round user as feedback %}`: where `user` stands with the
    round's grading, for pages outside grading (the booking page).

    For the interviewer: `scorecard` (or None) and `submitted`. For the
    candidate: `submitted` (the interviewer's scorecard is in), `revealed`
    (the candidate may read it now), `deadline` (when it shows at the latest)
    and `rated` (they rated the interviewer). None for anyone else.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    scorecard = Scorecard.objects.filter(round=round).first()
    submitted = bool(scorecard and scorecard.is_submitted)
    if round.interviewer_id == user.pk:
        return {"role": "interviewer", "scorecard": scorecard, "submitted": submitted}
    if round.candidate_id == user.pk:
        return {
            "role": "candidate",
            "submitted": submitted,
            "revealed": submitted and is_revealed(scorecard),
            "deadline": reveal_deadline(round.booking),
            "rated": InterviewerRating.objects.filter(round=round).exists(),
        }
    return None
