"""Unsubscribing from optional emails with the signed link in each one.

No login: the signed token is the permission. An altered link answers 400 and
an expired one 410, each with a page that says so and points at the email
preferences; neither changes anything. GET only shows what the link
would switch off (mail scanners follow links); POST switches it off. Mail
clients that support RFC 8058 POST "List-Unsubscribe=One-Click" to the same
address without cookies, so that POST cannot carry a CSRF token.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .emails import UNSUBSCRIBE_MAX_AGE, UNSUBSCRIBE_TOPICS, read_unsubscribe_token


class LinkRefused(Exception):
    """A well-formed link we can't act on: `status` 400 (altered) or 410 (expired)."""

    def __init__(self, status: int):
        self.status = status


def _get_unsubscribe_target(token: str):
    """(profile, field, label) named by a valid token.

    Raises LinkRefused(410) for an expired token, LinkRefused(400) for an
    altered one, Http404 when its person is gone. Malformed shapes never get
    here (the URL converter 404s them).
    """
    try:
        user_id, topic = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        raise LinkRefused(410) from None
    except signing.BadSignature:
        raise LinkRefused(400) from None
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
    try:
        profile, field, label = _get_unsubscribe_target(token)
    except LinkRefused as refused:
        return render(
            request,
            "sessions/notifications/unsubscribe_refused.html",
            {"expired": refused.status == 410, "max_age_days": UNSUBSCRIBE_MAX_AGE.days},
            status=refused.status,
        )
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
