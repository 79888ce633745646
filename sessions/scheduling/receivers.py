"""Scheduling's part when a person leaves or asks for their data (accounts.signals),
and the weekly schedule's holds when a booking starts, ends or moves (its own signals).

Leaving: their open slots are withdrawn, their upcoming interviews cancelled
through cancel_booking (so the peer gets the usual cancellation email and calendar
update; nobody is counted late), and their pending time proposals withdrawn.
Past bookings and rounds stay as they are: they are the peer's history too.
"""

from datetime import datetime

from django.db.models import Q

from accounts import pagecache
from accounts.signals import personal_data_requested, profile_zone_changed, user_anonymising

from . import services, signals
from .availability_models import AvailabilitySchedule
from .models import Booking, NoShowReport, RescheduleRequest, Slot

# What the peer reads as the cancellation reason.
DEPARTURE_REASON = "Your partner closed their account, so this interview can't take place."


def on_user_anonymising(sender, *, user, now: datetime, **kwargs) -> None:
    # The schedule first, so the cancellations below reopen none of its occurrences.
    for schedule in AvailabilitySchedule.objects.filter(host=user, withdrawn_at__isnull=True):
        services.withdraw_schedule(schedule=schedule, by=user, now=now)
    Slot.objects.filter(host=user, status__in=[Slot.Status.OPEN, Slot.Status.HELD]).update(
        status=Slot.Status.WITHDRAWN
    )
    pagecache.board_changed()
    upcoming = Booking.objects.filter(
        Q(host=user) | Q(guest=user), status=Booking.Status.CONFIRMED, starts_at__gt=now
    ).order_by("starts_at")
    for booking in upcoming:
        services.cancel_booking(
            booking=booking, by=user, reason=DEPARTURE_REASON, now=now, counts_late=False
        )
    RescheduleRequest.objects.filter(
        proposed_by=user, status=RescheduleRequest.Status.PENDING
    ).update(status=RescheduleRequest.Status.WITHDRAWN, responded_at=now)
    # Every partner's pages (past interviews, bookings, feedback) show the name
    # being scrubbed; they are out of date once this transaction commits.
    shared = Booking.objects.filter(Q(host=user) | Q(guest=user)).values_list("host_id", "guest_id")
    pagecache.people_changed(*{pk for pair in shared for pk in pair})


def _who(user, person_id: int | None, partner) -> str | None:
    if person_id is None:
        return None
    if person_id == user.pk:
        return "you"
    if partner is not None and person_id == partner.pk:
        return partner.display_name
    return "the interviewprep team"


def _no_show_report(booking: Booking, user, partner) -> dict | None:
    """The booking's no-show report as both people saw it (the deciding staff member left out)."""
    try:
        report = booking.no_show_report
    except NoShowReport.DoesNotExist:
        return None
    return {
        "reported_by": _who(user, report.reporter_id, partner),
        "about": _who(user, report.accused_id, partner),
        "status": report.status,
        "reason": report.reason,
        "reported_at": report.reported_at,
        "dispute_until": report.dispute_until,
        "dispute_reason": report.dispute_reason,
        "disputed_at": report.disputed_at,
        "resolved_at": report.resolved_at,
        "resolution_note": report.resolution_note,
    }


def on_personal_data_requested(sender, *, user, **kwargs) -> dict:
    """The person's slots, bookings and weekly availability; partners by display name, never by email."""
    slots = [
        {
            "id": slot.pk,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "interview_type": slot.interview_type,
            "your_role": slot.host_role,
            "level": slot.level,
            "note": slot.note,
            "status": slot.status,
            "published_at": slot.created_at,
        }
        for slot in Slot.objects.filter(host=user).order_by("starts_at")
    ]
    bookings = []
    for booking in (
        Booking.objects.filter(Q(host=user) | Q(guest=user))
        .select_related("host__profile", "guest__profile", "no_show_report")
        .prefetch_related("rounds__question", "reschedules")
        .order_by("starts_at")
    ):
        partner = booking.other_participant(user)
        bookings.append(
            {
                "id": booking.pk,
                "interview_type": booking.interview_type,
                "you_were": "host" if booking.host_id == user.pk else "guest",
                "host_role": booking.host_role,
                "partner": partner.display_name,
                "starts_at": booking.starts_at,
                "ends_at": booking.ends_at,
                "status": booking.status,
                "meeting_url": booking.meeting_url,
                "booked_at": booking.created_at,
                "cancelled_by": _who(user, booking.cancelled_by_id, partner),
                "cancellation_reason": booking.cancellation_reason,
                "cancelled_at": booking.cancelled_at,
                "late_cancellation": booking.late_cancellation,
                "no_show": _who(user, booking.no_show_user_id, partner),
                "rounds": [
                    {
                        "number": r.number,
                        "you_were": "interviewer" if r.interviewer_id == user.pk else "candidate",
                        "question": r.question.title if r.question else None,
                        # The notes pad is the interviewer's own; the candidate never saw it.
                        **(
                            {"your_notes": r.notes, "clarifying_minutes": r.clarifying_minutes}
                            if r.interviewer_id == user.pk
                            else {}
                        ),
                    }
                    for r in booking.rounds.all()
                ],
                "time_changes": [
                    {
                        "proposed_by": _who(user, p.proposed_by_id, partner),
                        "starts_at": p.starts_at,
                        "message": p.message,
                        "status": p.status,
                        "proposed_at": p.created_at,
                    }
                    for p in booking.reschedules.all()
                ],
                "no_show_report": _no_show_report(booking, user, partner),
            }
        )
    return {"slots": slots, "bookings": bookings, "weekly_availability": _schedule_export(user)}


def _schedule_export(user) -> dict | None:
    schedule = (
        AvailabilitySchedule.objects.filter(host=user)
        .prefetch_related("weekly_hours", "overrides")
        .first()
    )
    if schedule is None:
        return None
    return {
        "hours": [str(h) for h in schedule.weekly_hours.all()],
        "date_overrides": [str(o) for o in schedule.overrides.all()],
        "interview_type": schedule.interview_type,
        "your_role": schedule.host_role,
        "level": schedule.level,
        "minutes": schedule.minutes,
        "note": schedule.note,
        "topic": schedule.topic,
        "buffer_before_minutes": schedule.buffer_before.total_seconds() // 60,
        "buffer_after_minutes": schedule.buffer_after.total_seconds() // 60,
        "minimum_notice_hours": schedule.min_notice.total_seconds() // 3600,
        "daily_cap": schedule.daily_cap,
        "weeks_ahead": schedule.horizon_weeks,
        "withdrawn_at": schedule.withdrawn_at,
    }


def on_booking_changed(sender, *, booking: Booking, **kwargs) -> None:
    """A booking started, ended or moved: each person's schedule holds or opens
    the occurrences its daily cap and buffers now refuse or allow."""
    for person in (booking.host, booking.guest):
        services.refresh_holds(host=person)


def on_bookings_confirmed(sender, *, bookings: list[Booking], **kwargs) -> None:
    """New bookings (one, or a matcher's batch): the people among them who keep a
    weekly schedule hold or open occurrences as on any other booking change."""
    people = {pk for booking in bookings for pk in (booking.host_id, booking.guest_id)}
    for host_id in services.hosts_with_schedules(people):
        services.refresh_holds(host=host_id)


def on_profile_zone_changed(sender, *, user, **kwargs) -> None:
    """A person moved zone: their weekly hours are laid out in the new one at once,
    not at the next hourly run (booked times stay where they are)."""
    for schedule in AvailabilitySchedule.objects.filter(host=user, withdrawn_at__isnull=True):
        services.materialise_schedule(schedule=schedule)


def connect() -> None:
    """Connect once (app ready); before notifications, so the peer's notice exists
    before the leaver's own pending emails are cancelled."""
    user_anonymising.connect(on_user_anonymising, dispatch_uid=f"{__name__}.on_user_anonymising")
    personal_data_requested.connect(
        on_personal_data_requested, dispatch_uid=f"{__name__}.on_personal_data_requested"
    )
    profile_zone_changed.connect(
        on_profile_zone_changed, dispatch_uid=f"{__name__}.on_profile_zone_changed"
    )
    signals.bookings_confirmed.connect(
        on_bookings_confirmed, dispatch_uid=f"{__name__}.on_bookings_confirmed"
    )
    for signal in (
        signals.booking_cancelled,
        signals.booking_rescheduled,
    ):
        signal.connect(on_booking_changed, dispatch_uid=f"{__name__}.on_booking_changed")
