from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .forms import NotificationPreferencesForm, ProfileForm
from .models import Profile, new_calendar_token


def _own_profile(request: HttpRequest) -> Profile:
    """The requester's profile, freshly loaded.

    No URL carries a user id, so nobody can reach another person's profile.
    A fresh copy keeps a rejected form's values off request.user.profile, which
    the page header and the time-zone middleware read.
    """
    return Profile.objects.select_related("user").get(user=request.user)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("sessions:dashboard")
    return render(request, "home.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=profile, prefix="profile")
    if form.is_valid():
        form.save(commit=False)
        profile.save(update_fields=ProfileForm.Meta.fields)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    prefs = NotificationPreferencesForm(instance=request.user.profile, prefix="prefs")
    return render(request, "accounts/profile.html", {"form": form, "prefs": prefs})


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = NotificationPreferencesForm(request.POST, instance=profile, prefix="prefs")
    if form.is_valid():
        form.save(commit=False)
        profile.save(update_fields=NotificationPreferencesForm.Meta.fields)
        messages.success(request, "Your email preferences are saved.")
    else:
        messages.error(request, "Those email preferences could not be saved.")
    return redirect("profile")


@login_required
@require_POST
def rotate_calendar_token(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    messages.success(
        request, "Your old calendar feed address no longer works. Subscribe with the new one."
    )
    return redirect("profile")
