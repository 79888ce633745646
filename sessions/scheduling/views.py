"""Scheduling pages: find and publish slots, book, the booking page, cancel, reschedule,
no-shows, calendar files and feed, and my interviews. The room page is in room_views."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Profile
from sessions.grading import selectors as grading_selectors

from . import selectors, services
from .access import booking_for, own_slot, reschedule_for, show_error
from .calendar import build_feed, build_ics
from .forms import CancelForm, PublishForm, RescheduleForm, SlotFilterForm
from .models import Booking, InterviewType, RescheduleRequest, Slot
from .phases import round_window

SLOTS_PER_PAGE = 20


# --- Finding and publishing ---------------------------------------------------------


@login_required
@require_GET
def find_slots(request: HttpRequest) -> HttpResponse:
    form = SlotFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    slots = grading_selectors.with_host_record(
        selectors.open_slots_for(viewer=request.user, **filters)
    )
    page = Paginator(slots, SLOTS_PER_PAGE).get_page(request.GET.get("page"))
    for slot in page:
        slot.rating = grading_selectors.host_rating(slot)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sessions/scheduling/find.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
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
            "weeks": 1,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.publish_slots(
                host=request.user,
                first_day=data["day"],
                start_time=data["start_time"],
                interview_type=data["interview_type"],
                host_role=data["host_role"],
                level=data["level"],
                minutes=data["minutes"],
                note=data["note"],
                weekdays=data["weekdays"],
                weeks=data["weeks"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            count = len(slots)
            messages.success(
                request,
                "Your slot is published." if count == 1 else f"{count} slots are published.",
            )
            return redirect("sessions:mine")
    return render(
        request, "sessions/scheduling/publish.html", {"form": form, "zone": profile.timezone}
    )


@login_required
@require_POST
def withdraw_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = own_slot(request.user, pk)
    try:
        services.withdraw_slot(slot=slot, by=request.user)
    except services.SchedulingError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "The slot is withdrawn.")
    return redirect("sessions:mine")


# --- Booking ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        grading_selectors.with_host_record(Slot.objects.exclude(status=Slot.Status.WITHDRAWN)),
        pk=pk,
    )
    if request.method == "POST":
        try:
            booking = services.book_slot(slot=slot, guest=request.user)
        except services.SchedulingError as exc:
            show_error(request, exc)
            return redirect("sessions:find")
        messages.success(request, "Booked. You both have the meeting link and a calendar invite.")
        return redirect("sessions:booking", pk=booking.pk)
    if slot.host_id == request.user.pk:
        messages.info(request, "That is your own slot.")
        return redirect("sessions:mine")
    if slot.status != Slot.Status.OPEN:
        messages.error(request, services.SLOT_TAKEN)
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
        request, "sessions/scheduling/book.html", {"slot": slot, "clash": clash, "minutes": minutes}
    )


@login_required
@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    now = timezone.now()
    other = booking.other_participant(request.user)
    zone = request.user.profile.zone
    rounds = list(booking.rounds.select_related("interviewer__profile", "candidate__profile"))
    for r in rounds:
        r.window = round_window(booking, r.number)
    upcoming = booking.status == Booking.Status.CONFIRMED and booking.starts_at > now
    return render(
        request,
        "sessions/scheduling/booking.html",
        {
            "booking": booking,
            "other": other,
            "other_rating": grading_selectors.rating_summary(other)[0],
            "rounds": rounds,
            "pending": selectors.pending_reschedule(booking),
            "can_change": upcoming,
            "is_late": upcoming and booking.starts_at - now < services.LATE_CANCELLATION,
            "can_report_no_show": (
                booking.status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)
                and booking.starts_at <= now <= booking.ends_at + services.NO_SHOW_REPORT_DEADLINE
            ),
            "cancel_form": CancelForm(),
            "reschedule_form": RescheduleForm(
                zone=zone, initial={"day": timezone.localtime(booking.starts_at, zone).date()}
            ),
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say in a sentence why you are cancelling.")
        return redirect("sessions:booking", pk=booking.pk)
    try:
        booking = services.cancel_booking(
            booking=booking, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.SchedulingError as exc:
        show_error(request, exc)
    else:
        note = " It counts as a late cancellation." if booking.late_cancellation else ""
        messages.success(request, f"The interview is cancelled and the other person is told.{note}")
    return redirect("sessions:booking", pk=booking.pk)


@login_required
@require_POST
def propose_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    form = RescheduleForm(request.POST, zone=request.user.profile.zone)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("sessions:booking", pk=booking.pk)
    try:
        services.propose_reschedule(
            booking=booking,
            by=request.user,
            starts_at=form.cleaned_data["starts_at"],
            message=form.cleaned_data["message"],
        )
    except (services.SchedulingError, ValidationError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, "New time proposed. The booking moves once they accept.")
    return redirect("sessions:booking", pk=booking.pk)


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


@login_required
@require_POST
def report_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    try:
        services.report_no_show(booking=booking, by=request.user)
    except services.SchedulingError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "Recorded. Thank you for telling us.")
    return redirect("sessions:booking", pk=booking.pk)


# --- Calendar ---------------------------------------------------------------------


def _calendar_response(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    return _calendar_response(build_ics(booking), f"interview-{booking.pk}.ics")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # The secret token is the credential: calendar apps can't log in.
    profile = get_object_or_404(Profile.objects.select_related("user"), calendar_token=token)
    return _calendar_response(build_feed(profile.user))


# --- My interviews ----------------------------------------------------------------


@login_required
@require_GET
def my_interviews(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    upcoming = list(selectors.upcoming_bookings(user, now=now))
    incoming = list(
        RescheduleRequest.objects.filter(
            Q(booking__host=user) | Q(booking__guest=user),
            status=RescheduleRequest.Status.PENDING,
            booking__status=Booking.Status.CONFIRMED,
        )
        .exclude(proposed_by=user)
        .select_related("booking", "proposed_by__profile")
    )
    return render(
        request,
        "sessions/scheduling/mine.html",
        {
            "upcoming": upcoming,
            "incoming": incoming,
            "feedback_rounds": grading_selectors.rounds_needing_feedback(user, now=now),
            "past": selectors.past_bookings(user, now=now)[:50],
            "cancelled": selectors.cancelled_bookings(user)[:50],
            "open_slots": selectors.open_slots_of(user, now=now),
            "now": now,
        },
    )
