"""Booking many new slots at once gives exactly what book_slot gives one by one."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from sessions.notifications.models import Reminder
from sessions.notifications.services import send_due_reminders
from sessions.scheduling.models import Booking, BookingParticipant, Question, Round, Slot
from sessions.scheduling.services import SchedulingError, book_new_slots, book_slot
from tests.factories import UserFactory, make_booking

NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
NAMES = ["Ada", "Ben", "Cy", "Dee", "Eve"]
ZONES = ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "UTC", "UTC"]

# (host, guest, hours from now, minutes, host role, interview type)
PAIRS = [
    (0, 1, 48, 60, "interviewer", "system_design"),
    (2, 0, 50, 120, "swap", "coding"),
    # Ben hosts while he is Ada's candidate: "just taken", as book_slot says.
    (1, 2, 48.5, 60, "candidate", "behavioral"),
    # Three hours ahead: the 1-hour reminder only. Ada's question here is one
    # she must not get again at 60 h.
    (3, 0, 3, 60, "interviewer", "system_design"),
    (1, 1, 70, 60, "interviewer", "coding"),  # his own slot
    (0, 4, 72, 60, "interviewer", "coding"),  # Eve's booking is suspended
    (0, 3, 60, 60, "candidate", "system_design"),  # Ada's third, Dee's second
    (3, 2, 60.5, 60, "interviewer", "system_design"),  # Dee is busy then
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def people(world: str) -> list:
    persons = []
    for name, zone in zip(NAMES, ZONES, strict=True):
        person = UserFactory(email=f"{world}-{name.lower()}@example.com", tz=zone)
        person.profile.display_name = name
        if name == "Eve":
            person.profile.booking_suspended_until = NOW + timedelta(days=3)
        person.profile.save()
        persons.append(person)
    # Ada was asked a question before and does not want it again.
    earlier = make_booking(host=persons[3], guest=persons[0], starts_at=NOW - timedelta(days=3))
    Booking.objects.filter(pk=earlier.pk).update(status="completed")
    Round.objects.filter(booking=earlier).update(question=question_for("system_design"))
    persons[0].profile.avoid_seen_questions = True
    persons[0].profile.save()
    return persons


def question_for(kind: str) -> Question:
    return Question.objects.filter(interview_type=kind, active=True).order_by("pk").first()


def new_slots(persons) -> list[tuple[Slot, object]]:
    return [
        (
            Slot(
                host=persons[host],
                starts_at=NOW + timedelta(hours=hours),
                ends_at=NOW + timedelta(hours=hours, minutes=minutes),
                interview_type=kind,
                host_role=role,
                level="senior",
                note="Paired",
                created_at=NOW,
            ),
            persons[guest],
        )
        for host, guest, hours, minutes, role, kind in PAIRS
    ]


def book_one_by_one(pairs) -> list:
    outcomes = []
    for slot, guest in pairs:
        try:
            with transaction.atomic():
                slot.save()
                outcomes.append(book_slot(slot=slot, guest=guest, now=NOW))
        except SchedulingError as exc:
            outcomes.append(exc)
    return outcomes


def described(persons, outcomes) -> dict:
    """Every row the bookings wrote, and the emails the sweep then sends, with
    people as their names and bookings as their place in the list."""
    name = {p.pk: p.profile.display_name for p in persons}
    bookings = [o for o in outcomes if isinstance(o, Booking)]
    place = {b.pk: i for i, b in enumerate(bookings)}
    mail.outbox.clear()
    send_due_reminders(now=NOW)
    return {
        "outcomes": [o.message if isinstance(o, SchedulingError) else "booked" for o in outcomes],
        "slots": sorted(
            (name[s.host_id], s.starts_at, s.ends_at, s.interview_type, s.host_role, s.status)
            for s in Slot.objects.filter(host__in=persons, note="Paired")
        ),
        "bookings": [
            (
                name[b.host_id],
                name[b.guest_id],
                b.interview_type,
                b.host_role,
                b.starts_at,
                b.ends_at,
                b.status,
                b.calendar_sequence,
                b.created_at,
                b.slot.status,
                b.meeting_url.startswith(settings.MEETING_BASE_URL),
            )
            for b in Booking.objects.filter(pk__in=place).order_by("pk")
        ],
        "participants": sorted(
            (place[r.booking_id], name[r.user_id], r.starts_at, r.ends_at, r.live)
            for r in BookingParticipant.objects.filter(booking__in=place)
        ),
        "rounds": sorted(
            (place[r.booking_id], r.number, name[r.interviewer_id], name[r.candidate_id])
            + (r.question_id, r.topic)
            for r in Round.objects.filter(booking__in=place)
        ),
        "reminders": sorted(
            (place[r.booking_id], name[r.recipient_id], r.kind, r.due_at, r.status)
            for r in Reminder.objects.filter(booking__in=place)
        ),
        "emails": sorted((m.to[0].split("-")[1], m.subject) for m in mail.outbox),
    }


@pytest.mark.django_db
def test_a_batch_writes_the_rows_and_emails_of_booking_each_pair_alone():
    alone, together = people("alone"), people("batch")

    random.seed(15)
    one_by_one = described(alone, book_one_by_one(new_slots(alone)))
    random.seed(15)
    batch = described(together, book_new_slots(pairs=new_slots(together), now=NOW))

    assert batch == one_by_one
    # And it is a real comparison: bookings, refusals, emails and reminders.
    assert one_by_one["outcomes"].count("booked") == 4
    assert {m for m in one_by_one["outcomes"] if m != "booked"} == {
        "This slot was just taken by someone else. Pick another one.",
        "This is your own slot; someone else has to book it.",
        batch["outcomes"][5],
    } and batch["outcomes"][5].startswith("Booking is paused until")
    assert len(one_by_one["emails"]) == 8 and len(one_by_one["reminders"]) > 20
    asked_ada = [r[4] for r in one_by_one["rounds"] if r[3] == "Ada" and r[4]]
    assert len(asked_ada) == len(set(asked_ada)) == 3
    assert question_for("system_design").pk not in asked_ada


@pytest.mark.django_db
def test_the_slots_given_are_left_unsaved():
    pairs = new_slots(people("batch"))[:1]
    (booking,) = book_new_slots(pairs=pairs, now=NOW)
    assert pairs[0][0].pk is None and booking.slot.pk is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.timeout(60)
def test_a_batch_the_database_refuses_is_booked_one_pair_at_a_time():
    """A booking committed after the batch's checks and before its insert makes the
    exclusion constraint refuse the batch: every other pair is still booked."""
    persons = people("batch")
    pairs = new_slots(persons)
    ada, cy = persons[0], persons[2]
    rival = UserFactory()
    inserted, outcome = threading.Event(), {}

    def rival_booking():
        # Overlaps Ada's swap with Cy (pair 1), in a transaction that commits
        # only once the batch waits on it.
        try:
            with transaction.atomic():
                make_booking(host=rival, guest=cy, starts_at=NOW + timedelta(hours=50, minutes=30))
                inserted.set()
                deadline = time.monotonic() + 20
                while not outcome.get("waited") and time.monotonic() < deadline:
                    outcome["waited"] = _someone_waits_on_a_lock()
                    time.sleep(0.05)
        finally:
            connection.close()

    def batch():
        try:
            inserted.wait(10)
            outcome["result"] = book_new_slots(pairs=pairs, now=NOW)
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            outcome["result"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=rival_booking), threading.Thread(target=batch)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcome.get("waited"), "the batch never waited on the rival's booking"
    result = outcome["result"]
    assert isinstance(result, list), result
    booked = [i for i, o in enumerate(result) if isinstance(o, Booking)]
    assert booked == [0, 3, 6]
    assert isinstance(result[1], SchedulingError) and "just taken" in result[1].message
    assert Booking.objects.filter(host__in=persons).count() == 4  # three and the earlier one
    assert not Slot.objects.filter(host=cy, note="Paired").exists()
    assert (
        Reminder.objects.filter(
            booking__in=[result[i] for i in booked], kind="confirmation"
        ).count()
        == 6
    )
    assert ada.participations.filter(live=True, starts_at__gte=NOW).count() == 3


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first snapshot.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0
