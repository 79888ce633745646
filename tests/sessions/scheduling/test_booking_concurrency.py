"""Real concurrent transactions on PostgreSQL: nobody is ever double-booked.

Each test releases its threads together with a Barrier; every thread has its
own database connection and closes it at the end.
"""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from sessions.models import Booking, BookingParticipant, Slot
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling.scheduling_support import make_slot, soon

# serialized_rollback puts the seeded questions and rubrics back after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(count: int, work) -> tuple[list, float]:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, time.perf_counter() - started


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n[concurrency] {line}")


def test_twenty_people_booking_one_slot_get_one_booking_and_nineteen_clean_refusals(capsys):
    host = UserFactory()
    slot = make_slot(host=host)
    guests = [UserFactory() for _ in range(20)]

    def book(i):
        return services.book_slot(slot=Slot(pk=slot.pk), guest=guests[i])

    results, elapsed = run_together(20, book)
    booked = [r for r in results if isinstance(r, Booking)]
    taken = [r for r in results if isinstance(r, services.SlotTaken)]
    other = [r for r in results if r not in booked and r not in taken]
    report(
        capsys,
        f"20 bookers, one slot (service): {len(booked)} booked, {len(taken)} 'just taken', "
        f"{len(other)} other outcomes, {elapsed:.2f} s",
    )
    assert other == []
    assert len(booked) == 1
    assert len(taken) == 19
    assert all("just taken" in r.message for r in taken)
    assert Booking.objects.count() == 1
    assert BookingParticipant.objects.count() == 2
    slot.refresh_from_db()
    assert slot.status == Slot.Status.BOOKED


def test_twenty_people_posting_the_booking_form_at_once_never_see_a_500(capsys):
    host = UserFactory()
    slot = make_slot(host=host)
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(UserFactory())
        clients.append(client)
    url = reverse("sessions:book", args=[slot.pk])

    def post(i):
        response = clients[i].post(url, follow=True)
        return response.status_code, response.redirect_chain[-1][0], response.content.decode()

    results, elapsed = run_together(20, post)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    statuses = sorted({status for status, _, _ in results})
    winners = [r for r in results if "/interviews/find/" not in r[1]]
    losers = [r for r in results if "/interviews/find/" in r[1]]
    report(
        capsys,
        f"20 bookers, one slot (view, test Client): statuses {statuses}, {len(winners)} booked, "
        f"{len(losers)} saw 'just taken', {elapsed:.2f} s",
    )
    assert statuses == [200]
    assert len(winners) == 1
    assert "Booked." in winners[0][2]
    assert len(losers) == 19
    assert all("This slot was just taken by someone else" in body for _, _, body in losers)
    assert Booking.objects.count() == 1


def test_two_overlapping_slots_of_one_host_cannot_both_be_booked(capsys, caplog):
    # Ten rounds of the race, so both orders and the database's own refusal all happen.
    caplog.set_level(logging.INFO, logger="sessions.scheduling.services")
    outcomes = []
    for round_number in range(10):
        host = UserFactory()
        start = soon(48 + round_number * 3)
        first = make_slot(host=host, starts_at=start)
        second = make_slot(host=host, starts_at=start + timedelta(minutes=30))
        guests = [UserFactory(), UserFactory()]
        slots = [first, second]

        def book(i, slots=slots, guests=guests):
            return services.book_slot(slot=Slot(pk=slots[i].pk), guest=guests[i])

        results, _ = run_together(2, book)
        booked = [r for r in results if isinstance(r, Booking)]
        refused = [r for r in results if isinstance(r, services.SlotTaken)]
        assert len(booked) == 1, results
        assert len(refused) == 1, results
        assert Booking.objects.filter(host=host).count() == 1
        outcomes.append(booked[0].slot_id == first.pk)
    by_database = sum("refused by the database" in r.getMessage() for r in caplog.records)
    report(
        capsys,
        f"2 guests, 2 overlapping slots of one host, 10 races: 10 × one booking; "
        f"first slot won {sum(outcomes)} times, second {10 - sum(outcomes)}; "
        f"the exclusion constraint decided {by_database} of them",
    )


def test_one_guest_booking_two_overlapping_slots_at_once_gets_one():
    guest = UserFactory()
    start = soon(48)
    slots = [make_slot(host=UserFactory(), starts_at=start + timedelta(minutes=m)) for m in (0, 45)]

    def book(i):
        return services.book_slot(slot=Slot(pk=slots[i].pk), guest=guest)

    results, _ = run_together(2, book)
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert sum(isinstance(r, services.TimeConflict) for r in results) == 1, results
    assert BookingParticipant.objects.filter(user=guest, live=True).count() == 1


def test_concurrent_completion_sweeps_count_each_session_once(capsys):
    host, guest = UserFactory(), UserFactory()
    for hours in range(2, 12):
        make_booking(host=host, guest=guest, starts_at=soon(-hours * 2))

    results, elapsed = run_together(4, lambda i: services.complete_finished_bookings())
    report(capsys, f"4 concurrent completion sweeps over 10 sessions: returned {results}")
    assert sum(results) == 10
    assert Profile.objects.get(user=host).completed_sessions == 10
    assert Profile.objects.get(user=guest).completed_sessions == 10
