"""View decorators of accounts."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

WELCOME_FIRST = "First choose your levels and time zone: it takes a minute, and peers see them."


def onboarding_required(view):
    """Send a person who has not finished the welcome step there first, then back.

    Put it under @login_required. Used on the pages that show the person to
    peers: publishing a slot, booking one, asking for practice.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.profile.is_onboarded:
            messages.info(request, WELCOME_FIRST)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('welcome')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
