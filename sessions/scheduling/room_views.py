"""The room's round records kept by scheduling: the interviewer's notes and the
"design started" marker of system design rounds, and the interviewer's switch of
a round's question before it starts. The room page itself is
sessions/room/views.py (it shows the live room on top of these)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.clock import format_clock

from . import services
from .access import (
    round_for_interviewer,
    show_error,
    wants_json,
)
from .forms import QuestionChoiceForm, RoundNotesForm


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
    form = RoundNotesForm({"notes": notes})
    if not form.is_valid():
        # Too long, or a NUL byte: refuse the whole save with the reason.
        message = " ".join(form.errors["notes"])
        if wants_json(request):
            return JsonResponse({"error": message}, status=400)
        messages.error(request, message)
        return redirect(
            reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}"
        )
    notes = form.cleaned_data["notes"]
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
            {
                "saved_at": saved_at.isoformat(),
                "saved_at_label": format_clock(saved_at, seconds=True),
            }
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
