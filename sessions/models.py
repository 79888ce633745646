import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Level


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


class Rubric(models.Model):
    """One version of the grading rubric of an interview type.

    Versions are immutable once a scorecard uses them: editing creates a new
    version, and scorecards keep pointing at the version they were graded with.
    """

    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["interview_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview_type", "version"], name="rubric_type_version_unique"
            ),
            models.UniqueConstraint(
                fields=["interview_type"],
                condition=Q(active=True),
                name="rubric_one_active_per_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Dimension(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(
        max_length=60, help_text="Stable across versions; charts follow a dimension by its key."
    )
    name = models.CharField(max_length=120)
    measures = models.TextField(help_text="What this dimension measures.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="dimension_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class LevelAnchor(models.Model):
    SCORE_MEANINGS = {1: "Below the bar", 2: "Mixed", 3: "Meets the senior bar", 4: "Staff level"}

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="anchors")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    behaviour = models.TextField(help_text="What the interviewer observes at this score.")

    class Meta:
        ordering = ["dimension", "score"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "score"], name="anchor_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="anchor_score_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} · {self.score}"


class PlaybookSection(models.Model):
    """Where in the playbook a weak dimension is worked on (editable in the admin)."""

    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    dimension_key = models.SlugField(max_length=60)
    section = models.CharField(max_length=40, help_text="e.g. “Part 1, section 2”")
    title = models.CharField(max_length=160)
    page = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["interview_type", "dimension_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview_type", "dimension_key"], name="playbook_section_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.title}"


# --- Scheduling -------------------------------------------------------------


class Slot(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BOOKED = "booked", "Booked"
        WITHDRAWN = "withdrawn", "Withdrawn"

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    host_role = models.CharField(max_length=12, choices=HostRole.choices)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.SENIOR)
    note = models.CharField(max_length=280, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
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

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_bookings"
    )
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_bookings"
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
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancellation_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)

    no_show_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    live = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "user"], name="participant_once"),
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rounds_as_interviewer"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rounds_as_candidate"
    )
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL)
    # The interviewer's private notes pad; carried into the scorecard.
    notes = models.TextField(blank=True)
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
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


# --- Grading ----------------------------------------------------------------


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Calibration(models.TextChoices):
    BELOW_SENIOR = "below_senior", "Below senior"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="scorecard")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="scorecards")
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards_written"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards_received"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scorecards")
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    level_calibration = models.CharField(max_length=14, choices=Calibration.choices, blank=True)
    strengths = models.TextField(blank=True)
    improvement_1 = models.CharField(max_length=300, blank=True)
    improvement_2 = models.CharField(max_length=300, blank=True)
    improvement_3 = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, help_text="Carried in from the room's notes pad.")
    clarifying_minutes = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    session_ended_at = models.DateTimeField(help_text="When the interview ended (reveal clock).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-session_ended_at"]
        indexes = [models.Index(fields=["candidate", "status", "session_ended_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="scorecard_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Scorecard for {self.candidate} by {self.grader} (booking #{self.booking_id})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def improvements(self) -> list[str]:
        return [i for i in (self.improvement_1, self.improvement_2, self.improvement_3) if i]


class Score(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["scorecard", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"], name="score_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=4),
                name="score_value_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.value}"


class InterviewerRating(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="rating")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_given"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_received"
    )
    helpfulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    preparation = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__gte=1, helpfulness__lte=5)
                & Q(preparation__gte=1, preparation__lte=5),
                name="rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Rating of {self.interviewer} by {self.rater}"


# --- Outbound notifications ---------------------------------------------------


class Reminder(models.Model):
    """Every email about a booking is a row first, then a send.

    Rows are claimed with a conditional UPDATE before sending, so any number
    of workers and overlapping sweeps send each one once.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Booking confirmed"
        CANCELLATION = "cancellation", "Booking cancelled"
        RESCHEDULE_PROPOSED = "reschedule_proposed", "New time proposed"
        RESCHEDULED = "rescheduled", "Booking moved"
        RESCHEDULE_DECLINED = "reschedule_declined", "New time declined"
        REMINDER_24H = "reminder_24h", "Reminder 24 hours before"
        REMINDER_1H = "reminder_1h", "Reminder 1 hour before"
        FEEDBACK_REQUEST = "feedback_request", "Feedback request"
        FEEDBACK_NUDGE = "feedback_nudge", "Feedback nudge"
        FEEDBACK_READY = "feedback_ready", "Feedback ready"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        DROPPED = "dropped", "Dropped (too late)"
        FAILED = "failed", "Failed"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} (booking #{self.booking_id})"


# The live room stores its documents through this app too.
from sessions.room.models import RoomDocument, RoomUpdate  # noqa: E402, F401
