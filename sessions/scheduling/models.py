"""Scheduling records: questions, slots, bookings, their people and rounds, reschedules.

Times are stored in UTC; the app label is "interviews", so tables keep their names.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from accounts.models import Level

# The room's notes pad holds a session's worth of typing, not a document dump;
# the scorecard carries it in, so its notes share the limit.
ROUND_NOTES_MAX_LENGTH = 20_000


def max_length_check(field: str, limit: int, name: str) -> models.CheckConstraint:
    """A database check that `field` holds at most `limit` characters (forms say why first)."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


class InterviewType(models.TextChoices):
    SYSTEM_DESIGN = "system_design", "System design"
    BEHAVIORAL = "behavioral", "Behavioral"
    CODING = "coding", "Coding"
    COMPENSATION = "compensation", "Compensation negotiation"


DEFAULT_MINUTES = {
    InterviewType.SYSTEM_DESIGN: 60,
    InterviewType.BEHAVIORAL: 45,
    InterviewType.CODING: 60,
    InterviewType.COMPENSATION: 30,
}


class HostRole(models.TextChoices):
    INTERVIEWER = "interviewer", "I interview"
    CANDIDATE = "candidate", "I am the candidate"
    SWAP = "swap", "Swap: we take turns"


# --- Content ----------------------------------------------------------------

# The page cache's name (accounts.pagecache) for the question bank the room page shows.
QUESTION_BANK_PAGES = "question-bank"


class Question(models.Model):
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.SENIOR)
    title = models.CharField(max_length=120)
    prompt = models.TextField(help_text="What the interviewer reads out to the candidate.")
    interviewer_notes = models.TextField(
        help_text="What a strong answer covers; for negotiation, what the recruiter may concede."
    )
    follow_ups = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["interview_type", "level", "title"]

    def __str__(self) -> str:
        return f"{self.get_interview_type_display()}: {self.title}"


# --- Scheduling -------------------------------------------------------------


class Slot(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BOOKED = "booked", "Booked"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # An occurrence its schedule's rules keep from booking for now (services.availability).
        HELD = "held", "Held by your schedule's rules"

    # Every user foreign key here is PROTECT: people are anonymised, never deleted
    # (accounts.services.anonymise_user), so a raw delete fails loudly instead of
    # cascading into the other person's history.
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    host_role = models.CharField(max_length=12, choices=HostRole.choices)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.SENIOR)
    note = models.CharField(max_length=280, blank=True)
    # What the host wants asked: as the interviewer, the question they will ask;
    # as the candidate (or in a swap, for their own round), what they want to practise.
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    # The availability schedule that published this occurrence; empty for a one-off slot.
    schedule = models.ForeignKey(
        "interviews.AvailabilitySchedule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            # Racing materialisations of one schedule cannot publish a time twice.
            models.UniqueConstraint(
                fields=["schedule", "starts_at"], name="slot_one_occurrence_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_interview_type_display()} by {self.host} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    LIVE_STATUSES = (Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)

    # PROTECT: deleting a slot must not take both people's booking with it.
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_bookings"
    )
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guest_bookings"
    )
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    host_role = models.CharField(max_length=12, choices=HostRole.choices)
    # Copied from the slot at booking time; a reschedule moves these, not the slot.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CONFIRMED, db_index=True
    )
    meeting_url = models.URLField(max_length=300)
    # Calendar identity: the UID never changes, SEQUENCE rises with every change.
    calendar_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancellation_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)

    no_show_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The participant who did not turn up.",
    )
    no_show_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # At most one live booking per slot, in every database.
            models.UniqueConstraint(
                fields=["slot"],
                condition=~Q(status="cancelled"),
                name="booking_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(host=models.F("guest")), name="booking_guest_is_not_host"
            ),
        ]

    def __str__(self) -> str:
        return f"Booking #{self.pk}: {self.get_interview_type_display()} {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def is_swap(self) -> bool:
        return self.host_role == HostRole.SWAP

    def is_participant(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.host_id, self.guest_id)

    def other_participant(self, user):
        return self.guest if user.pk == self.host_id else self.host

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class BookingParticipant(models.Model):
    """One row per person per booking, so the database can refuse overlaps.

    On PostgreSQL an exclusion constraint (migration 0002) forbids one person
    from being in two live bookings whose times overlap, whichever side they
    are on. Times and liveness are kept in step with the booking by services.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    live = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "user"], name="participant_once"),
        ]
        indexes = [
            # "Is this person busy then?": their live bookings, from a moment on.
            models.Index(
                fields=["user", "ends_at"],
                condition=Q(live=True),
                name="participant_live_user_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in booking #{self.booking_id}"


class Round(models.Model):
    """One interviewer interviewing one candidate inside a booking.

    A booking has one round, or two in a swap (the second half reverses the roles).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(default=1)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rounds_as_interviewer"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rounds_as_candidate"
    )
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL)
    # What the person asked to be interviewed on, in their words; shown to the
    # interviewer, above all when no bank question matched it.
    topic = models.CharField(max_length=200, blank=True)
    # The interviewer's private notes pad; carried into the scorecard.
    notes = models.TextField(blank=True, max_length=ROUND_NOTES_MAX_LENGTH)
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    # System design: when the candidate moved from clarifying to designing.
    design_started_at = models.DateTimeField(null=True, blank=True)
    clarifying_minutes = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["booking", "number"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=~Q(interviewer=models.F("candidate")), name="round_two_people"
            ),
            max_length_check("notes", ROUND_NOTES_MAX_LENGTH, "round_notes_length"),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of booking #{self.booking_id}"


class RescheduleRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reschedules")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    message = models.CharField(max_length=280, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status="pending"),
                name="reschedule_one_pending_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Move booking #{self.booking_id} to {self.starts_at:%Y-%m-%d %H:%M} UTC ({self.status})"


class NoShowReport(models.Model):
    """One person's report that the other did not turn up to a booking.

    While `reported`, the accused may dispute it until `dispute_until`; a
    `disputed` report waits for staff. Only an `upheld` report counts against
    the accused (no-show counter, booking status, suspension rule); a
    `rejected` one never does. One report per booking.
    """

    class Status(models.TextChoices):
        REPORTED = "reported", "Reported, open to dispute"
        DISPUTED = "disputed", "Disputed, waiting for staff"
        UPHELD = "upheld", "Upheld"
        REJECTED = "rejected", "Rejected"

    OPEN_STATUSES = (Status.REPORTED, Status.DISPUTED)

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="no_show_report")
    # People are anonymised, never deleted: every user foreign key is PROTECT.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="no_show_reports_made"
    )
    accused = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="no_show_reports_received",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    reason = models.TextField(blank=True, help_text="What the reporter says happened.")
    reported_at = models.DateTimeField(default=timezone.now)
    dispute_until = models.DateTimeField(help_text="The accused may dispute until then (UTC).")
    dispute_reason = models.TextField(blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who decided; empty when the dispute window passed.",
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "dispute_until"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reporter=models.F("accused")), name="no_show_report_two_people"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["reported", "disputed"]) | Q(resolved_at__isnull=False),
                name="no_show_report_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | Q(disputed_at__isnull=False),
                name="no_show_report_disputed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"No-show of {self.accused} in booking #{self.booking_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def can_be_disputed(self, now=None) -> bool:
        return self.status == self.Status.REPORTED and (now or timezone.now()) < self.dispute_until
