"""Benchmarks: each figure printed with its ratio against a baseline measured in the same run.

Run with `make bench` (PostgreSQL and Redis, like the suite). These are
measurements, not tests of speed: the only assertions are that the pages
answered and that the work was really done.
"""

import statistics
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Booking
from sessions.scheduling import services
from tests.factories import UserFactory
from tests.sessions.grading.grading_support import bulk_graded_sessions
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = pytest.mark.bench

REPEATS = 7


def timed_get(client: Client, url: str) -> tuple[float, int]:
    """Median milliseconds over REPEATS requests, and the queries of one request."""
    client.get(url)  # warm caches and the template loader
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries)


def report(name: str, figure: str, value: float, baseline_name: str, baseline: float) -> None:
    print(  # noqa: T201 (the benchmark's output)
        f"\nBENCH {name}: {figure} = {value:.1f} ms | baseline {baseline_name} = "
        f"{baseline:.1f} ms | ratio {value / baseline:.2f}x"
    )


@pytest.mark.django_db
def test_dashboard_with_300_scorecards_against_3():
    grader, few, many = UserFactory(), UserFactory(), UserFactory()
    bulk_graded_sessions(candidate=few, grader=grader, count=3)
    bulk_graded_sessions(candidate=many, grader=grader, count=300, start_days_ago=800)
    url = reverse("sessions:dashboard")
    client = Client()
    client.force_login(few)
    base_ms, base_q = timed_get(client, url)
    client.force_login(many)
    ms, q = timed_get(client, url)
    report(
        "dashboard",
        f"300 scorecards ({q} queries)",
        ms,
        f"3 scorecards ({base_q} queries)",
        base_ms,
    )


@pytest.mark.django_db
def test_slot_search_with_300_open_slots_against_10():
    viewer = UserFactory()
    hosts = [UserFactory() for _ in range(50)]
    for i in range(10):
        make_slot(host=hosts[i], starts_at=soon(24 + i * 3))
    client = Client()
    client.force_login(viewer)
    url = reverse("sessions:find")
    base_ms, base_q = timed_get(client, url)
    for i in range(10, 300):
        make_slot(host=hosts[i % 50], starts_at=soon(24 + (i // 50) * 200 + (i % 50) * 3))
    ms, q = timed_get(client, url)
    report(
        "slot search",
        f"300 open slots ({q} queries)",
        ms,
        f"10 open slots ({base_q} queries)",
        base_ms,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_people_booking_one_slot_against_one_person():
    host = UserFactory()
    lone = UserFactory()
    slot = make_slot(host=host, starts_at=soon(30))
    started = time.perf_counter()
    services.book_slot(slot=slot, guest=lone)
    single_ms = (time.perf_counter() - started) * 1000

    contested = make_slot(host=host, starts_at=soon(60))
    guests = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list = [None] * 20

    def book(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.book_slot(slot=contested, guest=guests[i])
            outcomes[i] = "booked"
        except services.SlotTaken:
            outcomes[i] = "taken"
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(20)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    contested_ms = (time.perf_counter() - started) * 1000
    assert outcomes.count("booked") == 1 and outcomes.count("taken") == 19
    assert Booking.objects.filter(slot=contested).count() == 1
    report(
        "booking race",
        "20 concurrent bookers of one slot, all decided",
        contested_ms,
        "one uncontended booking",
        single_ms,
    )
    assert contested.starts_at - slot.starts_at == timedelta(hours=30)
