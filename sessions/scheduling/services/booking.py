"""Booking a slot: lock, check, insert; the database constraints have the last word."""

import logging
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

from .availability import booking_refusal, materialise_schedule
from .questions import QuestionPicker
from .rules import (
    NO_LONGER_OFFERED,
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


def lost_a_race(exc: Exception) -> bool:
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
    wishes = list(wishes or [])
    wishes += [None] * (len(candidates) - len(wishes))
    return QuestionPicker([c.pk for c in candidates]).pick(
        interview_type=interview_type, level=level, candidates=candidates, wishes=wishes
    )


def guest_may_choose(slot: Slot) -> bool:
    """Whether the person booking may ask for a question or topic.

    In a swap the guest chooses for their own round (the host chose for theirs
    when publishing); otherwise only when the host left it open.
    """
    return slot.host_role == HostRole.SWAP or not (slot.question_id or slot.topic.strip())


def new_rounds(
    booking: Booking,
    *,
    level: str,
    picker: QuestionPicker,
    guest_wish: QuestionWish | None = None,
) -> list[Round]:
    """The unsaved rounds of a new booking, with their questions (see `pick_questions`)."""
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
    questions = picker.pick(
        interview_type=booking.interview_type,
        level=level,
        candidates=[candidate for _, candidate in pairs],
        wishes=wishes,
    )
    return [
        Round(
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


def check_slot(slot: Slot, guest, *, now: datetime, wish: QuestionWish | None = None) -> None:
    """The slot's side of booking it for `guest`: not their own, what they wish
    for allowed, still open, not started. Raises the SchedulingError to show."""
    if slot.host_id == guest.pk:
        raise SchedulingError("This is your own slot; someone else has to book it.")
    _check_wish(slot, wish)
    if slot.status != Slot.Status.OPEN:
        raise SlotTaken(not_open_message(slot))
    if slot.starts_at <= now:
        raise SchedulingError("This slot has already started. Pick a later one.")


def check_people(
    *, profile: Profile, guest_clash: BookingParticipant | None, host_busy: bool, now: datetime
) -> None:
    """The people's side, read after their rows are locked: the guest (whose
    `profile` this is) is not suspended and has no live booking overlapping
    the slot (`guest_clash`, the earliest such row, or None), and the host
    has none either. Raises the SchedulingError to show."""
    if profile.is_booking_suspended(now):
        raise BookingSuspended(_suspension_message(profile))
    if guest_clash is not None:
        raise TimeConflict(_clash_message("You are", guest_clash, profile.zone))
    if host_busy:
        raise SlotTaken(SLOT_TAKEN)


def new_booking(slot: Slot, guest, *, now: datetime) -> tuple[Booking, list[BookingParticipant]]:
    """The unsaved confirmed booking of `slot` by `guest`, and its two participant rows."""
    booking = Booking(
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
    participants = [
        BookingParticipant(
            booking=booking, user=person, starts_at=slot.starts_at, ends_at=slot.ends_at
        )
        for person in (slot.host, guest)
    ]
    return booking, participants


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
    that overlap in time are stopped by the exclusion constraint. Announces
    `bookings_confirmed` with the one booking.
    """
    now = now or timezone.now()
    try:
        return _book(slot=slot, guest=guest, now=now, question=question, topic=topic)
    except ScheduleRulesRefused:
        # Another booking may have filled the day, or an edit of the hours skipped
        # this time while it was locked here: bring the schedule in line (which
        # holds what the rules now refuse), so Find stops offering it.
        schedule = Slot.objects.get(pk=slot.pk).schedule
        if schedule is not None:
            materialise_schedule(schedule=schedule, now=now)
        raise


def _book(*, slot: Slot, guest, now: datetime, question: Question | None, topic: str) -> Booking:
    with transaction.atomic():
        try:
            slot = (
                Slot.objects.select_for_update(of=("self",))
                .select_related("question")
                .get(pk=slot.pk)
            )
        except Slot.DoesNotExist:
            # An unbooked time of a weekly schedule is deleted when its hours change.
            raise SlotTaken(NO_LONGER_OFFERED) from None
        guest_wish = QuestionWish(question=question, topic=(topic or "").strip()[:200])
        check_slot(slot, guest, now=now, wish=guest_wish)
        _lock_people(slot.host, guest)
        profile = Profile.objects.get(user=guest)
        check_people(
            profile=profile,
            guest_clash=clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first(),
            host_busy=clashes(
                user=slot.host, starts_at=slot.starts_at, ends_at=slot.ends_at
            ).exists(),
            now=now,
        )
        # An occurrence of a weekly schedule also follows its rules (notice, buffers, cap).
        refusal = booking_refusal(slot=slot, now=now)
        if refusal:
            raise ScheduleRulesRefused(refusal)
        booking, participants = new_booking(slot, guest, now=now)
        try:
            with transaction.atomic():
                booking.save()
                BookingParticipant.objects.bulk_create(participants)
        except (IntegrityError, OperationalError) as exc:
            if not lost_a_race(exc):
                raise
            # Someone committed an overlapping booking between our checks and
            # our insert. Say whose calendar filled up.
            logger.info("Booking of slot %s by user %s refused by the database", slot.pk, guest.pk)
            mine = clashes(user=guest, starts_at=slot.starts_at, ends_at=slot.ends_at).first()
            if mine:
                raise TimeConflict(_clash_message("You are", mine, profile.zone)) from None
            raise SlotTaken(SLOT_TAKEN) from None
        picker = QuestionPicker([slot.host_id, guest.pk])
        Round.objects.bulk_create(
            new_rounds(booking, level=slot.level, picker=picker, guest_wish=guest_wish or None)
        )
        slot.status = Slot.Status.BOOKED
        slot.save(update_fields=["status"])
        signals.bookings_confirmed.send(sender=Booking, bookings=[booking])
    return booking
