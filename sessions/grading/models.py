"""Grading records: rubric versions with dimensions and level anchors, playbook
pointers, scorecards with their scores, and interviewer ratings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sessions.scheduling.models import (
    ROUND_NOTES_MAX_LENGTH,
    Booking,
    InterviewType,
    Round,
    max_length_check,
)

# Text limits, enforced by the forms (with a message) and by database checks.
STRENGTHS_MAX_LENGTH = 4_000
EVIDENCE_MAX_LENGTH = 2_000
RATING_COMMENT_MAX_LENGTH = 1_000


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


# The page cache's name (accounts.pagecache) for the sections every dashboard shows alike.
PLAYBOOK_SECTION_PAGES = "playbook-sections"


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
    # PROTECT, as every user foreign key in sessions: people are anonymised, never deleted.
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards_written"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards_received"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scorecards")
    interview_type = models.CharField(max_length=20, choices=InterviewType.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    level_calibration = models.CharField(max_length=14, choices=Calibration.choices, blank=True)
    strengths = models.TextField(blank=True, max_length=STRENGTHS_MAX_LENGTH)
    improvement_1 = models.CharField(max_length=300, blank=True)
    improvement_2 = models.CharField(max_length=300, blank=True)
    improvement_3 = models.CharField(max_length=300, blank=True)
    notes = models.TextField(
        blank=True,
        max_length=ROUND_NOTES_MAX_LENGTH,
        help_text="Carried in from the room's notes pad.",
    )
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
            max_length_check("strengths", STRENGTHS_MAX_LENGTH, "scorecard_strengths_length"),
            max_length_check("notes", ROUND_NOTES_MAX_LENGTH, "scorecard_notes_length"),
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
    evidence = models.TextField(blank=True, max_length=EVIDENCE_MAX_LENGTH)

    class Meta:
        ordering = ["scorecard", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"], name="score_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=4),
                name="score_value_1_to_4",
            ),
            max_length_check("evidence", EVIDENCE_MAX_LENGTH, "score_evidence_length"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.value}"


class InterviewerRating(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="rating")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_given"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_received"
    )
    helpfulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    preparation = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=RATING_COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__gte=1, helpfulness__lte=5)
                & Q(preparation__gte=1, preparation__lte=5),
                name="rating_1_to_5",
            ),
            max_length_check("comment", RATING_COMMENT_MAX_LENGTH, "rating_comment_length"),
        ]

    def __str__(self) -> str:
        return f"Rating of {self.interviewer} by {self.rater}"
