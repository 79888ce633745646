"""Builders and personas shared by the scheduling, booking, calendar and room tests."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sessions.models import Slot
from tests.factories import UserFactory


def soon(hours: float = 48) -> datetime:
    """A whole-minute moment `hours` from now."""
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def make_slot(
    *,
    host,
    starts_at: datetime | None = None,
    minutes: int = 60,
    interview_type: str = "system_design",
    host_role: str = "interviewer",
    level: str = "senior",
    status: str = Slot.Status.OPEN,
) -> Slot:
    starts_at = starts_at or soon()
    length = timedelta(minutes=minutes * (2 if host_role == "swap" else 1))
    return Slot.objects.create(
        host=host,
        starts_at=starts_at,
        ends_at=starts_at + length,
        interview_type=interview_type,
        host_role=host_role,
        level=level,
        status=status,
    )


@pytest.fixture
def host(db):
    return UserFactory(email="host@example.com", tz="America/Los_Angeles")


@pytest.fixture
def guest(db):
    return UserFactory(email="guest@example.com", tz="Europe/Berlin")
