import secrets
import zoneinfo
from functools import lru_cache

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Level(models.TextChoices):
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"
    PRINCIPAL = "principal", "Principal"


class Clock(models.TextChoices):
    H24 = "24h", "24-hour (14:00)"
    H12 = "12h", "12-hour (2:00 PM)"


def validate_level_order(current: str, target: str) -> None:
    """Refuse a target below the current level (Principal → Mid-level): a target is
    where the person is heading, so it is the same level or above.

    Raises ValidationError on the "target_level" field; empty levels pass.
    """
    order = Level.values
    if current and target and order.index(target) < order.index(current):
        raise ValidationError(
            {
                "target_level": ValidationError(
                    "Your target level can't be below your current level (%(current)s). "
                    "Pick %(current)s or above.",
                    params={"current": Level(current).label},
                    code="target_below_current",
                )
            }
        )


class FocusArea(models.TextChoices):
    SYSTEM_DESIGN = "system_design", "System design"
    BEHAVIORAL = "behavioral", "Behavioral"
    CODING = "coding", "Coding"
    COMPENSATION = "compensation", "Compensation negotiation"


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    # Places and UTC only: the system database also lists entries such as
    # "Factory", "localtime" and "posixrules" that are not zones a person lives in.
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name == "UTC" or ("/" in name and not name.startswith(("posix/", "right/", "Etc/")))
    )


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "“%(value)s” is not a known time zone. Pick one from the list, e.g. Europe/Berlin.",
            params={"value": value},
            code="invalid_timezone",
        )


def validate_focus_areas(value: list) -> None:
    if not isinstance(value, list) or any(v not in FocusArea.values for v in value):
        raise ValidationError("Choose focus areas from the list.", code="invalid_focus")


# How a person who deleted their account appears wherever a name would show.
FORMER_MEMBER = "a former member"


def at_sentence_start(name: str) -> str:
    """A display name that opens a sentence: the former-member placeholder gets its
    capital; a person's own name stays exactly as they wrote it."""
    return "A former member" if name == FORMER_MEMBER else name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person, identified by their email address. There are no usernames."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    # Set when the person left: their personal data is scrubbed and the row is
    # kept only so their peers' bookings, scorecards and ratings stay whole.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def display_name(self) -> str:
        if self.anonymised_at is not None:
            return FORMER_MEMBER
        profile = getattr(self, "profile", None)
        if profile and profile.display_name:
            return profile.display_name
        return self.email.split("@")[0]


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=60, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Empty until the person chooses them (the welcome step): peers then see
    # "level not set", never a level nobody picked.
    current_level = models.CharField(max_length=12, choices=Level.choices, blank=True, default="")
    target_level = models.CharField(max_length=12, choices=Level.choices, blank=True, default="")
    years_of_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    focus_areas = models.JSONField(default=list, blank=True, validators=[validate_focus_areas])
    bio = models.TextField(max_length=600, blank=True)
    # The question chooser skips bank questions this person was already given.
    avoid_seen_questions = models.BooleanField(
        "Don't give me a question I've already had",
        default=False,
        help_text="When a question is picked for you, skip the ones from your earlier sessions.",
    )

    # When the person finished the welcome step (levels, focus, zone, clock).
    # Until then they are sent there before publishing, booking or asking for practice.
    onboarded_at = models.DateTimeField(null=True, blank=True)
    clock = models.CharField(
        "Clock",
        max_length=3,
        choices=Clock.choices,
        default=Clock.H24,
        db_default=Clock.H24,
        help_text="How every time is written on the site, in emails and in calendar invites.",
    )
    share_email_with_peers = models.BooleanField(
        "Share my email address with the people I interview with",
        default=False,
        db_default=False,
        help_text="Off: calendar invites name you by your display name only. On: they carry "
        "your email address, so your partner's calendar can reach you directly.",
    )

    # Reliability, shown beside the person's slots and on their profile.
    completed_sessions = models.PositiveIntegerField(default=0)
    late_cancellations = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    booking_suspended_until = models.DateTimeField(null=True, blank=True)

    # Private calendar feed; rotating the token revokes old subscriptions.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    # Which optional emails the person wants. Confirmations and cancellations always go.
    email_reminder_24h = models.BooleanField("24-hour reminder", default=True)
    email_reminder_1h = models.BooleanField("1-hour reminder", default=True)
    email_feedback = models.BooleanField("feedback requests and results", default=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def is_booking_suspended(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.booking_suspended_until and self.booking_suspended_until > now)

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None

    @property
    def uses_12_hour_clock(self) -> bool:
        return self.clock == Clock.H12

    def level_for_peers(self) -> str:
        """The current level as peers see it: "level not set" until the person chose it."""
        return self.get_current_level_display() if self.current_level else "level not set"

    def clean(self) -> None:
        validate_level_order(self.current_level, self.target_level)

    def focus_area_labels(self) -> list[str]:
        labels = dict(FocusArea.choices)
        return [labels[v] for v in self.focus_areas if v in labels]


class OutgoingEmail(models.Model):
    """One email waiting for, or past, delivery: the outbox.

    A request writes the row in its own transaction and never talks to the
    mail server; a Celery worker sends it (accounts.outbox), retrying with
    back-off, so a mail outage never fails a request and nothing is lost.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Never sent on purpose: its recipient closed their account first.
        CANCELLED = "cancelled", "Cancelled"

    to = models.JSONField(help_text="Recipient addresses.")
    from_email = models.CharField(max_length=320)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outgoing_email_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.to)} ({self.status})"
