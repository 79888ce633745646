"""Booking a slot: lock, check, insert; the database constraints have the last word."""

import logging
import random
import secrets
from dataclasses import dataclass
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

from .availability import booking_refusal, refresh_holds
from .questions import match_topic, questions_seen_by
from .rules import (
    LEVEL_ORDER,
    SLOT_TAKEN,
    BookingSuspended,
    ScheduleRulesRefused,
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


@dataclass(frozen=True)
class QuestionWish:
    """What someone asked for one round: a bank question, a topic in their words, or both."""

    question: Question | None = None
    topic: str = ""

    def __bool__(self) -> bool:
        return bool(self.question or self.topic.strip())


def pick_questions(
    *,
    interview_type: str,
    level: str,
    candidates: list,
    booking: Booking | None = None,
    wishes: list[QuestionWish | None] | None = None,
) -> list[Question | None]:
    """One question per round, in the order of `candidates`.

    A wished-for bank question is used as it is. A wished-for topic gets the
    bank question whose title matches it, or none (the room then shows the
    topic to the interviewer). Otherwise: the slot's level first, preferably
    one the candidate has not been asked before, and never one they have seen
    when their profile asks not to repeat questions. Never the same question
    twice in a booking.
    """
    pool = list(Question.objects.filter(interview_type=interview_type, active=True))
    wanted = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 1
    wishes = list(wishes or [])
    wishes += [None] * (len(candidates) - len(wishes))
    used: set[int] = set()
    picked: list[Question | None] = []
    for candidate, wish in zip(candidates, wishes, strict=True):
        if wish and wish.question:
            used.add(wish.question.pk)
            picked.append(wish.question)
            continue
        seen = questions_seen_by(candidate)
        avoid = Profile.objects.filter(user=candidate, avoid_seen_questions=True).exists()
        options = [q for q in pool if q.pk not in used and not (avoid and q.pk in seen)]
        if wish and wish.topic:
            choice = match_topic(wish.topic, options)
        else:
            options.sort(
                key=lambda q: (
                    abs(LEVEL_ORDER.index(q.level) - wanted) if q.level in LEVEL_ORDER else 9,
                    q.pk in seen,
                    random.random(),
                )
            )
            choice = options[0] if options else None
        if choice is not None:
            used.add(choice.pk)
        picked.append(choice)
    return picked


def guest_may_choose(slot: Slot) -> bool:
    """Whether the person booking may ask for a question or topic.

    In a swap the guest chooses for their own round (the host chose for theirs
    when publishing); otherwise only when the host left it open.
    """
    return slot.host_role == HostRole.SWAP or not (slot.question_id or slot.topic.strip())


def _create_rounds(
    booking: Booking, *, level: str, guest_wish: QuestionWish | None = None
) -> list[Round]:
    host, guest = booking.host, booking.guest
    slot = booking.slot
    slot_wish = QuestionWish(question=slot.question, topic=slot.topic.strip())
    if booking.host_role == HostRole.CANDIDATE:
        pairs = [(guest, host)]
        wishes = [slot_wish or guest_wish]
    elif booking.host_role == HostRole.SWAP:
        # First half: the host interviews the guest; second half the other way round.
        pairs = [(host, guest), (guest, host)]
        wishes = [guest_wish, slot_wish]
    else:
        pairs = [(host, guest)]
        wishes = [slot_wish or guest_wish]
    questions = pick_questions(
        interview_type=booking.interview_type,
        level=level,
        candidates=[candidate for _, candidate in pairs],
        wishes=wishes,
    )
    return [
        Round.objects.create(
            booking=booking,
            number=number,
            interviewer=interviewer,
            candidate=candidate,
            question=question,
            topic=(wish.topic.strip() if wish else "")[:200],
        )
        for number, ((interviewer, candidate), question, wish) in enumerate(
            zip(pairs, questions, wishes, strict=True), start=1
        )
    ]


def _check_wish(slot: Slot, wish: QuestionWish | None) -> None:
    if not wish:
        return
    if not guest_may_choose(slot):
        raise SchedulingError(
            f"{slot.host.display_name} already chose what this interview is about."
        )
    question = wish.question
    if question is not None and (
        question.interview_type != slot.interview_type or not question.active
    ):
        raise SchedulingError(
            f"Pick a {slot.get_interview_type_display().lower()} question from the list."
        )


def not_open_message(slot: Slot) -> str:
    if slot.status == Slot.Status.BOOKED:
        return SLOT_TAKEN
    if slot.status == Slot.Status.HELD:
        return (
            f"{slot.host.display_name} can't take more interviews around then. Pick another time."
        )
    return "This slot was withdrawn."


def book_slot(
    *,
    slot: Slot,
    guest,
    now: datetime | None = None,
    question: Question | None = None,
    topic: str = "",
) -> Booking:
    """Book an open slot for `guest`, or raise a SchedulingError saying why not.

    `question` and `topic` are what the guest asks to be interviewed on (or, as
    the interviewer, what they will ask), allowed where `guest_may_choose`.

    The slot row is locked first, so concurrent bookers of one slot queue up
    and every one after the first finds it booked. Bookers of different slots
    that overlap in time are stopped by the exclusion constraint.
    """
    now = now or timezone.now()
    try:
        return _book(slot=slot, guest=guest, now=now, question=question, topic=topic)
    except ScheduleRulesRefused:
        # Another booking may have filled the day while this slot was locked
        # here: hold what the rules now refuse, so Find stops offering it.
        refresh_holds(
            host=Slot.objects.select_related("host__profile").get(pk=slot.pk).host, now=now
        )
        raise


def _book(*, slot: Slot, guest, now: datetime, question: Question | None, topic: str) -> Booking:
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",)).select_related("question").get(pk=slot.pk)
        )
        if slot.host_id == guest.pk:
            raise SchedulingError("This is your own slot; someone else has to book it.")
        guest_wish = QuestionWish(question=question, topic=(topic or "").strip()[:200])
        _check_wish(slot, guest_wish)
        if slot.status != Slot.Status.OPEN:
            raise SlotTaken(not_open_message(slot))
        if slot.starts_at <= now:
            raise SchedulingError("This slot has already started. Pick a later one.")
        _lock_people(slot.host, guest)
        profile = Profile.objects.get(user=guest)
        if profile.is_booking_suspended(now):
            raise BookingSuspended(_suspension_message(profile))
        # An occurrence of a weekly schedule also follows its rules (notice, buffers, cap).
        refusal = booking_refusal(slot=slot, now=now)
        if refusal:
            raise ScheduleRulesRefused(refusal)
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
        _create_rounds(booking, level=slot.level, guest_wish=guest_wish or None)
        slot.status = Slot.Status.BOOKED
        slot.save(update_fields=["status"])
        signals.booking_confirmed.send(sender=Booking, booking=booking)
    return booking
