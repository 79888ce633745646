import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.clock import format_clock
from accounts.models import at_sentence_start
from accounts.pagecache import cached_page
from sessions.room.context import round_record_context
from sessions.scheduling.models import Round

from . import selectors, services
from .forms import RatingForm, ScorecardForm
from .models import InterviewerRating, LevelAnchor, Scorecard

ROUNDS = Round.objects.select_related(
    "booking", "question", "interviewer__profile", "candidate__profile"
)


def _get_round_to_grade(request: HttpRequest, round_id: int) -> Round:
    """The round, if the viewer is its interviewer and may grade it now; else 404."""
    round = get_object_or_404(ROUNDS, pk=round_id, interviewer=request.user)
    if not selectors.can_grade(round, request.user):
        raise Http404("Nothing to grade here.")
    return round


def _get_round_to_rate(request: HttpRequest, round_id: int) -> Round:
    round = get_object_or_404(ROUNDS, pk=round_id, candidate=request.user)
    if not selectors.can_rate(round, request.user):
        raise Http404("Nothing to rate here.")
    return round


def _get_scorecard_to_read(request: HttpRequest, round_id: int) -> Scorecard:
    """The grader always; the candidate once the reveal rule allows; nobody else."""
    scorecard = get_object_or_404(
        Scorecard.objects.select_related(
            "booking", "round", "rubric", "grader__profile", "candidate__profile"
        ),
        round_id=round_id,
    )
    user = request.user
    if scorecard.grader_id == user.pk:
        return scorecard
    if scorecard.candidate_id == user.pk and selectors.is_revealed(scorecard):
        return scorecard
    raise Http404("No feedback to show here.")


def _add_errors(form: ScorecardForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_http_methods(["GET", "POST"])
def scorecard(request: HttpRequest, round_id: int) -> HttpResponse:
    round = _get_round_to_grade(request, round_id)
    # Showing the page writes nothing; the draft row is created on the first save.
    card = services.scorecard_for(round=round)
    if card.is_submitted:
        return redirect("grading:scorecard_view", round_id=round.pk)
    form = ScorecardForm(request.POST or None, scorecard=card)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            action = request.POST.get("action")
            posted_fields = any(name in request.POST for name in form.fields)
            try:
                if action == "submit" and request.POST.get("confirm") == "yes":
                    # The confirm page posts no fields: it locks the stored draft.
                    if posted_fields:
                        with transaction.atomic():
                            card = services.start_scorecard(round=round)
                            services.save_draft(scorecard=card, data=form.service_data())
                    services.submit_scorecard(round=round, grader=request.user, data={})
                    messages.success(
                        request,
                        f"Scorecard submitted. {at_sentence_start(round.candidate.display_name)} sees it "
                        "once every "
                        "scorecard of the session is in, or 72 hours after it ended.",
                    )
                    return redirect("grading:scorecard_view", round_id=round.pk)
                with transaction.atomic():
                    card = services.start_scorecard(round=round)
                    card = services.save_draft(scorecard=card, data=form.service_data())
                if action == "submit":
                    # Nothing is lost: the draft is saved; locking waits for a second, explicit step.
                    services.check_complete(scorecard=card)
                    return _confirm_submit(request, round, card)
                messages.success(request, "Draft saved. Submit when every dimension is scored.")
                return redirect("grading:scorecard", round_id=round.pk)
            except ValidationError as error:
                _add_errors(form, error)
        status = 400
    return render(
        request,
        "sessions/grading/scorecard_form.html",
        {
            "round": round,
            "booking": round.booking,
            "scorecard": card,
            "form": form,
            **round_record_context(round),
        },
        status=status,
    )


def _confirm_submit(request: HttpRequest, round: Round, card: Scorecard) -> HttpResponse:
    """ "Submit and lock?": what will be locked, and the button that does it."""
    scores = list(card.scores.select_related("dimension").order_by("dimension__order"))
    rows = [{"score": s, "meaning": LevelAnchor.SCORE_MEANINGS.get(s.value, "")} for s in scores]
    return render(
        request,
        "sessions/grading/scorecard_confirm.html",
        {"round": round, "booking": round.booking, "scorecard": card, "rows": rows},
    )


@login_required
@require_POST
def scorecard_autosave(request: HttpRequest, round_id: int) -> JsonResponse:
    round = _get_round_to_grade(request, round_id)
    card = services.scorecard_for(round=round)
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"saved": False, "errors": {"__all__": ["Bad JSON."]}}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"saved": False, "errors": {"__all__": ["Bad JSON."]}}, status=400)
    else:
        payload = request.POST
    form = ScorecardForm(payload, scorecard=card)
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.errors}, status=400)
    try:
        # The draft row is created here, on the first save, and only if the save succeeds.
        with transaction.atomic():
            card = services.start_scorecard(round=round)
            card = services.save_draft(scorecard=card, data=form.service_data())
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "locked" else 400
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return JsonResponse({"saved": False, "errors": errors}, status=status)
    saved_at = timezone.localtime(card.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": saved_at.isoformat(),
            "saved_at_label": format_clock(saved_at, seconds=True),
        }
    )


@login_required
@require_http_methods(["GET"])
@cached_page()
def scorecard_view(request: HttpRequest, round_id: int) -> HttpResponse:
    card = _get_scorecard_to_read(request, round_id)
    if not card.is_submitted:
        return redirect("grading:scorecard", round_id=round_id)
    scores = list(card.scores.select_related("dimension").prefetch_related("dimension__anchors"))
    rows = [
        {
            "score": s,
            "meaning": LevelAnchor.SCORE_MEANINGS.get(s.value, ""),
            "anchor": next(
                (a.behaviour for a in s.dimension.anchors.all() if a.score == s.value), ""
            ),
        }
        for s in scores
    ]
    is_candidate = card.candidate_id == request.user.pk
    rating = InterviewerRating.objects.filter(round_id=round_id).first() if is_candidate else None
    return render(
        request,
        "sessions/grading/scorecard_detail.html",
        {
            "scorecard": card,
            "booking": card.booking,
            "rows": rows,
            "is_candidate": is_candidate,
            "revealed": is_candidate or selectors.is_revealed(card),
            "reveal_deadline": selectors.reveal_deadline(card.booking),
            "rating": rating,
            **round_record_context(card.round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, round_id: int) -> HttpResponse:
    round = _get_round_to_rate(request, round_id)
    existing = InterviewerRating.objects.filter(round=round).first()
    form = RatingForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.rate_interviewer(round=round, rater=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"Thanks. Your rating of {round.interviewer.display_name} is saved."
            )
            return redirect("sessions:dashboard")
    if request.method == "POST" and existing is not None:
        form.add_error(None, "You have already rated this interviewer for this session.")
    return render(
        request,
        "sessions/grading/rate.html",
        {"round": round, "booking": round.booking, "form": form, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )
