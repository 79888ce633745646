"""Weekly availability pages: the schedule (hours, overrides, rules), withdrawing and
restoring it, and the withdrawn slots a person can bring back.

A person sees and edits only their own schedule: there is one per person and
no page names anyone else's; pages about a schedule they don't have are 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import onboarding_required

from . import services
from .access import own_slot, show_error
from .availability_forms import AvailabilityForm, example_interval
from .availability_models import AvailabilitySchedule
from .models import Slot

# The schedule page lists this many of the next occurrences, and the withdrawn page this many slots.
SHOWN = 20


def _own_schedule(user) -> AvailabilitySchedule:
    return get_object_or_404(AvailabilitySchedule, host=user)


def _report(request: HttpRequest, report: services.MaterialiseReport) -> None:
    for message in report.skipped:
        messages.warning(request, f"Not published: {message}")
    if report.outside_hours:
        listed = "; ".join(services.describe_booked(s) for s in report.outside_hours)
        messages.warning(
            request,
            f"These booked interviews are outside your new hours and stay booked: {listed}. "
            "Cancel them from their pages if you can't make them.",
        )


@login_required
@require_http_methods(["GET", "POST"])
@onboarding_required
def availability(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    profile = user.profile
    schedule = (
        AvailabilitySchedule.objects.filter(host=user)
        .prefetch_related("weekly_hours", "overrides")
        .first()
    )
    form = AvailabilityForm(
        request.POST if request.method == "POST" else None,
        initial=AvailabilityForm.initial_from(schedule, profile=profile, now=now),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule, report = services.save_schedule(
                host=user,
                weekly=data["weekly"],
                overrides=data["override_hours"],
                interview_type=data["interview_type"],
                host_role=data["host_role"],
                level=data["level"],
                minutes=data["minutes"],
                note=data["note"],
                question=data["question"],
                topic=data["topic"],
                buffer_before=timedelta(minutes=data["buffer_before"]),
                buffer_after=timedelta(minutes=data["buffer_after"]),
                min_notice=timedelta(hours=data["min_notice_hours"]),
                daily_cap=data["daily_cap"],
                horizon_weeks=data["horizon_weeks"],
                now=now,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Your weekly availability is published: "
                f"{schedule.occurrences.filter(status=Slot.Status.OPEN, starts_at__gt=now).count()}"
                f" open times in the next {schedule.horizon_weeks} weeks, more every hour.",
            )
            _report(request, report)
            return redirect("sessions:availability")
    upcoming = (
        list(
            schedule.occurrences.filter(starts_at__gt=now)
            .exclude(status=Slot.Status.WITHDRAWN)
            .order_by("starts_at")[:SHOWN]
        )
        if schedule
        else []
    )
    return render(
        request,
        "sessions/scheduling/availability.html",
        {
            "form": form,
            "schedule": schedule,
            "upcoming": upcoming,
            "zone": profile.timezone,
            "example": example_interval((14, 18)),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_availability(request: HttpRequest) -> HttpResponse:
    """A confirm page first; only a POST with confirm=yes withdraws."""
    schedule = _own_schedule(request.user)
    now = timezone.now()
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            removed = services.withdraw_schedule(schedule=schedule, by=request.user, now=now)
        except ValidationError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                f"Your weekly availability is withdrawn: {removed} open times are taken down; "
                "booked interviews stay. Restore it below to publish again.",
            )
        return redirect("sessions:availability")
    booked = schedule.occurrences.filter(status=Slot.Status.BOOKED, starts_at__gt=now).count()
    unbooked = schedule.occurrences.filter(
        status__in=[Slot.Status.OPEN, Slot.Status.HELD], starts_at__gt=now
    ).count()
    return render(
        request,
        "sessions/scheduling/availability_withdraw.html",
        {"schedule": schedule, "booked": booked, "unbooked": unbooked},
    )


@login_required
@require_POST
def restore_availability(request: HttpRequest) -> HttpResponse:
    schedule = _own_schedule(request.user)
    try:
        report = services.restore_schedule(schedule=schedule, by=request.user)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request, f"Your weekly availability is published again: {report.created} open times."
        )
        _report(request, report)
    return redirect("sessions:availability")


@login_required
@require_GET
def withdrawn_slots(request: HttpRequest) -> HttpResponse:
    """The person's future withdrawn slots, each with Restore: the undo of a withdrawal."""
    slots = Slot.objects.filter(
        host=request.user, status=Slot.Status.WITHDRAWN, starts_at__gt=timezone.now()
    ).order_by("starts_at")[:SHOWN]
    return render(request, "sessions/scheduling/withdrawn_slots.html", {"slots": slots})


@login_required
@require_POST
def restore_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = own_slot(request.user, pk)
    try:
        slot = services.restore_slot(slot=slot, by=request.user)
    except (ValidationError, services.SchedulingError) as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            "The slot is open again."
            if slot.status == Slot.Status.OPEN
            else "The slot is back, held for now: your daily limit or buffers keep it closed.",
        )
    return redirect("sessions:withdrawn_slots")
