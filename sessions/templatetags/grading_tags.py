from django import template

from sessions.grading.selectors import RatingSummary, interviewer_rating

register = template.Library()


@register.simple_tag
def rating_of(user) -> RatingSummary | None:
    """`{% rating_of person as rating %}`: the interviewer's average, or None under 3 ratings."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return interviewer_rating(user)
