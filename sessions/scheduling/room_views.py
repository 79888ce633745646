"""The room page: the rounds of a booking with their phases, the interviewer's
notes and the "design started" marker of system design rounds."""

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import services
from .access import (
    booking_for,
    round_for_interviewer,
    show_error,
    wants_json,
)
from .forms import QuestionChoiceForm
from .models import Booking, InterviewType
from .phases import current_round_number, plan_for, round_window


@login_required
@require_GET
def room(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    if booking.status == Booking.Status.CANCELLED:
        messages.error(request, "This interview was cancelled, so its room is closed.")
        return redirect("sessions:booking", pk=booking.pk)
    now = timezone.now()
    current = current_round_number(booking, now=now)
    rounds = list(
        booking.rounds.select_related(
            "booking__slot", "interviewer__profile", "candidate__profile", "question"
        )
    )
    timeline = []
    for r in rounds:
        r.starts_at, r.ends_at = round_window(booking, r.number)
        r.minutes = int((r.ends_at - r.starts_at) / timedelta(minutes=1))
        r.phases = plan_for(booking.interview_type, minutes=r.minutes)
        r.is_interviewer = r.interviewer_id == request.user.pk
        r.is_current = r.number == current
        r.in_progress = r.starts_at <= now < r.ends_at
        r.has_ended = now >= r.ends_at
        if r.is_interviewer and now < r.starts_at:
            r.question_form = QuestionChoiceForm(
                choices=services.question_choices(r),
                candidate_name=r.candidate.display_name,
                initial={"question": r.question_id},
                prefix=f"round-{r.number}",
            )
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
        "sessions/scheduling/room.html",
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
def change_question(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's interviewer switches its question, before the round starts."""
    round_ = round_for_interviewer(request.user, round_id)
    form = QuestionChoiceForm(
        request.POST,
        choices=services.question_choices(round_),
        candidate_name=round_.candidate.display_name,
        prefix=f"round-{round_.number}",
    )
    if not form.is_valid():
        messages.error(request, "Pick a question from the list.")
    else:
        try:
            round_ = services.change_round_question(
                round=round_, by=request.user, question=form.cleaned_data["question"]
            )
        except services.SchedulingError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"The question is now “{round_.question.title}”.")
    return redirect(reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}")


@login_required
@require_POST
def round_notes(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_for_interviewer(request.user, round_id)
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
        if wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        show_error(request, exc)
        return redirect("sessions:room", pk=round_.booking_id)
    if wants_json(request):
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
    round_ = round_for_interviewer(request.user, round_id)
    try:
        round_ = services.mark_design_started(round=round_, by=request.user)
    except services.SchedulingError as exc:
        if wants_json(request):
            return JsonResponse({"error": exc.message}, status=409)
        show_error(request, exc)
    else:
        if wants_json(request):
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
