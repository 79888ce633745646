"""seed_scale: a consistent data set, with the persona's figures at any scale."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from sessions.grading.selectors import revealed_scorecards_for
from sessions.notifications.models import Reminder
from sessions.scheduling.models import Booking, BookingParticipant, Slot

pytestmark = pytest.mark.django_db


def _foreign_keys(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        return cursor.fetchone()[0]


def test_seed_scale_loads_a_consistent_set_with_the_persona_figures(capsys):
    keys_before = _foreign_keys("interviews_reminder")
    call_command("seed_scale", members=40)
    now = timezone.now()

    assert User.objects.filter(email__endswith="@scale.example").count() == 40
    assert User.objects.filter(profile__isnull=True).count() == 0
    persona = User.objects.get(email="bench@scale.example")
    assert persona.check_password("scale-bench-password-2026")
    assert persona.emailaddress_set.get().verified

    mine = Booking.objects.filter(participants__user=persona)
    assert mine.count() == 200
    assert mine.filter(status=Booking.Status.CONFIRMED, starts_at__gt=now).count() == 13
    assert mine.filter(status=Booking.Status.CANCELLED).count() == 87
    assert revealed_scorecards_for(persona, now).count() == 50

    # No person is in two overlapping live bookings (the exclusion constraint held).
    live = list(
        BookingParticipant.objects.filter(live=True).values_list("user_id", "starts_at", "ends_at")
    )
    by_user: dict[int, list] = {}
    for user_id, starts, ends in live:
        by_user.setdefault(user_id, []).append((starts, ends))
    for spans in by_user.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))

    # Nothing is due now or soon after: a bench after the load starts from a quiet outbox.
    assert not Reminder.objects.filter(
        status=Reminder.Status.PENDING, due_at__lte=now + timedelta(hours=1)
    ).exists()
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
    assert Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now).count() > 20
    # The foreign keys set aside for the load are back.
    assert _foreign_keys("interviews_reminder") == keys_before
    assert "Seeded 40 members" in capsys.readouterr().out


def test_seed_scale_refuses_a_database_already_seeded_and_small_sets():
    call_command("seed_scale", members=20)
    count = Booking.objects.count()
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", members=20)
    with pytest.raises(CommandError, match="at least 20"):
        call_command("seed_scale", members=5)
    assert Booking.objects.count() == count
