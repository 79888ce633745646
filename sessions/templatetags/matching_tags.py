"""Practice now on pages of lower layers: `{% practice_now_panel user %}` on the dashboard.

The dashboard belongs to grading, which must not import matching; the template
asks for this panel instead, and only this tag reads matching's selectors.
"""

from django import template

from sessions.matching import selectors

register = template.Library()


@register.inclusion_tag("sessions/matching/_dashboard_panel.html")
def practice_now_panel(user) -> dict:
    """The viewer's waiting requests and median wait, and everyone's over 30 days."""
    mine, my_count = selectors.median_wait(user)
    everyone, all_count = selectors.median_wait()
    return {
        "waiting": selectors.requests_of(user).filter(status="waiting").count(),
        "my_wait": selectors.describe_wait(mine),
        "my_count": my_count,
        "all_wait": selectors.describe_wait(everyone),
        "all_count": all_count,
    }
