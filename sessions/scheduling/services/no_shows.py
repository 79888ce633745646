"""No-show reports that can't be abused.

A participant reports that the other did not turn up; the report is refused
when the session evidently happened (see `session_evidence`). The accused is
told at once and may dispute it for 72 hours. Nothing counts while a report
is open: the accused's no-show counter, the booking's status and the
suspension rule (two no-shows within 30 days pause booking for 14 days) move
only when the report is upheld, because the dispute window passed without a
dispute (`uphold_undisputed_no_shows`, run by beat) or because staff
confirmed it. Staff may reject an open or disputed report instead; every
decision is recorded on the row and logged.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Profile
from sessions.scheduling import signals
from sessions.scheduling.models import Booking, NoShowReport, Round
from sessions.timeutils import format_local

from .rules import (
    NO_SHOW_REPORT_DEADLINE,
    NO_SHOW_WINDOW,
    NO_SHOWS_BEFORE_SUSPENSION,
    SUSPENSION,
    SchedulingError,
)

logger = logging.getLogger(__name__)

# A report can be made this long after the start: people run a few minutes late.
NO_SHOW_GRACE = timedelta(minutes=10)
# How long the accused has to dispute a report.
DISPUTE_WINDOW = timedelta(hours=72)

Status = NoShowReport.Status


def session_evidence(*, booking: Booking, accused, reporter) -> list[str]:
    """Signs that the session took place, as clauses for a sentence; empty if none.

    Scheduling knows the room's notes pad and the design-started mark; the
    layers above (grading's scorecards and ratings, the live room's activity)
    answer the `session_evidence` signal with clauses of their own.
    """
    clauses = []
    rounds = Round.objects.filter(booking=booking, interviewer=accused)
    if rounds.exclude(notes="").exists() or rounds.filter(design_started_at__isnull=False).exists():
        clauses.append(f"{accused.display_name} took notes in the interview room")
    for _receiver, answer in signals.session_evidence.send(
        sender=Booking, booking=booking, accused=accused, reporter=reporter
    ):
        clauses.extend(answer or [])
    return clauses


def no_show_refusal(*, booking: Booking, by, now: datetime | None = None) -> str | None:
    """Why `by` may not report the other person of `booking` as a no-show now, or None.

    Times in the message are in `by`'s zone.
    """
    now = now or timezone.now()
    if not booking.is_participant(by):
        return "Only the two people in a booking can report a no-show."
    if booking.status == Booking.Status.CANCELLED:
        return "This interview was cancelled, so there is no no-show to report."
    report = NoShowReport.objects.filter(booking=booking).select_related("reporter").first()
    if report is not None:
        if report.accused_id == by.pk:
            return (
                f"{report.reporter.display_name} already reported you as a no-show for this "
                "interview. If you were there, dispute the report instead."
            )
        return "You already reported a no-show for this interview."
    if booking.status == Booking.Status.NO_SHOW:
        return "A no-show is already recorded for this interview."
    zone = by.profile.zone
    earliest = booking.starts_at + NO_SHOW_GRACE
    if now < earliest:
        return (
            "People run a few minutes late: you can report a no-show from "
            f"{format_local(earliest, zone)}, 10 minutes after the start."
        )
    if now > booking.ends_at + NO_SHOW_REPORT_DEADLINE:
        return "No-shows can be reported up to 7 days after the interview."
    other = booking.other_participant(by)
    evidence = session_evidence(booking=booking, accused=other, reporter=by)
    if evidence:
        return (
            f"This session evidently took place: {evidence[0]}. A no-show can't be reported for it."
        )
    return None


def report_no_show(
    *, booking: Booking, by, reason: str = "", now: datetime | None = None
) -> NoShowReport:
    """Report that the other participant did not turn up; raises SchedulingError if refused.

    The report opens a 72-hour dispute window and changes nobody's record yet.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The booking row lock queues two reports of one booking (one from each side).
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("host__profile", "guest__profile")
            .get(pk=booking.pk)
        )
        problem = no_show_refusal(booking=booking, by=by, now=now)
        if problem:
            raise SchedulingError(problem)
        report = NoShowReport.objects.create(
            booking=booking,
            reporter=by,
            accused=booking.other_participant(by),
            reason=(reason or "").strip()[:1000],
            reported_at=now,
            dispute_until=now + DISPUTE_WINDOW,
        )
        logger.info(
            "No-show report %s: user %s reports user %s", report.pk, by.pk, report.accused_id
        )
        signals.no_show_reported.send(sender=NoShowReport, report=report)
    return report


def _locked_report(report: NoShowReport) -> NoShowReport:
    return (
        NoShowReport.objects.select_for_update(of=("self",))
        .select_related("booking", "reporter__profile", "accused__profile")
        .get(pk=report.pk)
    )


def dispute_no_show(
    *, report: NoShowReport, by, reason: str, now: datetime | None = None
) -> NoShowReport:
    """The accused says they were there (or why they weren't); staff decide.

    Raises ValidationError without a reason, SchedulingError when the report
    is not theirs, no longer open, or the 72 hours have passed.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say in a few words what happened; the team reads it.")
    with transaction.atomic():
        report = _locked_report(report)
        if report.accused_id != by.pk:
            raise SchedulingError("Only the person reported can dispute a no-show report.")
        if report.status == Status.DISPUTED:
            raise SchedulingError("You already disputed this report; the team will decide.")
        if report.status != Status.REPORTED:
            raise SchedulingError(f"This report was already {report.status}.")
        if now >= report.dispute_until:
            until = format_local(report.dispute_until, by.profile.zone, with_zone=True)
            raise SchedulingError(
                f"The time to dispute this report ended on {until}. It now counts as a no-show."
            )
        report.status = Status.DISPUTED
        report.dispute_reason = reason[:2000]
        report.disputed_at = now
        report.save(update_fields=["status", "dispute_reason", "disputed_at"])
        logger.info("No-show report %s disputed by user %s", report.pk, by.pk)
        signals.no_show_disputed.send(sender=NoShowReport, report=report)
    return report


def _count_against(report: NoShowReport, now: datetime) -> None:
    """What an upheld report does: the booking becomes a no-show, the accused's
    record counts it, and a second no-show within 30 days pauses booking."""
    booking = Booking.objects.select_for_update(of=("self",)).get(pk=report.booking_id)
    if booking.status == Booking.Status.COMPLETED:
        # The session was counted as done when it ended; it wasn't.
        Profile.objects.filter(user_id__in=[booking.host_id, booking.guest_id]).update(
            completed_sessions=Greatest(F("completed_sessions") - 1, 0)
        )
    booking.status = Booking.Status.NO_SHOW
    booking.no_show_user_id = report.accused_id
    booking.no_show_reported_at = report.reported_at
    booking.save(update_fields=["status", "no_show_user", "no_show_reported_at"])
    profile = Profile.objects.select_for_update().get(user_id=report.accused_id)
    profile.no_shows += 1
    recent = Booking.objects.filter(
        status=Booking.Status.NO_SHOW,
        no_show_user_id=report.accused_id,
        starts_at__gte=now - NO_SHOW_WINDOW,
    ).count()
    fields = ["no_shows"]
    if recent >= NO_SHOWS_BEFORE_SUSPENSION:
        until = now + SUSPENSION
        if not profile.booking_suspended_until or profile.booking_suspended_until < until:
            profile.booking_suspended_until = until
            fields.append("booking_suspended_until")
    profile.save(update_fields=fields)


def _resolve(report: NoShowReport, *, status: str, by, note: str, now: datetime) -> None:
    report.status = status
    report.resolved_at = now
    report.resolved_by = by
    report.resolution_note = (note or "").strip()[:2000] or report.resolution_note
    report.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])


def uphold_no_show(
    *, report: NoShowReport, by, note: str = "", now: datetime | None = None
) -> NoShowReport:
    """Staff confirm an open or disputed report: from now on it counts.

    Raises SchedulingError for a non-staff user or a report already decided.
    """
    now = now or timezone.now()
    if not by.is_staff:
        raise SchedulingError("Only staff decide a no-show report.")
    with transaction.atomic():
        report = _locked_report(report)
        if not report.is_open:
            raise SchedulingError(f"This report was already {report.status}.")
        _count_against(report, now)
        _resolve(report, status=Status.UPHELD, by=by, note=note, now=now)
        logger.info("No-show report %s upheld by staff user %s", report.pk, by.pk)
        signals.no_show_upheld.send(sender=NoShowReport, report=report)
    return report


def reject_no_show(
    *, report: NoShowReport, by, note: str = "", now: datetime | None = None
) -> NoShowReport:
    """Staff reject an open or disputed report: it never counts.

    Raises SchedulingError for a non-staff user or a report already decided.
    """
    now = now or timezone.now()
    if not by.is_staff:
        raise SchedulingError("Only staff decide a no-show report.")
    with transaction.atomic():
        report = _locked_report(report)
        if not report.is_open:
            raise SchedulingError(f"This report was already {report.status}.")
        _resolve(report, status=Status.REJECTED, by=by, note=note, now=now)
        logger.info("No-show report %s rejected by staff user %s", report.pk, by.pk)
        signals.no_show_rejected.send(sender=NoShowReport, report=report)
    return report


def uphold_undisputed_no_shows(*, now: datetime | None = None) -> int:
    """Uphold every report whose dispute window passed without a dispute; returns how many.

    Each report is locked and re-checked before it counts, so overlapping
    runs (two beat ticks, two workers) count every report once.
    """
    now = now or timezone.now()
    due = NoShowReport.objects.filter(status=Status.REPORTED, dispute_until__lte=now)
    upheld = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                NoShowReport.objects.select_for_update(of=("self",))
                .filter(pk=pk, status=Status.REPORTED, dispute_until__lte=now)
                .first()
            )
            if report is None:
                continue
            _count_against(report, now)
            _resolve(report, status=Status.UPHELD, by=None, note="", now=now)
            logger.info("No-show report %s upheld: not disputed within the window", pk)
            signals.no_show_upheld.send(sender=NoShowReport, report=report)
            upheld += 1
    return upheld
