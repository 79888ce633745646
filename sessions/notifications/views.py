"""Unsubscribing from optional emails with the signed link in each one.

No login: the signed token is the permission. GET only shows what the link
would switch off (mail scanners follow links); POST switches it off. Mail
clients that support RFC 8058 POST "List-Unsubscribe=One-Click" to the same
address without cookies, so that POST cannot carry a CSRF token.
"""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .emails import UNSUBSCRIBE_TOPICS, read_unsubscribe_token


def _get_unsubscribe_target(token: str):
    """(profile, field, label) named by a valid token; 404 for anything else."""
    parsed = read_unsubscribe_token(token)
    if parsed is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, topic = parsed
    user = (
        get_user_model()
        .objects.select_related("profile")
        .filter(pk=user_id, is_active=True)
        .first()
    )
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    field, label = UNSUBSCRIBE_TOPICS[topic]
    return user.profile, field, label


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    profile, field, label = _get_unsubscribe_target(token)
    if request.method == "POST":
        if getattr(profile, field):
            setattr(profile, field, False)
            profile.save(update_fields=[field])
        return render(
            request,
            "sessions/notifications/unsubscribed.html",
            {"label": label, "email": profile.user.email},
        )
    return render(
        request,
        "sessions/notifications/unsubscribe.html",
        {
            "label": label,
            "email": profile.user.email,
            "already_off": not getattr(profile, field),
        },
    )
