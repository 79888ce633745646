"""Changing a booking: cancel, reschedule, no-shows, completion."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import pagecache
from accounts.models import Profile
from sessions.scheduling import signals
from sessions.scheduling.models import Booking, RescheduleRequest, Slot
from sessions.scheduling.selectors import clashes

from .booking import _clash_message, _lock_people, lost_a_race
from .rules import (
    LATE_CANCELLATION,
    MIN_NOTICE,
    SchedulingError,
    TimeConflict,
    _check_window,
)

# --- Cancel, reschedule, no-shows ---------------------------------------------


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("host__profile", "guest__profile", "slot")
        .get(pk=booking.pk)
    )


def cancellation_would_be_late(*, booking: Booking, by, now: datetime | None = None) -> bool:
    """Whether `by` cancelling `booking` at `now` counts as a late cancellation.

    The rule: a participant cancelling less than 24 hours before the start.
    Staff cancelling for both people is never late. The cancel page asks this
    before the person confirms, and cancel_booking applies the same answer.
    """
    now = now or timezone.now()
    return booking.is_participant(by) and booking.starts_at - now < LATE_CANCELLATION


def cancel_booking(
    *,
    booking: Booking,
    by,
    reason: str,
    now: datetime | None = None,
    counts_late: bool = True,
) -> Booking:
    """Cancel before the start. Within 24 hours of the start it counts against
    the canceller. Staff may cancel any booking (both people are told, nobody is
    counted late). `counts_late=False` is for a participant who is leaving the
    site: the peer is told as usual, and nobody's record changes."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise SchedulingError("Say in a sentence why you are cancelling; the other person sees it.")
    with transaction.atomic():
        booking = _locked_booking(booking)
        participant = booking.is_participant(by)
        if not participant and not by.is_staff:
            raise SchedulingError("Only the two people in a booking can cancel it.")
        if booking.status == Booking.Status.CANCELLED:
            raise SchedulingError("This interview is already cancelled.")
        if booking.status != Booking.Status.CONFIRMED or booking.starts_at <= now:
            raise SchedulingError(
                "This interview has already started, so it can't be cancelled. If the other "
                "person did not turn up, report a no-show instead."
            )
        late = counts_late and cancellation_would_be_late(booking=booking, by=by, now=now)
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_by = by
        booking.cancellation_reason = reason
        booking.cancelled_at = now
        booking.late_cancellation = late
        booking.calendar_sequence = F("calendar_sequence") + 1
        booking.save(
            update_fields=[
                "status",
                "cancelled_by",
                "cancellation_reason",
                "cancelled_at",
                "late_cancellation",
                "calendar_sequence",
            ]
        )
        booking.refresh_from_db(fields=["calendar_sequence"])
        booking.participants.update(live=False)
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING).update(
            status=RescheduleRequest.Status.WITHDRAWN, responded_at=now
        )
        if late:
            Profile.objects.filter(user=by).update(late_cancellations=F("late_cancellations") + 1)
        # The host still wants the practice when the guest drops out, so their
        # slot opens again if there's time for someone else to book it.
        slot = booking.slot
        # Not the time of a withdrawn weekly schedule, whose owner took its times down:
        # that one leaves the schedule (as its unbooked times did), so restoring the
        # schedule publishes it afresh.
        withdrawn_schedule = slot.schedule is not None and not slot.schedule.is_active
        reopen = (
            by.pk == booking.guest_id
            and slot.starts_at >= now + MIN_NOTICE
            and not withdrawn_schedule
        )
        slot.status = Slot.Status.OPEN if reopen else Slot.Status.WITHDRAWN
        if withdrawn_schedule:
            slot.schedule = None
        slot.save(update_fields=["status", "schedule"])
        # Both calendars hold the event, so both people get the cancellation.
        signals.booking_cancelled.send(sender=Booking, booking=booking, cancelled_by=by)
    return booking


def propose_reschedule(
    *,
    booking: Booking,
    by,
    starts_at: datetime,
    message: str = "",
    now: datetime | None = None,
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if not booking.is_participant(by):
            raise SchedulingError("Only the two people in a booking can move it.")
        if booking.status != Booking.Status.CONFIRMED or booking.starts_at <= now:
            raise SchedulingError("Only an upcoming, confirmed interview can be moved.")
        zone = by.profile.zone
        problem = _check_window(starts_at, now=now, zone=zone)
        if problem:
            raise ValidationError(problem)
        if starts_at == booking.starts_at:
            raise ValidationError("That is the time the interview already has.")
        ends_at = starts_at + (booking.ends_at - booking.starts_at)
        mine = clashes(
            user=by, starts_at=starts_at, ends_at=ends_at, exclude_booking=booking
        ).first()
        if mine:
            raise TimeConflict(_clash_message("You are", mine, zone))
        # A new proposal replaces any earlier one, whoever made it.
        booking.reschedules.filter(status=RescheduleRequest.Status.PENDING).update(
            status=RescheduleRequest.Status.WITHDRAWN, responded_at=now
        )
        request = RescheduleRequest.objects.create(
            booking=booking,
            proposed_by=by,
            starts_at=starts_at,
            ends_at=ends_at,
            message=(message or "").strip()[:280],
            created_at=now,
        )
        signals.reschedule_proposed.send(sender=RescheduleRequest, request=request)
    return request


def _close_request(request: RescheduleRequest, status: str, now: datetime) -> None:
    request.status = status
    request.responded_at = now
    request.save(update_fields=["status", "responded_at"])


def _locked_request(request: RescheduleRequest) -> tuple[Booking, RescheduleRequest]:
    booking = _locked_booking(request.booking)
    request = RescheduleRequest.objects.select_for_update().get(pk=request.pk)
    request.booking = booking
    if request.status != RescheduleRequest.Status.PENDING:
        raise SchedulingError(f"This proposal was already {request.get_status_display().lower()}.")
    return booking, request


def accept_reschedule(*, request: RescheduleRequest, by, now: datetime | None = None) -> Booking:
    """Move the booking to the proposed time. Its calendar UID stays; SEQUENCE rises.
    A weekly schedule's occurrence that moves becomes a one-off slot."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, request = _locked_request(request)
        if not booking.is_participant(by) or by.pk == request.proposed_by_id:
            raise SchedulingError("Only the other person in the booking can accept this time.")
        if booking.status != Booking.Status.CONFIRMED:
            raise SchedulingError("This interview is no longer confirmed, so it can't be moved.")
        if request.starts_at <= now:
            raise SchedulingError("The proposed time has passed. Propose another one.")
        _lock_people(booking.host, booking.guest)
        for person in (booking.host, booking.guest):
            row = clashes(
                user=person,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
                exclude_booking=booking,
            ).first()
            if row:
                label = "You are" if person.pk == by.pk else f"{person.display_name} is"
                raise TimeConflict(_clash_message(label, row, by.profile.zone))
        try:
            with transaction.atomic():
                booking.participants.update(starts_at=request.starts_at, ends_at=request.ends_at)
        except (IntegrityError, OperationalError) as exc:
            if not lost_a_race(exc):
                raise
            raise TimeConflict(
                "One of you was just booked at an overlapping time. Propose another time."
            ) from None
        booking.starts_at, booking.ends_at = request.starts_at, request.ends_at
        booking.calendar_sequence = F("calendar_sequence") + 1
        booking.save(update_fields=["starts_at", "ends_at", "calendar_sequence"])
        booking.refresh_from_db(fields=["calendar_sequence"])
        # A moved weekly occurrence is no longer at one of its schedule's times: it
        # becomes a one-off slot, so the time it lands on (perhaps another occurrence)
        # is no clash and the time it left can be published again.
        Slot.objects.filter(pk=booking.slot_id).update(
            starts_at=request.starts_at, ends_at=request.ends_at, schedule=None
        )
        _close_request(request, RescheduleRequest.Status.ACCEPTED, now)
        signals.booking_rescheduled.send(sender=Booking, booking=booking)
    return booking


def decline_reschedule(
    *, request: RescheduleRequest, by, now: datetime | None = None
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        booking, request = _locked_request(request)
        if not booking.is_participant(by) or by.pk == request.proposed_by_id:
            raise SchedulingError("Only the other person in the booking can decline this time.")
        _close_request(request, RescheduleRequest.Status.DECLINED, now)
        signals.reschedule_declined.send(sender=RescheduleRequest, request=request)
    return request


def withdraw_reschedule(
    *, request: RescheduleRequest, by, now: datetime | None = None
) -> RescheduleRequest:
    now = now or timezone.now()
    with transaction.atomic():
        _, request = _locked_request(request)
        if by.pk != request.proposed_by_id:
            raise SchedulingError("Only the person who proposed a time can withdraw it.")
        _close_request(request, RescheduleRequest.Status.WITHDRAWN, now)
    return request


def complete_finished_bookings(*, now: datetime | None = None) -> int:
    """Mark confirmed bookings whose end has passed as completed; returns how many.

    Each booking flips with a conditional UPDATE, so concurrent runs count every
    session once.
    """
    now = now or timezone.now()
    finished = Booking.objects.filter(status=Booking.Status.CONFIRMED, ends_at__lte=now)
    done = 0
    for pk, host_id, guest_id in finished.values_list("pk", "host_id", "guest_id"):
        with transaction.atomic():
            flipped = Booking.objects.filter(
                pk=pk, status=Booking.Status.CONFIRMED, ends_at__lte=now
            ).update(status=Booking.Status.COMPLETED)
            if flipped:
                Profile.objects.filter(user_id__in=[host_id, guest_id]).update(
                    completed_sessions=F("completed_sessions") + 1
                )
                pagecache.people_changed(host_id, guest_id)
                done += 1
    return done
