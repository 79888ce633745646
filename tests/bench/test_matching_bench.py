"""Practice now benchmark: 10,000 open requests matched by one worker.

Printed against a same-run baseline: the naive first-fit pairing of the same
pool (in line order, each request takes the first request that fits). The
full run reads the pool from PostgreSQL, plans, and books every pairing
through the scheduling service, one transaction a pairing, as a worker does.
"""

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import Profile, User
from sessions.matching import matcher, rules
from sessions.matching.models import MatchRequest, MatchWindow
from sessions.scheduling.models import Booking

pytestmark = pytest.mark.bench

REQUESTS = 10_000
PEOPLE = 5_000
NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
ZONES = ["America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"]
TYPES = ["system_design", "behavioral", "coding", "compensation"]
LEVELS = ["mid", "senior", "staff", "principal"]


def build_pool(seed: int = 15) -> None:
    """People in five zones with up to three requests each; 1-5 windows of 1-4 hours
    on the half hour within the next 14 days."""
    rnd = random.Random(seed)
    users = User.objects.bulk_create(
        User(email=f"pool{i}@example.com", password="!") for i in range(PEOPLE)
    )
    Profile.objects.bulk_create(
        Profile(user=u, timezone=rnd.choice(ZONES), calendar_token=f"bench-{u.pk}") for u in users
    )
    requests = []
    for i in range(REQUESTS):
        kind = rnd.choice(TYPES)
        requests.append(
            MatchRequest(
                person=users[i % PEOPLE],
                interview_type=kind,
                role=rnd.choice(rules.ROLES),
                either_role=rnd.random() < 0.3,
                level=rnd.choice(LEVELS),
                target_level=rnd.choice(LEVELS),
                minutes=60 if kind in ("system_design", "coding") else rnd.choice([30, 45]),
                created_at=NOW - timedelta(minutes=rnd.randint(0, 5000)),
                expires_at=NOW + timedelta(days=14),
            )
        )
    requests = MatchRequest.objects.bulk_create(requests)
    windows = []
    for request in requests:
        for _ in range(rnd.randint(1, 5)):
            start = NOW + timedelta(minutes=30 * rnd.randint(4, 14 * 48 - 8))
            windows.append(
                MatchWindow(
                    request=request,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=60 * rnd.randint(1, 4)),
                )
            )
    MatchWindow.objects.bulk_create(windows, batch_size=5000)


def report(name: str, figure: str, value: float, baseline_name: str, baseline: float) -> None:
    print(  # noqa: T201 (the benchmark's output)
        f"\nBENCH {name}: {figure} = {value:.2f} | baseline {baseline_name} = {baseline:.2f} "
        f"| ratio {value / baseline:.2f}x"
    )


# Transactional, so every pairing commits and queues its emails as in a worker.
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(3000)
def test_ten_thousand_open_requests_matched_by_one_worker():
    build_pool()
    with time_machine.travel(NOW, tick=True):
        pool = matcher.load_pool(NOW)
        assert len(pool.requests) == REQUESTS

        started = time.perf_counter()
        naive = rules.first_fit(pool)
        naive_s = time.perf_counter() - started

        started = time.perf_counter()
        planned = rules.match(pool)
        plan_s = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        run = matcher.run(now=NOW)
        run_s, run_cpu = time.perf_counter() - started, time.process_time() - cpu

    booked = Booking.objects.count()
    assert run.booked == booked == MatchRequest.objects.filter(status="matched").count() // 2
    assert run.planned == len(planned)
    report("matching plan", "pairs by the rules", len(planned), "first-fit pairs", len(naive))
    report("matching plan", "seconds to plan 10k requests", plan_s, "first-fit seconds", naive_s)
    report(
        "matching run",
        f"seconds to read, plan and book 10k requests ({run.booked} bookings, "
        f"{run.skipped} skipped)",
        run_s,
        "first-fit plan seconds",
        naive_s,
    )
    print(  # noqa: T201
        f"\nBENCH matching run: {run.booked} bookings in {run_s:.1f} s = "
        f"{1000 * run_s / max(run.booked, 1):.1f} ms a booking; plan {plan_s:.1f} s; "
        f"worker CPU {run_cpu:.1f} s (wall time includes PostgreSQL and a shared machine)"
    )
    assert len(planned) >= len(naive)
