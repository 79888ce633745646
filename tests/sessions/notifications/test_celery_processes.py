"""Exactly once across real worker processes: racing workers, and a worker killed mid-batch.

Workers are `celery -A interviewprep worker` subprocesses on the real Redis
broker and the test database. Sends are counted where they land (files of
Django's file backend, or a real SMTP server), by Message-ID, which is stable
per Reminder row.
"""

import re
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from django.conf import settings
from django.utils import timezone

from sessions.models import Reminder
from sessions.notifications.tasks import send_due_reminders, send_reminder
from tests.factories import UserFactory, make_booking
from tests.sessions.notifications.notifications_support import (
    SMTPServer,
    embedded_worker,
    flush_broker,
    kill_hard,
    use_smtp,
    wait_for,
    worker_process,
)

Kind, Status = Reminder.Kind, Reminder.Status
MESSAGE_ID = re.compile(rb"^Message-ID: <[^.>]+\.[a-z0-9_]+\.(\d+)@[^>]+>", re.MULTILINE)

# serialized_rollback like every transactional test here: the flush after it
# must leave the seeded rubrics and questions for the next one.
pytestmark = [
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]


def due_reminders(count_bookings: int) -> list[int]:
    """Two due 24-hour reminders per booking, bookings two hours apart from day 3 on."""
    host = UserFactory(email="host@example.com", tz="Europe/Berlin")
    guest = UserFactory(email="guest@example.com", tz="America/New_York")
    first = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    now = timezone.now()
    rows = []
    for i in range(count_bookings):
        booking = make_booking(host=host, guest=guest, starts_at=first + timedelta(hours=2 * i))
        rows += [
            Reminder(booking=booking, recipient=person, kind=Kind.REMINDER_24H, due_at=now)
            for person in (host, guest)
        ]
    return [row.pk for row in Reminder.objects.bulk_create(rows)]


def sends_in(folder: Path) -> Counter:
    """How many times each Reminder row's email was written by the file backend."""
    counts: Counter = Counter()
    for path in folder.iterdir():
        counts.update(int(pk) for pk in MESSAGE_ID.findall(path.read_bytes()))
    return counts


def queue_length() -> int:
    return redis.Redis.from_url(settings.REDIS_URL).llen("celery")


def test_two_workers_and_overlapping_sweeps_never_send_a_reminder_twice(tmp_path):
    flush_broker()
    ids = due_reminders(150)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    email_url = f"file://{outbox}"
    with (
        worker_process(name="one", email_url=email_url) as one,
        worker_process(name="two", email_url=email_url) as two,
    ):
        started = time.monotonic()
        # Sweeps overlap each other and the per-row tasks that booking commits
        # queue in production; four pool processes take them off the queue at once.
        for i, pk in enumerate(ids):
            if i % 50 == 0:
                send_due_reminders.delay()
            send_reminder.delay(pk)
        wait_for(
            lambda: not Reminder.objects.exclude(status=Status.SENT).exists(),
            timeout=150,
            interval=0.2,
            what="every reminder to be sent",
        )
        all_sent = time.monotonic() - started
        wait_for(lambda: queue_length() == 0, timeout=60, what="the queue to drain")
        time.sleep(1)  # the last tasks taken off the queue finish
        logs = {"one": "".join(one.log), "two": "".join(two.log)}

    counts = sends_in(outbox)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    by_worker = {
        name: len(re.findall(r"succeeded in [\d.e-]+s: 'sent'", log)) for name, log in logs.items()
    }
    lost_claims = sum(
        len(re.findall(r"succeeded in [\d.e-]+s: None", log)) for log in logs.values()
    )
    sweep_sends = {
        name: sum(
            int(n)
            for n in re.findall(r"send_due_reminders\[[^\]]+\] succeeded in [^:]+: (\d+)", log)
        )
        for name, log in logs.items()
    }
    print(
        f"\n{len(ids)} reminders, 2 worker processes x 2 pool processes, 6 sweeps + "
        f"{len(ids)} per-row tasks: {sum(counts.values())} sent, {duplicates} duplicates, "
        f"{len(ids) - len(counts)} missing, in {all_sent:.1f}s; per-row tasks that sent: "
        f"{by_worker}; sent by sweeps: {sweep_sends}; per-row tasks that found their row "
        f"already claimed: {lost_claims}"
    )
    assert set(counts) == set(ids)
    assert duplicates == 0
    assert all(n == 1 for n in counts.values())
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}
    # Both workers really took part.
    assert all(by_worker[w] + sweep_sends[w] > 0 for w in ("one", "two"))


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(settings):
    flush_broker()
    ids = due_reminders(20)
    with SMTPServer() as smtp:
        # After 15 deliveries the server stalls the next connection: the worker
        # is then provably in the middle of a send when it is killed.
        smtp.hold_after = 15
        with worker_process(name="doomed", email_url=smtp.url, concurrency=1) as doomed:
            send_due_reminders.delay()
            assert smtp.held.wait(60), "the worker never reached the sixteenth send"
            killed_at = timezone.now()
            kill_hard(doomed)
        smtp.release.set()
        smtp.hold_after = None

        states = Counter(Reminder.objects.values_list("status", flat=True))
        assert states == {Status.SENT: 15, Status.SENDING: 1, Status.PENDING: 24}
        in_flight = Reminder.objects.get(status=Status.SENDING)
        assert len(smtp.messages) == 15

        # A new worker, once the dead one's lease has run out.
        use_smtp(settings, smtp)
        with embedded_worker() as worker:
            with time_machine.travel(in_flight.claimed_until - timedelta(seconds=5), tick=True):
                send_due_reminders.delay()
                worker.wait_idle()
            # Still leased: everything else went, the in-flight row waited.
            assert Reminder.objects.get(pk=in_flight.pk).status == Status.SENDING
            assert len(smtp.messages) == 39
            with time_machine.travel(in_flight.claimed_until + timedelta(seconds=5), tick=True):
                send_due_reminders.delay()
                send_due_reminders.delay()
                worker.wait_idle()

    counts = Counter(int(m["Message-ID"].split(".")[2].split("@")[0]) for m in smtp.parsed())
    print(
        f"\n{len(ids)} reminders, worker SIGKILLed after 15 sends at {killed_at:%H:%M:%S}: "
        f"{sum(counts.values())} delivered, {sum(n - 1 for n in counts.values() if n > 1)} "
        f"duplicates, {len(set(ids) - set(counts))} lost"
    )
    assert set(counts) == set(ids)
    assert all(n == 1 for n in counts.values())
    in_flight.refresh_from_db()
    assert (in_flight.status, in_flight.attempts) == (Status.SENT, 2)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}
