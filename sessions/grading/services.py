"""Grading workflows: scorecards (draft, submit) and interviewer ratings.

Rubric versions are in sessions.grading.rubrics.

Who may grade or rate, and the reveal rule, live in sessions.grading.selectors;
the reads callers use beside these workflows are re-exported here. Submitting
announces through sessions.grading.signals; notifications listen there.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.room.services import checklist_evidence
from sessions.scheduling.models import Booking, Round

from . import signals
from .models import (
    EVIDENCE_MAX_LENGTH,
    RATING_COMMENT_MAX_LENGTH,
    Calibration,
    Dimension,
    InterviewerRating,
    Recommendation,
    Rubric,
    Score,
    Scorecard,
)
from .selectors import can_grade, can_rate
from .selectors import interviewer_rating as interviewer_rating
from .selectors import is_revealed as is_revealed
from .selectors import revealed_scorecards_for as revealed_scorecards_for

TEXT_FIELDS = ("strengths", "improvement_1", "improvement_2", "improvement_3", "notes")
CHOICE_FIELDS = {"recommendation": Recommendation, "level_calibration": Calibration}
REQUIRED_ON_SUBMIT = ("recommendation", "level_calibration", "strengths", "improvement_1")


def score_field(dimension: Dimension) -> str:
    """Name of a dimension's score in forms and in validation errors."""
    return f"score_{dimension.key}"


def evidence_field(dimension: Dimension) -> str:
    return f"evidence_{dimension.key}"


# --- Scorecards -------------------------------------------------------------------


def scorecard_for(*, round: Round) -> Scorecard:
    """The round's scorecard to show, writing nothing.

    The stored one, with whatever the room recorded since filled into empty
    fields in memory; or, before the first save, an unsaved draft on the active
    rubric. start_scorecard creates the row when the grader first saves.
    """
    existing = Scorecard.objects.filter(round=round).first()
    if existing is not None:
        if not existing.is_submitted:
            if not existing.notes and round.notes:
                existing.notes = round.notes
            if existing.clarifying_minutes is None:
                existing.clarifying_minutes = round.clarifying_minutes
        return existing
    booking = round.booking
    return Scorecard(
        round=round,
        booking=booking,
        grader_id=round.interviewer_id,
        candidate_id=round.candidate_id,
        rubric=Rubric.objects.get(interview_type=booking.interview_type, active=True),
        interview_type=booking.interview_type,
        notes=round.notes,
        clarifying_minutes=round.clarifying_minutes,
        session_ended_at=booking.ends_at,
    )


def start_scorecard(*, round: Round) -> Scorecard:
    """The round's scorecard, created as a draft on the active rubric if new.

    The rubric version is fixed here: later versions never touch it.
    """
    existing = Scorecard.objects.filter(round=round).first()
    if existing:
        return _carry_in_room(existing, round)
    booking = round.booking
    rubric = Rubric.objects.get(interview_type=booking.interview_type, active=True)
    try:
        with transaction.atomic():
            scorecard = Scorecard.objects.create(
                round=round,
                booking=booking,
                grader_id=round.interviewer_id,
                candidate_id=round.candidate_id,
                rubric=rubric,
                interview_type=booking.interview_type,
                notes=round.notes,
                clarifying_minutes=round.clarifying_minutes,
                session_ended_at=booking.ends_at,
            )
            Score.objects.bulk_create(
                Score(scorecard=scorecard, dimension=d) for d in rubric.dimensions.all()
            )
    except IntegrityError:
        # The autosave and the page load raced; the other one created it.
        return Scorecard.objects.get(round=round)
    _carry_checklist(scorecard, round)
    return scorecard


# The dimension whose evidence the room's clarifying checklist feeds.
CLARIFYING_DIMENSION = "requirements_clarification"


def _carry_checklist(scorecard: Scorecard, round: Round) -> None:
    """Write what the interviewer ticked on the room's clarifying checklist into the
    clarifying dimension's evidence, unless the grader has written some already."""
    evidence = checklist_evidence(round)
    if evidence:
        Score.objects.filter(
            scorecard=scorecard,
            scorecard__status=Scorecard.Status.DRAFT,
            dimension__key=CLARIFYING_DIMENSION,
            evidence="",
        ).update(evidence=evidence)


def _carry_in_room(scorecard: Scorecard, round: Round) -> Scorecard:
    """A draft opened during the session picks up what the room recorded later,
    without overwriting anything the grader has already written."""
    if scorecard.is_submitted:
        return scorecard
    changed = []
    if not scorecard.notes and round.notes:
        scorecard.notes = round.notes
        changed.append("notes")
    if scorecard.clarifying_minutes is None and round.clarifying_minutes is not None:
        scorecard.clarifying_minutes = round.clarifying_minutes
        changed.append("clarifying_minutes")
    if changed:
        Scorecard.objects.filter(pk=scorecard.pk, status=Scorecard.Status.DRAFT).update(
            **{name: getattr(scorecard, name) for name in changed}
        )
    _carry_checklist(scorecard, round)
    return scorecard


def _clean(scorecard: Scorecard, data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Check `data` against the scorecard's rubric version; return clean values.

    Raises one ValidationError naming every problem, keyed by form field.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    dimensions = {d.pk: d for d in scorecard.rubric.dimensions.all()}

    scores: dict[int, dict[str, Any]] = {}
    for raw_id, entry in (data.get("scores") or {}).items():
        dimension = dimensions.get(_as_int(getattr(raw_id, "pk", raw_id)))
        if dimension is None:
            errors.setdefault("scores", []).append(
                f"Dimension {raw_id} is not part of {scorecard.rubric} "
                "(the rubric this scorecard is graded with)."
            )
            continue
        entry = entry or {}
        value = entry.get("value")
        if value in ("", None):
            value = None
        else:
            value = _as_int(value)
            if value is None or not 1 <= value <= 4:
                errors.setdefault(score_field(dimension), []).append(
                    f"Scores run from 1 to 4; “{entry.get('value')}” is not one of them."
                )
                continue
        evidence = str(entry.get("evidence") or "")
        _check_text(evidence_field(dimension), evidence, EVIDENCE_MAX_LENGTH, errors)
        scores[dimension.pk] = {"value": value, "evidence": evidence}
    clean["scores"] = scores

    for name in TEXT_FIELDS:
        if name in data:
            clean[name] = str(data[name] or "").strip()
            limit = Scorecard._meta.get_field(name).max_length
            _check_text(name, clean[name], limit, errors)
    for name, choices in CHOICE_FIELDS.items():
        if name in data:
            value = data[name] or ""
            if value and value not in choices.values:
                errors.setdefault(name, []).append(f"“{value}” is not one of the choices.")
            clean[name] = value
    if "clarifying_minutes" in data:
        clean["clarifying_minutes"] = _clean_minutes(data["clarifying_minutes"], errors)

    if complete:
        current = {s.dimension_id: s for s in scorecard.scores.all()}
        for dimension in dimensions.values():
            entry = scores.get(dimension.pk)
            stored = current.get(dimension.pk)
            value = entry["value"] if entry else getattr(stored, "value", None)
            evidence = entry["evidence"] if entry else getattr(stored, "evidence", "")
            if value is None and score_field(dimension) not in errors:
                errors.setdefault(score_field(dimension), []).append(
                    f"Score “{dimension.name}” from 1 to 4."
                )
            if not evidence.strip():
                errors.setdefault(evidence_field(dimension), []).append(
                    f"Write what you saw or heard that supports the “{dimension.name}” score."
                )
        for name in REQUIRED_ON_SUBMIT:
            value = clean[name] if name in clean else getattr(scorecard, name)
            if not value and name not in errors:
                errors.setdefault(name, []).append(_REQUIRED_MESSAGES[name])
    if errors:
        raise ValidationError(errors)
    return clean


def _check_text(name: str, value: str, limit: int, errors: dict[str, list[str]]) -> None:
    if "\x00" in value:
        errors.setdefault(name, []).append("Remove the NUL character (\\0) from this text.")
    if len(value) > limit:
        errors.setdefault(name, []).append(
            f"Keep this to {limit:,} characters; it has {len(value):,}."
        )


_REQUIRED_MESSAGES = {
    "recommendation": "Choose an overall recommendation.",
    "level_calibration": "Say which level this performance matched.",
    "strengths": "Name at least one strength the candidate should keep.",
    "improvement_1": "Name the first thing the candidate should fix.",
}


def _as_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number


def _clean_minutes(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value in ("", None):
        return None
    try:
        minutes = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors.setdefault("clarifying_minutes", []).append("Enter the minutes as a number.")
        return None
    if not Decimal("0") <= minutes <= Decimal("999.9"):
        errors.setdefault("clarifying_minutes", []).append(
            "Clarifying minutes must be between 0 and 999.9."
        )
        return None
    return minutes


def _apply(scorecard: Scorecard, clean: dict[str, Any]) -> list[str]:
    changed = [
        name for name in (*TEXT_FIELDS, *CHOICE_FIELDS, "clarifying_minutes") if name in clean
    ]
    for name in changed:
        setattr(scorecard, name, clean[name])
    rows = {s.dimension_id: s for s in scorecard.scores.all()}
    for dimension_id, entry in clean["scores"].items():
        score = rows.get(dimension_id) or Score(scorecard=scorecard, dimension_id=dimension_id)
        score.value = entry["value"]
        score.evidence = entry["evidence"]
        score.save()
    return changed


def _locked(scorecard_id: int) -> Scorecard:
    # Lock only the scorecard row, not the rubric it joins: many scorecards share one rubric.
    return (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("rubric")
        .get(pk=scorecard_id)
    )


def save_draft(*, scorecard: Scorecard, data: dict[str, Any]) -> Scorecard:
    """Store whatever the grader has so far. Incomplete is fine; wrong is not."""
    with transaction.atomic():
        locked = _locked(scorecard.pk)
        if locked.is_submitted:
            raise ValidationError(
                "This scorecard is already submitted and can no longer change.", code="locked"
            )
        clean = _clean(locked, data, complete=False)
        changed = _apply(locked, clean)
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def check_complete(*, scorecard: Scorecard) -> None:
    """Raise the ValidationError submit_scorecard would raise for the stored draft.

    The confirm step runs it before asking "Submit and lock?", so a draft with
    a missing score goes back to the form with the problems marked.
    """
    _clean(scorecard, {}, complete=True)


def submit_scorecard(*, round: Round, grader, data: dict[str, Any]) -> Scorecard:
    """Validate every dimension of the scorecard's rubric version and lock it.

    When this was the last open scorecard of the booking, the candidates are
    told their feedback is ready, exactly once.
    """
    if not can_grade(round, grader):
        raise ValidationError(
            "Only this round's interviewer can grade it, once the session has started.",
            code="forbidden",
        )
    with transaction.atomic():
        # Submissions of one booking queue behind this lock, so whichever
        # commits last is the one that sees every scorecard submitted.
        booking = Booking.objects.select_for_update().get(pk=round.booking_id)
        locked = _locked(start_scorecard(round=round).pk)
        if locked.is_submitted:
            raise ValidationError(
                "This scorecard was already submitted; a submitted scorecard cannot change.",
                code="already_submitted",
            )
        clean = _clean(locked, data, complete=True)
        changed = _apply(locked, clean)
        locked.status = Scorecard.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=[*changed, "status", "submitted_at", "updated_at"])
        signals.scorecard_submitted.send(sender=Scorecard, scorecard=locked)
        rounds = list(booking.rounds.select_related("candidate"))
        submitted = Scorecard.objects.filter(
            booking=booking, status=Scorecard.Status.SUBMITTED
        ).count()
        if submitted == len(rounds):
            signals.feedback_revealed.send(
                sender=Scorecard, booking=booking, candidates=[r.candidate for r in rounds]
            )
    return locked


# --- Interviewer ratings ----------------------------------------------------------


def rate_interviewer(
    *, round: Round, rater, helpfulness: int, preparation: int, comment: str = ""
) -> InterviewerRating:
    if not can_rate(round, rater):
        raise ValidationError(
            "Only the candidate of this round can rate its interviewer, after the session.",
            code="forbidden",
        )
    errors: dict[str, list[str]] = {}
    for name, value in (("helpfulness", helpfulness), ("preparation", preparation)):
        if _as_int(value) is None or not 1 <= int(value) <= 5:
            errors[name] = ["Rate from 1 to 5."]
    _check_text("comment", comment, RATING_COMMENT_MAX_LENGTH, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return InterviewerRating.objects.create(
                round=round,
                rater=rater,
                interviewer_id=round.interviewer_id,
                helpfulness=int(helpfulness),
                preparation=int(preparation),
                comment=comment.strip(),
            )
    except IntegrityError:
        raise ValidationError(
            "You have already rated this interviewer for this session.", code="already_rated"
        ) from None
