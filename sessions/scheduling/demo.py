"""Demo slots and bookings for `make run`, between the demo people of accounts.demo.

Times are anchored to today (open slots, upcoming bookings) and to this
week's Monday (past sessions), and every row is looked up before it is
created, so running the loader twice changes nothing.
"""

from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from accounts.models import Level, Profile, User
from sessions.timeutils import localize

from . import services
from .models import (
    DEFAULT_MINUTES,
    Booking,
    BookingParticipant,
    HostRole,
    InterviewType,
    Round,
    Slot,
)
from .selectors import clashes

SD, BEH, COD, COMP = (
    InterviewType.SYSTEM_DESIGN,
    InterviewType.BEHAVIORAL,
    InterviewType.CODING,
    InterviewType.COMPENSATION,
)
INT, CAND, SWAP = HostRole.INTERVIEWER, HostRole.CANDIDATE, HostRole.SWAP

# (host, days from today, local start, type, host role, level, note)
OPEN_SLOTS = [
    ("ada@example.com", (2, 5, 9, 12), "18:30", SD, SWAP, Level.STAFF,
     "Payments and ledgers are my home turf; happy to go deep."),
    ("ada@example.com", (3, 10), "12:00", COMP, CAND, Level.STAFF,
     "Practising a staff-level counter-offer."),
    ("ben@example.com", (1, 4, 7, 11, 13), "09:00", SD, INT, Level.STAFF,
     "I push hard on the first ten minutes: come with questions."),
    ("ben@example.com", (2, 9), "17:00", BEH, INT, Level.SENIOR, ""),
    ("chioma@example.com", (1, 6, 8), "19:00", BEH, SWAP, Level.SENIOR,
     "Two stories each, then feedback."),
    ("chioma@example.com", (4, 11), "20:00", COD, CAND, Level.SENIOR, ""),
    ("dev@example.com", (2, 5, 9), "20:30", COD, SWAP, Level.SENIOR, ""),
    ("dev@example.com", (3, 7, 12), "21:00", SD, CAND, Level.SENIOR,
     "First senior loop in three weeks."),
    ("elena@example.com", (1, 3, 5, 8, 10, 12), "12:00", COMP, INT, Level.STAFF,
     "I play a tough recruiter with a real offer sheet."),
    ("elena@example.com", (6, 13), "10:00", BEH, INT, Level.STAFF, ""),
]  # fmt: skip

# (guest, host, days from today, type): open slots above that get booked.
UPCOMING = [
    ("ada@example.com", "ben@example.com", 4, SD),
    ("dev@example.com", "elena@example.com", 1, COMP),
    ("ben@example.com", "chioma@example.com", 6, BEH),
]

# (weeks ago, weekday, UTC start, host, guest, type, host role, minutes per round)
PAST = [
    *[(k, 1, "16:00", "ben@example.com", "ada@example.com", SD, INT, 60) for k in range(1, 7)],
    *[(k, 3, "15:00", "elena@example.com", "ada@example.com", BEH, INT, 45) for k in (1, 3, 5)],
    *[(k, 4, "16:00", "elena@example.com", "ada@example.com", COMP, INT, 30) for k in (2, 4)],
    *[(k, 2, "14:00", "chioma@example.com", "dev@example.com", COD, SWAP, 60) for k in (1, 2, 4)],
    (1, 5, "10:00", "ada@example.com", "dev@example.com", SD, INT, 60),
]


def _people() -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__endswith="@example.com")}


def _free(user, starts_at: datetime, ends_at: datetime) -> bool:
    if clashes(user=user, starts_at=starts_at, ends_at=ends_at).exists():
        return False
    return not Slot.objects.filter(
        host=user,
        status__in=[Slot.Status.OPEN, Slot.Status.BOOKED],
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()


def _open_slots(people, now: datetime) -> int:
    created = 0
    for email, days, at, kind, role, level, note in OPEN_SLOTS:
        host = people.get(email)
        if host is None:
            continue
        zone = host.profile.zone
        today = now.astimezone(zone).date()
        minutes = DEFAULT_MINUTES[kind] * (2 if role == SWAP else 1)
        for offset in days:
            try:
                starts_at = localize(
                    day=today + timedelta(days=offset), at=time.fromisoformat(at), zone=zone
                ).astimezone(UTC)
            except ValidationError:
                continue  # a DST gap: skip rather than guess
            ends_at = starts_at + timedelta(minutes=minutes)
            if Slot.objects.filter(host=host, starts_at=starts_at, interview_type=kind).exists():
                continue
            if starts_at < now + services.MIN_NOTICE or not _free(host, starts_at, ends_at):
                continue
            Slot.objects.create(
                host=host,
                starts_at=starts_at,
                ends_at=ends_at,
                interview_type=kind,
                host_role=role,
                level=level,
                note=note,
            )
            created += 1
    return created


def _upcoming(people, now: datetime) -> int:
    booked = 0
    for guest_email, host_email, offset, kind in UPCOMING:
        guest, host = people.get(guest_email), people.get(host_email)
        if guest is None or host is None:
            continue
        day = now.astimezone(host.profile.zone).date() + timedelta(days=offset)
        slots = Slot.objects.filter(host=host, interview_type=kind, starts_at__gt=now)
        slot = next(
            (s for s in slots if s.starts_at.astimezone(host.profile.zone).date() == day), None
        )
        if slot is None or slot.status != Slot.Status.OPEN:
            continue
        try:
            services.book_slot(slot=slot, guest=guest, now=now)
        except services.SchedulingError:
            continue
        booked += 1
    return booked


def _past(people, now: datetime) -> int:
    monday = (now - timedelta(days=now.weekday())).date()
    created = 0
    for weeks_ago, weekday, at, host_email, guest_email, kind, role, minutes in PAST:
        host, guest = people.get(host_email), people.get(guest_email)
        if host is None or guest is None:
            continue
        day = monday - timedelta(weeks=weeks_ago) + timedelta(days=weekday)
        starts_at = datetime.combine(day, time.fromisoformat(at), tzinfo=UTC)
        ends_at = starts_at + timedelta(minutes=minutes * (2 if role == SWAP else 1))
        if Booking.objects.filter(host=host, guest=guest, starts_at=starts_at).exists():
            continue
        if not (_free(host, starts_at, ends_at) and _free(guest, starts_at, ends_at)):
            continue
        slot = Slot.objects.create(
            host=host,
            starts_at=starts_at,
            ends_at=ends_at,
            interview_type=kind,
            host_role=role,
            level=guest.profile.target_level,
            status=Slot.Status.BOOKED,
            created_at=starts_at - timedelta(days=5),
        )
        booking = Booking.objects.create(
            slot=slot,
            host=host,
            guest=guest,
            interview_type=kind,
            host_role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            status=Booking.Status.COMPLETED,
            meeting_url=services.new_meeting_url(),
            created_at=slot.created_at,
        )
        BookingParticipant.objects.bulk_create(
            [
                BookingParticipant(booking=booking, user=p, starts_at=starts_at, ends_at=ends_at)
                for p in (host, guest)
            ]
        )
        pairs = [(host, guest), (guest, host)] if role == SWAP else [(host, guest)]
        questions = services.pick_questions(
            interview_type=kind, level=slot.level, candidates=[c for _, c in pairs]
        )
        for number, ((interviewer, candidate), question) in enumerate(
            zip(pairs, questions, strict=True), start=1
        ):
            Round.objects.create(
                booking=booking,
                number=number,
                interviewer=interviewer,
                candidate=candidate,
                question=question,
            )
        Profile.objects.filter(user__in=[host, guest]).update(
            completed_sessions=F("completed_sessions") + 1
        )
        created += 1
    return created


def load(stdout) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    people = _people()
    past = _past(people, now)
    slots = _open_slots(people, now)
    booked = _upcoming(people, now)
    stdout.write(
        f"Scheduling demo: {slots} new open slots, {booked} new upcoming bookings, "
        f"{past} new past sessions."
    )
