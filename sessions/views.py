import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Profile

from . import selectors, services
from .calendar import build_feed, build_ics
from .forms import CancelForm, PublishForm, RescheduleForm, SlotFilterForm
from .models import Booking, InterviewType, RescheduleRequest, Round, Slot
from .phases import current_round_number, plan_for, round_window

SLOTS_PER_PAGE = 20


# --- Access helpers: strangers get 404, never someone else's data ---------------


def _booking_for(user, pk: int) -> Booking:
    return get_object_or_404(selectors.bookings_of(user), pk=pk)


def _round_for_interviewer(user, round_id: int) -> Round:
    return get_object_or_404(Round.objects.select_related("booking"), pk=round_id, interviewer=user)


def _reschedule_for(user, pk: int) -> RescheduleRequest:
    return get_object_or_404(
        RescheduleRequest.objects.filter(Q(booking__host=user) | Q(booking__guest=user)),
        pk=pk,
    )


def _own_slot(user, pk: int) -> Slot:
    return get_object_or_404(Slot, pk=pk, host=user)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or (
        request.content_type == "application/json"
    )


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, getattr(exc, "message", str(exc)))


# --- Finding and publishing ---------------------------------------------------------


@login_required
@require_GET
def find_slots(request: HttpRequest) -> HttpResponse:
    form = SlotFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    slots = selectors.open_slots_for(viewer=request.user, **filters)
    page = Paginator(slots, SLOTS_PER_PAGE).get_page(request.GET.get("page"))
    for slot in page:
        slot.rating = selectors.host_rating(slot)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sessions/find.html",
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
    return render(request, "sessions/publish.html", {"form": form, "zone": profile.timezone})


@login_required
@require_POST
def withdraw_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _own_slot(request.user, pk)
    try:
        services.withdraw_slot(slot=slot, by=request.user)
    except services.SchedulingError as exc:
        _error(request, exc)
    else:
        messages.success(request, "The slot is withdrawn.")
    return redirect("sessions:mine")


# --- Booking ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(
        selectors.with_host_record(Slot.objects.exclude(status=Slot.Status.WITHDRAWN)), pk=pk
    )
    if request.method == "POST":
        try:
            booking = services.book_slot(slot=slot, guest=request.user)
        except services.SchedulingError as exc:
            _error(request, exc)
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
    slot.rating = selectors.host_rating(slot)
    minutes = int(slot.duration / timedelta(minutes=1))
    return render(request, "sessions/book.html", {"slot": slot, "clash": clash, "minutes": minutes})


@login_required
@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request.user, pk)
    now = timezone.now()
    other = booking.other_participant(request.user)
    zone = request.user.profile.zone
    rounds = list(booking.rounds.select_related("interviewer__profile", "candidate__profile"))
    for r in rounds:
        r.window = round_window(booking, r.number)
    upcoming = booking.status == Booking.Status.CONFIRMED and booking.starts_at > now
    return render(
        request,
        "sessions/booking.html",
        {
            "booking": booking,
            "other": other,
            "other_rating": selectors.rating_summary(other)[0],
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
    booking = _booking_for(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say in a sentence why you are cancelling.")
        return redirect("sessions:booking", pk=booking.pk)
    try:
        booking = services.cancel_booking(
            booking=booking, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.SchedulingError as exc:
        _error(request, exc)
    else:
        note = " It counts as a late cancellation." if booking.late_cancellation else ""
        messages.success(request, f"The interview is cancelled and the other person is told.{note}")
    return redirect("sessions:booking", pk=booking.pk)


@login_required
@require_POST
def propose_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request.user, pk)
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
        _error(request, exc)
    else:
        messages.success(request, "New time proposed. The booking moves once they accept.")
    return redirect("sessions:booking", pk=booking.pk)


@login_required
@require_POST
def answer_reschedule(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    proposal = _reschedule_for(request.user, pk)
    actions = {
        "accept": (services.accept_reschedule, "The interview has moved to the new time."),
        "decline": (services.decline_reschedule, "You declined the new time; the booking stays."),
        "withdraw": (services.withdraw_reschedule, "Your proposal is withdrawn."),
    }
    action, success = actions[answer]
    try:
        action(request=proposal, by=request.user)
    except services.SchedulingError as exc:
        _error(request, exc)
    else:
        messages.success(request, success)
    return redirect("sessions:booking", pk=proposal.booking_id)


@login_required
@require_POST
def report_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request.user, pk)
    try:
        services.report_no_show(booking=booking, by=request.user)
    except services.SchedulingError as exc:
        _error(request, exc)
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
    booking = _booking_for(request.user, pk)
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
        "sessions/mine.html",
        {
            "upcoming": upcoming,
            "incoming": incoming,
            "feedback_rounds": selectors.rounds_needing_feedback(user, now=now),
            "past": selectors.past_bookings(user, now=now)[:50],
            "cancelled": selectors.cancelled_bookings(user)[:50],
            "open_slots": selectors.open_slots_of(user, now=now),
            "now": now,
        },
    )


# --- The room ---------------------------------------------------------------------


@login_required
@require_GET
def room(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request.user, pk)
    if booking.status == Booking.Status.CANCELLED:
        messages.error(request, "This interview was cancelled, so its room is closed.")
        return redirect("sessions:booking", pk=booking.pk)
    now = timezone.now()
    current = current_round_number(booking, now=now)
    rounds = list(
        booking.rounds.select_related("interviewer__profile", "candidate__profile", "question")
    )
    timeline = []
    for r in rounds:
        r.starts_at, r.ends_at = round_window(booking, r.number)
        r.minutes = int((r.ends_at - r.starts_at) / timedelta(minutes=1))
        r.phases = plan_for(booking.interview_type, minutes=r.minutes)
        r.is_interviewer = r.interviewer_id == request.user.pk
        r.is_current = r.number == current
        r.has_ended = now >= r.ends_at
        timeline.append(
            {
                "number": r.number,
                "starts": r.starts_at.isoformat(),
                "ends": r.ends_at.isoformat(),
                "phases": [
                    {"key": p["key"], "title": p["title"], "start": p["start"], "end": p["end"]}
                    for p in r.phases
                ],
            }
        )
    return render(
        request,
        "sessions/room.html",
        {
            "booking": booking,
            "other": booking.other_participant(request.user),
            "rounds": rounds,
            "current": current,
            "is_system_design": booking.interview_type == InterviewType.SYSTEM_DESIGN,
            "room_now": now,
            "room_data": {"now": now.isoformat(), "current": current, "rounds": timeline},
        },
    )


@login_required
@require_POST
def round_notes(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round_for_interviewer(request.user, round_id)
    if request.content_type == "application/json":
        try:
            notes = json.loads(request.body or b"{}").get("notes", "")
        except (ValueError, AttributeError):
            return JsonResponse({"error": 'Send {"notes": "…"} as JSON.'}, status=400)
    else:
        notes = request.POST.get("notes", "")
    if not isinstance(notes, str):
        return JsonResponse({"error": "Notes must be text."}, status=400)
    try:
        round_ = services.save_round_notes(round=round_, by=request.user, notes=notes)
    except services.SchedulingError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        _error(request, exc)
        return redirect("sessions:room", pk=round_.booking_id)
    if _wants_json(request):
        # The label is rendered here, in the profile's zone, like every other time on the
        # site; the browser's own clock format and zone can differ.
        saved_at = timezone.localtime(round_.notes_updated_at)
        return JsonResponse(
            {"saved_at": saved_at.isoformat(), "saved_at_label": f"{saved_at:%H:%M:%S}"}
        )
    messages.success(request, "Notes saved.")
    return redirect(reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}")


@login_required
@require_POST
def design_started(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round_for_interviewer(request.user, round_id)
    try:
        round_ = services.mark_design_started(round=round_, by=request.user)
    except services.SchedulingError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        _error(request, exc)
    else:
        if _wants_json(request):
            return JsonResponse(
                {
                    "design_started_at": round_.design_started_at.isoformat(),
                    "clarifying_minutes": str(round_.clarifying_minutes),
                }
            )
        messages.success(
            request, f"Recorded: {round_.clarifying_minutes} minutes of clarifying came first."
        )
    return redirect(reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}")
