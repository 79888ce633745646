"""Availability as rules: a person's weekly hours, date overrides and booking rules.

A schedule's hours are wall-clock times in its owner's own zone (their
profile's IANA zone). Slots are materialised from it for a rolling horizon
(sessions.scheduling.services.availability); those are ordinary slots, so
bookings keep every database guarantee of a one-off slot.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Level

from .models import HostRole, InterviewType, Question

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class AvailabilitySchedule(models.Model):
    """One per person: what their occurrences offer and the rules bookings follow.

    Withdrawn (withdrawn_at set) it publishes nothing; restoring it publishes again.
    """

    # People are anonymised, never deleted: every user foreign key is PROTECT.
    host = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="availability"
    )
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    host_role = models.CharField(max_length=12, choices=HostRole.choices)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.SENIOR)
    minutes = models.PositiveSmallIntegerField(help_text="One round; a swap takes twice as long.")
    note = models.CharField(max_length=280, blank=True)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(max_length=200, blank=True)
    buffer_before = models.DurationField(default=timedelta(0))
    buffer_after = models.DurationField(default=timedelta(0))
    min_notice = models.DurationField(default=timedelta(hours=12))
    daily_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="At most this many interviews a day; empty: no cap."
    )
    horizon_weeks = models.PositiveSmallIntegerField(default=4)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_weeks__gte=1, horizon_weeks__lte=8),
                name="availability_horizon_1_to_8_weeks",
            ),
            models.CheckConstraint(
                condition=Q(daily_cap__isnull=True) | Q(daily_cap__gte=1),
                name="availability_daily_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Weekly availability of {self.host}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes * (2 if self.host_role == HostRole.SWAP else 1))


class WeeklyHours(models.Model):
    """One interval of a weekday's hours, [starts, ends) in the owner's zone."""

    schedule = models.ForeignKey(
        AvailabilitySchedule, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, 6 is Sunday.")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="hours_in_order"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.starts:%H:%M}–{self.ends:%H:%M}"


class DateOverride(models.Model):
    """A date whose hours replace the weekday's: no interval rows (starts empty) is a day off."""

    schedule = models.ForeignKey(
        AvailabilitySchedule, on_delete=models.CASCADE, related_name="overrides"
    )
    day = models.DateField()
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__isnull=True, ends__isnull=True)
                | Q(ends__gt=models.F("starts")),
                name="override_off_or_in_order",
            ),
        ]

    def __str__(self) -> str:
        if self.starts is None:
            return f"{self.day}: off"
        return f"{self.day}: {self.starts:%H:%M}–{self.ends:%H:%M}"
