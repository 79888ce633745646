"""Match requests: "I am free at these times, find me a partner".

A request waits in the pool until the matcher pairs it with another one and
books the two people through the scheduling service, or until its owner
withdraws it, or until its last window has passed. All times are stored in
UTC; people enter them in their own time zone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Level
from sessions.scheduling.models import Booking, InterviewType

# Lengths of one round in minutes, the same as scheduling's ROUND_MINUTES for a
# published slot (a test keeps them equal); a swap books two rounds.
ROUND_MINUTES = (30, 45, 60, 75, 90)


class MatchRole(models.TextChoices):
    CANDIDATE = "candidate", "Be interviewed"
    INTERVIEWER = "interviewer", "Interview someone"
    SWAP = "swap", "Swap: we take turns"


class MatchRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a partner"
        MATCHED = "matched", "Matched"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="match_requests"
    )
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    role = models.CharField(max_length=12, choices=MatchRole.choices)
    either_role = models.BooleanField(
        default=False, help_text="Any role is fine when it finds a partner sooner."
    )
    level = models.CharField(max_length=12, choices=Level.choices)
    target_level = models.CharField(max_length=12, choices=Level.choices)
    minutes = models.PositiveSmallIntegerField(help_text="Length of one round; a swap is two.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the last window ends (UTC); a waiting request expires then.
    expires_at = models.DateTimeField()
    matched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was withdrawn or expired."
    )
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="match_requests",
    )
    # Set when the partner cancelled a matched booking: the request went back
    # into the pool first in line. Earlier values go first.
    rematch_since = models.DateTimeField(null=True, blank=True)
    # The booking the partner cancelled, kept so the page can say so.
    cancelled_booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(status="waiting"),
                name="matchrequest_waiting_expiry",
            ),
            models.Index(fields=["person", "status"], name="matchrequest_person_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "matched", "expired", "withdrawn"]),
                name="matchrequest_status_known",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["candidate", "interviewer", "swap"]),
                name="matchrequest_role_known",
            ),
            models.CheckConstraint(
                condition=Q(minutes__in=list(ROUND_MINUTES)), name="matchrequest_minutes_allowed"
            ),
            models.CheckConstraint(
                condition=~Q(status="matched") | Q(matched_at__isnull=False),
                name="matchrequest_matched_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(booking__isnull=True),
                name="matchrequest_waiting_has_no_booking",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "matched"]) | Q(closed_at__isnull=False),
                name="matchrequest_closed_has_time",
            ),
            # One request per person per booking: a booking is two requests of two people.
            models.UniqueConstraint(
                fields=["booking", "person"],
                condition=Q(booking__isnull=False),
                name="matchrequest_one_per_person_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_interview_type_display()} request #{self.pk} by {self.person} "
            f"({self.get_status_display().lower()})"
        )

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def is_rematch(self) -> bool:
        return self.rematch_since is not None


class MatchWindow(models.Model):
    """A stretch of time, in UTC, when the person is free for the request."""

    request = models.ForeignKey(MatchRequest, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["request", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="matchwindow_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"


class MatchBlock(models.Model):
    """One person asked never to be paired with another.

    A block works both ways: the matcher never pairs two people when either
    blocked the other. It changes nothing about slots either can book.
    """

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="match_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="matchblock_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="matchblock_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocked {self.blocked}"
