"""The scheduling demo loader: useful data, idempotent, on PostgreSQL and SQLite."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from sessions.models import Booking, BookingParticipant, Round, Slot
from sessions.scheduling import demo

ROOT = Path(__file__).resolve().parents[3]


def counts() -> tuple[int, ...]:
    return (
        Slot.objects.count(),
        Booking.objects.count(),
        BookingParticipant.objects.count(),
        Round.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.clock
def test_it_loads_open_slots_upcoming_and_past_bookings_once():
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    first = counts()
    now = timezone.now()
    open_slots = Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now)
    assert open_slots.count() >= 20
    assert open_slots.filter(starts_at__gt=now + timedelta(days=15)).count() == 0
    assert Booking.objects.filter(status="confirmed", starts_at__gt=now).count() >= 2
    past = Booking.objects.filter(status="completed", ends_at__lt=now)
    assert past.filter(guest__email="ada@example.com").count() >= 6
    assert all(b.rounds.exists() for b in past)

    out = io.StringIO()
    demo.load(out)
    assert counts() == first
    assert "0 new open slots, 0 new upcoming bookings, 0 new past sessions" in out.getvalue()


def test_it_runs_twice_on_the_embedded_sqlite_default(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DJANGO_SETTINGS_MODULE="interviewprep.settings",
        EMAIL_URL="locmem://",
        # Queued sends run inline instead of landing in the shared dev broker folder.
        CELERY_TASK_ALWAYS_EAGER="true",
    )

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    run("manage.py", "migrate", "--noinput", "-v0")
    load = (
        "import io, sys, django; django.setup();"
        "from accounts import demo as a; from sessions.scheduling import demo as s;"
        "a.load(io.StringIO()); s.load(sys.stdout)"
    )
    first = run("-c", load)
    second = run("-c", load)
    assert "new open slots" in first and "0 new open slots" not in first
    assert "0 new open slots, 0 new upcoming bookings, 0 new past sessions" in second
    # The beat's reminder sweep runs there too (its statements must suit SQLite),
    # and its marks land: every email sent is one more row marked sent.
    sweep = (
        "import django; django.setup();"
        "from datetime import timedelta; from django.core import mail;"
        "from django.utils import timezone; from sessions.models import Reminder;"
        "from sessions.notifications import services;"
        "now = timezone.now(); sent = Reminder.objects.filter(status='sent', sent_at__isnull=False);"
        "Reminder.objects.filter(status='pending', booking__starts_at__gt=now + timedelta(hours=25))"
        ".update(due_at=now - timedelta(minutes=1));"
        "before = sent.count(); swept = services.send_due_reminders();"
        "print('swept', swept, len(mail.outbox), sent.count() - before)"
    )
    swept, emailed, marked = map(int, run("-c", sweep).split()[1:])
    assert swept > 0 and swept == emailed == marked
