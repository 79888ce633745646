import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import DeleteAccountForm, NotificationPreferencesForm, ProfileForm, WelcomeForm
from .models import Profile, new_calendar_token
from .signals import profile_zone_changed


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


def _announce_zone_change(user, form) -> None:
    if "timezone" in form.changed_data:
        profile_zone_changed.send(sender=Profile, user=user)


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    """The first-run step: levels, focus areas, zone and clock, then on to ?next= or the
    dashboard. Until it is saved, peers see "level not set" and the publish, book
    and practice pages send the person here (accounts.decorators)."""
    profile = _own_profile(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = WelcomeForm(request.POST or None, instance=profile, prefix="welcome")
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        profile.onboarded_at = profile.onboarded_at or timezone.now()
        profile.save(update_fields=[*WelcomeForm.Meta.fields, "onboarded_at"])
        _announce_zone_change(request.user, form)
        messages.success(request, "You're set. Publish a slot or find a peer to practise with.")
        return redirect(next_url or "sessions:dashboard")
    return render(
        request,
        "accounts/welcome.html",
        {"form": form, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=profile, prefix="profile")
    if form.is_valid():
        form.save(commit=False)
        profile.save(update_fields=ProfileForm.Meta.fields)
        _announce_zone_change(request.user, form)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    prefs = NotificationPreferencesForm(instance=request.user.profile, prefix="prefs")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "prefs": prefs, "now": timezone.now()},
    )


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


@login_required
@reauthentication_required
@require_GET
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the requester, as one JSON file (recent sign-in needed)."""
    data = services.export_personal_data(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"interviewprep-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Leave: the account is anonymised, not deleted (recent sign-in and typed confirmation)."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.anonymise_user(user=request.user, by=request.user)
        logout(request)
        messages.success(
            request,
            "Your account is deleted. Your partners keep your shared interviews, "
            "shown as from a former member.",
        )
        return redirect("home")
    return render(
        request,
        "accounts/delete_account.html",
        {
            "form": form,
            "kept": services.KEPT_ON_DELETION,
            "removed": services.REMOVED_ON_DELETION,
        },
        status=400 if request.method == "POST" else 200,
    )
