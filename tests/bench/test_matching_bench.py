"""Practice now benchmark: 10,000 open requests matched by one worker.

Printed against a same-run baseline: the naive first-fit pairing of the same
pool (in line order, each request takes the first request that fits), and,
for a like-for-like time, the pairing rules alone on that same pool object
(CPU seconds too, since the machine is shared). The full run is a worker's: it reads the pool from PostgreSQL, plans, and books
every pairing through the scheduling service's batch path (a transaction per
batch of pairings). The machine is shared, so the load average is printed. With BENCH_PROFILE=<path>
the worker's run is profiled (cProfile) into that file.
"""

import cProfile
import os
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


def say(line: str) -> None:
    print(f"\nBENCH matching {line}")  # noqa: T201 (the benchmark's output)


# Transactional, so every batch commits and queues its emails as in a worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.timeout(3000)
def test_ten_thousand_open_requests_matched_and_booked_by_one_worker():
    load_at_start = os.getloadavg()
    build_pool()
    with time_machine.travel(NOW, tick=True):
        pool = matcher.load_pool(NOW)
        assert len(pool.requests) == REQUESTS

        started, cpu = time.perf_counter(), time.process_time()
        naive = rules.first_fit(pool)
        naive_s, naive_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        alone = rules.match(pool)
        alone_s, alone_cpu = time.perf_counter() - started, time.process_time() - cpu

        profile_to = os.environ.get("BENCH_PROFILE")
        profiler = cProfile.Profile() if profile_to else None
        started, cpu = time.perf_counter(), time.process_time()
        run = profiler.runcall(matcher.run, now=NOW) if profiler else matcher.run(now=NOW)
        run_s, run_cpu = time.perf_counter() - started, time.process_time() - cpu
        if profiler:
            profiler.dump_stats(profile_to)
    load_at_end = os.getloadavg()

    booked = Booking.objects.count()
    assert run.booked == booked == MatchRequest.objects.filter(status="matched").count() // 2
    say(f"requests: {REQUESTS}")
    say(f"pairs made: {run.booked} (planned {run.planned}, skipped {run.skipped})")
    say(f"first-fit pairs: {len(naive)}")
    say(
        f"planning s: {run.planning_seconds:.2f} (reading the pool and pairing it; "
        f"CPU {run.planning_cpu_seconds:.2f} s)"
    )
    each_ms = 1000 * run.booking_seconds / max(booked, 1)
    say(
        f"booking s: {run.booking_seconds:.2f} ({each_ms:.2f} ms a booking; "
        f"CPU {run.booking_cpu_seconds:.2f} s)"
    )
    say(f"total s: {run_s:.2f} (worker CPU {run_cpu:.2f} s)")
    say(f"ratio vs first-fit time: {run_s / naive_s:.1f}x (first-fit pairing {naive_s:.2f} s)")
    say(
        f"pairing alone, same pool: rules {alone_s:.2f} s (CPU {alone_cpu:.2f} s, "
        f"{len(alone)} pairs); first-fit {naive_s:.2f} s (CPU {naive_cpu:.2f} s, {len(naive)} pairs)"
    )
    say(
        "load average at start: {:.2f} {:.2f} {:.2f}; at end: {:.2f} {:.2f} {:.2f}".format(
            *load_at_start, *load_at_end
        )
    )
    # The wall clock depends on the machine's load (printed above), so the
    # 10-second target is reported, not asserted; the pairs made are asserted.
    say(f"target under 10 s: {'met' if run_s < 10 else 'NOT met'}")
    assert run.booked >= len(naive)
    # Deterministic: the worker planned from its own read what the rules gave here.
    assert run.planned == len(alone)
