"""Booking a slot: lock, check, insert; the database constraints have the last word."""

import logging
import random
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from accounts.models import Profile
from sessions.scheduling import signals
from sessions.scheduling.models import Booking, BookingParticipant, HostRole, Question, Round, Slot
from sessions.scheduling.selectors import clashes
from sessions.timeutils import format_local

from .rules import (
    LEVEL_ORDER,
    SLOT_TAKEN,
    BookingSuspended,
    SchedulingError,
    SlotTaken,
    TimeConflict,
)

logger = logging.getLogger(__name__)

# --- Booking ------------------------------------------------------------------


def new_meeting_url() -> str:
    return f"{settings.MEETING_BASE_URL}interviewprep-{secrets.token_urlsafe(18)}"


# What PostgreSQL raises when two overlapping bookings race: the exclusion
# constraint refuses one (IntegrityError), or, when both rows were inserted
# before either was checked, it breaks the tie as a deadlock.
DEADLOCK_DETECTED = "40P01"


def _lost_a_race(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def _lock_people(*users) -> None:
    """Lock the people's profile rows in one order, so two bookings of the same
    person queue up instead of deadlocking, and the second sees the first."""
    list(
        Profile.objects.select_for_update()
        .filter(user__in=[u.pk for u in users])
        .order_by("user_id")
        .values_list("pk", flat=True)
    )


def _suspension_message(profile: Profile) -> str:
    until = format_local(profile.booking_suspended_until, profile.zone, with_zone=True)
    return (
        f"Booking is paused until {until} because of two no-shows within 30 days. "
        "You can book and publish again after that."
    )


def _clash_message(person_label: str, row: BookingParticipant, zone: ZoneInfo) -> str:
    return (
        f"{person_label} already in an interview from {format_local(row.starts_at, zone)} "
        f"to {row.ends_at.astimezone(zone):%H:%M}."
    )


def pick_questions(
    *, interview_type: str, level: str, candidates: list, booking: Booking | None = None
) -> list[Question | None]:
    """One question per round: the slot's level first, never the same one twice in a
    booking, and preferably one the candidate has not been asked before."""
    pool = list(Question.objects.filter(interview_type=interview_type, active=True))
    wanted = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 1
    used: set[int] = set()
    picked: list[Question | None] = []
    for candidate in candidates:
        seen = set(
            Round.objects.filter(candidate=candidate, question__isnull=False).values_list(
                "question_id", flat=True
            )
        )
        options = [q for q in pool if q.pk not in used]
        if not options:
            picked.append(None)
            continue
        options.sort(
            key=lambda q: (
                abs(LEVEL_ORDER.index(q.level) - wanted) if q.level in LEVEL_ORDER else 9,
                q.pk in seen,
                random.random(),
            )
        )
        used.add(options[0].pk)
        picked.append(options[0])
    return picked


def _create_rounds(booking: Booking, *, level: str) -> list[Round]:
    host, guest = booking.host, booking.guest
    if booking.host_role == HostRole.CANDIDATE:
        pairs = [(guest, host)]
    elif booking.host_role == HostRole.SWAP:
        pairs = [(host, guest), (guest, host)]
    else:
        pairs = [(host, guest)]
    questions = pick_questions(
        interview_type=booking.interview_type,
        level=level,
        candidates=[candidate for _, candidate in pairs],
    )
    return [
        Round.objects.create(
            booking=booking,
            number=number,
            interviewer=interviewer,
            candidate=candidate,
            question=question,
        )
        for number, ((interviewer, candidate), question) in enumerate(
            zip(pairs, questions, strict=True), start=1
        )
    ]


def book_slot(*, slot: Slot, guest, now: datetime | None = None) -> Booking:
    """Book an open slot for `guest`, or raise a SchedulingError saying why not.

    The slot row is locked first, so concurrent bookers of one slot queue up
    and every one after the first finds it booked. Bookers of different slots
    that overlap in time are stopped by the exclusion constraint.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.host_id == guest.pk:
            raise SchedulingError("This is your own slot; someone else has to book it.")
        if slot.status != Slot.Status.OPEN:
            raise SlotTaken(
                SLOT_TAKEN if slot.status == Slot.Status.BOOKED else "This slot was withdrawn."
            )
        if slot.starts_at <= now:
            raise SchedulingError("This slot has already started. Pick a later one.")
        _lock_people(slot.host, guest)
        profile = Profile.objects.get(user=guest)
        if profile.is_booking_suspended(now):
            raise BookingSuspended(_suspension_message(profile))
        zone = profile.zone
        mine = clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first()
        if mine:
            raise TimeConflict(_clash_message("You are", mine, zone))
        if clashes(user=slot.host, starts_at=slot.starts_at, ends_at=slot.ends_at).exists():
            raise SlotTaken(SLOT_TAKEN)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    slot=slot,
                    host=slot.host,
                    guest=guest,
                    interview_type=slot.interview_type,
                    host_role=slot.host_role,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    meeting_url=new_meeting_url(),
                    created_at=now,
                )
                BookingParticipant.objects.bulk_create(
                    [
                        BookingParticipant(
                            booking=booking,
                            user=person,
                            starts_at=slot.starts_at,
                            ends_at=slot.ends_at,
                        )
                        for person in (slot.host, guest)
                    ]
                )
        except (IntegrityError, OperationalError) as exc:
            if not _lost_a_race(exc):
                raise
            # Someone committed an overlapping booking between our checks and
            # our insert. Say whose calendar filled up.
            logger.info("Booking of slot %s by user %s refused by the database", slot.pk, guest.pk)
            mine = clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first()
            if mine:
                raise TimeConflict(_clash_message("You are", mine, zone)) from None
            raise SlotTaken(SLOT_TAKEN) from None
        _create_rounds(booking, level=slot.level)
        slot.status = Slot.Status.BOOKED
        slot.save(update_fields=["status"])
        signals.booking_confirmed.send(sender=Booking, booking=booking)
    return booking
