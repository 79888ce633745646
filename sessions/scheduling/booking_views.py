"""Scheduling actions: publish and withdraw slots, book, cancel, reschedule, and report or
dispute a no-show. The pages that only show (find, booking, my interviews, calendar) are
in views."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import onboarding_required
from sessions.grading import selectors as grading_selectors
from sessions.timeutils import format_duration

from . import selectors, services
from .access import booking_for, no_show_report_against, own_slot, reschedule_for, show_error
from .availability_models import AvailabilitySchedule
from .forms import (
    BookForm,
    CancelForm,
    NoShowDisputeForm,
    NoShowReportForm,
    PublishForm,
    RescheduleForm,
)
from .models import Booking, InterviewType, Slot
from .views import render_booking

# --- Publishing --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@onboarding_required
def publish(request: HttpRequest) -> HttpResponse:
    profile = request.user.profile
    tomorrow = (timezone.localtime(timezone=profile.zone) + timedelta(days=1)).date()
    form = PublishForm(
        request.POST or None,
        initial={
            "day": tomorrow,
            "interview_type": request.GET.get("type") or InterviewType.SYSTEM_DESIGN,
            "host_role": "interviewer",
            "level": profile.target_level,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.publish_slots(
                host=request.user,
                first_day=data["day"],
                start_time=data["start_time"],
                interview_type=data["interview_type"],
                host_role=data["host_role"],
                level=data["level"],
                minutes=data["minutes"],
                note=data["note"],
                question=data["question"],
                topic=data["topic"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your slot is published.")
            return redirect("sessions:mine")
    has_schedule = AvailabilitySchedule.objects.filter(host=request.user).exists()
    return render(
        request,
        "sessions/scheduling/publish.html",
        {"form": form, "zone": profile.timezone, "has_schedule": has_schedule},
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_slot(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirm page first; only a POST with confirm=yes withdraws (undo: Withdrawn slots)."""
    slot = own_slot(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.withdraw_slot(slot=slot, by=request.user)
        except services.SchedulingError as exc:
            show_error(request, exc)
            return redirect("sessions:mine")
        messages.success(request, "The slot is withdrawn. Changed your mind? Restore it below.")
        return redirect("sessions:withdrawn_slots")
    return render(request, "sessions/scheduling/withdraw_slot.html", {"slot": slot})


# --- Booking ----------------------------------------------------------------------


def _posted(request: HttpRequest):
    """The POST data on a POST, even when empty (a bound form then reports what is missing)."""
    return request.POST if request.method == "POST" else None


def _my_booking_of(slot: Slot, user) -> Booking | None:
    """The viewer's own live booking of this slot, if they are its guest."""
    return (
        Booking.objects.filter(slot=slot, guest=user)
        .exclude(status=Booking.Status.CANCELLED)
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
@onboarding_required
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        grading_selectors.with_host_record(
            Slot.objects.exclude(status=Slot.Status.WITHDRAWN).select_related("question")
        ),
        pk=pk,
    )
    if slot.host_id == request.user.pk:
        messages.info(request, "That is your own slot.")
        return redirect("sessions:mine")
    mine = _my_booking_of(slot, request.user) if slot.status == Slot.Status.BOOKED else None
    if mine is not None:
        # A reload or a second click after booking: it is theirs, not "taken".
        if request.method == "POST":
            messages.info(request, "You have already booked this slot.")
            return redirect("sessions:booking", pk=mine.pk)
        return render(request, "sessions/scheduling/book.html", {"slot": slot, "mine": mine})
    may_choose = services.guest_may_choose(slot)
    form = BookForm(_posted(request), slot=slot) if may_choose else None
    if request.method == "POST" and (form is None or form.is_valid()):
        wish = form.cleaned_data if form is not None else {}
        try:
            booking = services.book_slot(
                slot=slot,
                guest=request.user,
                question=wish.get("question"),
                topic=wish.get("topic", ""),
            )
        except services.SchedulingError as exc:
            show_error(request, exc)
            return redirect("sessions:find")
        messages.success(request, "Booked. You both have the meeting link and a calendar invite.")
        return redirect("sessions:booking", pk=booking.pk)
    if slot.status != Slot.Status.OPEN:
        messages.error(request, services.not_open_message(slot))
        return redirect("sessions:find")
    if slot.starts_at <= timezone.now():
        messages.error(request, "This slot has already started. Pick a later one.")
        return redirect("sessions:find")
    clash = selectors.clashes(
        user=request.user, starts_at=slot.starts_at, ends_at=slot.ends_at
    ).first()
    slot.rating = grading_selectors.host_rating(slot)
    minutes = int(slot.duration / timedelta(minutes=1))
    return render(
        request,
        "sessions/scheduling/book.html",
        {"slot": slot, "clash": clash, "minutes": minutes, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The cancel page: the reason, whether it will count as late, and a confirm button.

    The booking page's form lands here first; only a POST carrying
    confirm=yes cancels, so nothing happens without a second, explicit step.
    """
    booking = booking_for(request.user, pk)
    now = timezone.now()
    if booking.status != Booking.Status.CONFIRMED or booking.starts_at <= now:
        messages.error(
            request,
            "This interview is already cancelled."
            if booking.status == Booking.Status.CANCELLED
            else "This interview has already started, so it can't be cancelled.",
        )
        return redirect("sessions:booking", pk=booking.pk)
    form = CancelForm(_posted(request))
    confirmed = request.POST.get("confirm") == "yes"
    if request.method == "POST" and confirmed and form.is_valid():
        try:
            booking = services.cancel_booking(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.SchedulingError as exc:
            show_error(request, exc)
        else:
            note = " It counts as a late cancellation." if booking.late_cancellation else ""
            messages.success(
                request, f"The interview is cancelled and the other person is told.{note}"
            )
        return redirect("sessions:booking", pk=booking.pk)
    if request.method == "POST" and not confirmed:
        # First step from the booking page: show the reason back with what it will mean.
        form = CancelForm(initial={"reason": request.POST.get("reason", "")})
    return render(
        request,
        "sessions/scheduling/cancel.html",
        {
            "booking": booking,
            "other": booking.other_participant(request.user),
            "form": form,
            "is_late": services.cancellation_would_be_late(
                booking=booking, by=request.user, now=now
            ),
            "starts_in_label": format_duration(booking.starts_at - now),
        },
        status=400 if request.method == "POST" and confirmed else 200,
    )


@login_required
@require_POST
def propose_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    form = RescheduleForm(request.POST, zone=request.user.profile.zone)
    if form.is_valid():
        try:
            services.propose_reschedule(
                booking=booking,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            # The time itself is wrong (past, too soon, too far, unchanged).
            form.add_error("start_time", exc)
        except services.SchedulingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "New time proposed. The booking moves once they accept.")
            return redirect("sessions:booking", pk=booking.pk)
    # Errors beside the fields, with what was typed still in them.
    return render_booking(request, booking, reschedule_form=form, status=400)


@login_required
@require_POST
def answer_reschedule(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    proposal = reschedule_for(request.user, pk)
    actions = {
        "accept": (services.accept_reschedule, "The interview has moved to the new time."),
        "decline": (services.decline_reschedule, "You declined the new time; the booking stays."),
        "withdraw": (services.withdraw_reschedule, "Your proposal is withdrawn."),
    }
    action, success = actions[answer]
    try:
        action(request=proposal, by=request.user)
    except services.SchedulingError as exc:
        show_error(request, exc)
    else:
        messages.success(request, success)
    return redirect("sessions:booking", pk=proposal.booking_id)


# --- No-shows ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirm page first; only a POST with confirm=yes files the report."""
    booking = booking_for(request.user, pk)
    other = booking.other_participant(request.user)
    refusal = services.no_show_refusal(booking=booking, by=request.user)
    form = NoShowReportForm(_posted(request))
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.report_no_show(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.SchedulingError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                f"Reported. {other.display_name} is told and has 72 hours to dispute it; "
                "it counts only after that, or once the team confirms it.",
            )
        return redirect("sessions:booking", pk=booking.pk)
    return render(
        request,
        "sessions/scheduling/no_show_report.html",
        {
            "booking": booking,
            "other": other,
            "refusal": refusal,
            "form": form,
            "dispute_hours": int(services.DISPUTE_WINDOW.total_seconds() // 3600),
        },
        status=400 if request.method == "POST" and refusal else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    report = no_show_report_against(request.user, pk)
    form = NoShowDisputeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_no_show(
                report=report, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.SchedulingError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                "Disputed. Nothing counts against you while the team looks at it; "
                "you'll hear from us by email.",
            )
        return redirect("sessions:booking", pk=report.booking_id)
    return render(
        request,
        "sessions/scheduling/no_show_dispute.html",
        {
            "report": report,
            "booking": report.booking,
            "other": report.reporter,
            "form": form,
            "open": report.can_be_disputed(),
        },
        status=400 if request.method == "POST" else 200,
    )
