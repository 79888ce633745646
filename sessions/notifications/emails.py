"""Rendering and sending the emails behind Reminder rows.

Every email is a template triplet, emails/<name>-subject.txt, -body.txt and
-body.html, rendered in the recipient's time zone. Confirmations, changes and
cancellations carry the booking's .ics; optional emails carry a one-click
unsubscribe link and the List-Unsubscribe headers mail clients look for.
"""

from datetime import datetime, timedelta
from email.mime.text import MIMEText
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import clock
from sessions.grading.models import Rubric
from sessions.scheduling.calendar import build_ics
from sessions.scheduling.models import Booking, HostRole, InterviewType, NoShowReport

from .models import Reminder
from .selectors import pending_reschedule, revealed_scorecards

Kind = Reminder.Kind

TEMPLATE_NAMES = {
    Kind.CONFIRMATION: "booking-confirmed",
    Kind.CANCELLATION: "booking-cancelled",
    Kind.RESCHEDULE_PROPOSED: "reschedule-proposed",
    Kind.RESCHEDULED: "booking-rescheduled",
    Kind.RESCHEDULE_DECLINED: "reschedule-declined",
    Kind.REMINDER_24H: "reminder",
    Kind.REMINDER_1H: "reminder",
    Kind.FEEDBACK_REQUEST: "feedback-request",
    Kind.FEEDBACK_NUDGE: "feedback-nudge",
    Kind.FEEDBACK_READY: "feedback-ready",
    Kind.NO_SHOW_REPORTED: "no-show-reported",
    Kind.NO_SHOW_DISPUTED: "no-show-disputed",
    Kind.NO_SHOW_DECIDED: "no-show-decided",
}
ICS_METHODS = {
    Kind.CONFIRMATION: "REQUEST",
    Kind.RESCHEDULED: "REQUEST",
    Kind.CANCELLATION: "CANCEL",
}

# What an unsubscribe link switches off, keyed by the token's topic.
UNSUBSCRIBE_TOPICS = {
    "reminder_24h": ("email_reminder_24h", "24-hour reminders"),
    "reminder_1h": ("email_reminder_1h", "1-hour reminders"),
    "feedback": ("email_feedback", "feedback requests and results"),
}
TOPIC_OF_KIND = {
    Kind.REMINDER_24H: "reminder_24h",
    Kind.REMINDER_1H: "reminder_1h",
    Kind.FEEDBACK_REQUEST: "feedback",
    Kind.FEEDBACK_NUDGE: "feedback",
    Kind.FEEDBACK_READY: "feedback",
}
UNSUBSCRIBE_SALT = "interviewprep.notifications.unsubscribe"

# Preparation notes for the candidate, in the spirit of each rubric: what
# separates a senior answer from a merely correct one.
PREP_CHECKLISTS = {
    InterviewType.SYSTEM_DESIGN: [
        "Spend the first five to eight minutes asking, not drawing: the use case, who uses it, "
        "and at what scale.",
        "Ask for the read/write ratio and what the SLA really demands before you pick a store.",
        "Agree on what “done” means and what you would give up for simplicity.",
        "Only then sketch the high-level design, go deep on one part, and name the risks.",
    ],
    InterviewType.BEHAVIORAL: [
        "Pick three or four stories where you drove the outcome, not ones where you were on "
        "the team that did.",
        "Say “I” for what you decided and did; keep “we” for the context.",
        "Have one story about ambiguity: a problem nobody had defined until you did.",
        "Keep each story to about two minutes, with the result and what you would change.",
    ],
    InterviewType.COMPENSATION: [
        "Bring a specific number and the rationale for it: market data, competing offers, "
        "your track record.",
        "Answer the first offer with a counter; do not accept it on the call.",
        "Think in total compensation: base, equity, refreshers and the signing bonus.",
        "Know before the call what you would walk away from.",
    ],
    InterviewType.CODING: [
        "Restate the problem and settle inputs, outputs and edge cases before typing.",
        "Talk through your approach and its time and space complexity as you go.",
        "Say how you would test it, then walk one case through by hand.",
    ],
}


# --- Unsubscribe tokens ------------------------------------------------------------


# How long an unsubscribe link works. Past it the page says the link expired and
# points at the email preferences (log-in needed) instead.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def unsubscribe_token(user, topic: str) -> str:
    """A signed, timestamped token: whoever holds the email may switch this topic off
    for UNSUBSCRIBE_MAX_AGE."""
    return signing.dumps({"u": user.pk, "t": topic}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, topic) of a token we signed.

    Raises signing.SignatureExpired when it is older than UNSUBSCRIBE_MAX_AGE,
    and signing.BadSignature when it was altered, signed for something else,
    or names no topic.
    """
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("t") not in UNSUBSCRIBE_TOPICS:
        raise signing.BadSignature("The token names no email topic.")
    if not isinstance(data.get("u"), int):
        raise signing.BadSignature("The token names no person.")
    return data["u"], data["t"]


# --- Context -------------------------------------------------------------------------


def absolute_url(name: str, *args) -> str | None:
    """The full address of a page, or None while that page does not exist yet."""
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        return None


def _day_phrase(moment: datetime, now: datetime) -> str:
    """ "today", "tomorrow" or the weekday and date, in the active (recipient's) zone."""
    local, today = timezone.localtime(moment), timezone.localtime(now).date()
    if local.date() == today:
        return "today"
    if local.date() == today + timedelta(days=1):
        return "tomorrow"
    return f"on {local:%a} {local.day} {local:%b}"


def _roles(booking: Booking, recipient) -> list[dict]:
    """Who interviews whom, from the recipient's side, half by half in a swap."""
    if "rounds" in getattr(booking, "_prefetched_objects_cache", {}):
        rounds = list(booking.rounds.all())  # loaded with the batch (see deliver_batch)
    else:
        rounds = list(booking.rounds.select_related("interviewer__profile", "candidate__profile"))
    half = (booking.ends_at - booking.starts_at) / 2
    roles = []
    for round_ in rounds:
        if booking.host_role == HostRole.SWAP:
            starts = booking.starts_at + (half if round_.number == 2 else timedelta(0))
            label = "First half" if round_.number == 1 else "Second half"
        else:
            starts, label = booking.starts_at, ""
        ends = starts + half if booking.host_role == HostRole.SWAP else booking.ends_at
        interviewing = round_.interviewer_id == recipient.pk
        other = round_.candidate if interviewing else round_.interviewer
        roles.append(
            {
                "label": label,
                "starts_at": starts,
                "ends_at": ends,
                "interviewing": interviewing,
                "other_name": other.display_name,
                "round": round_,
            }
        )
    return roles


def _rubric_dimensions(interview_type: str, memo: dict) -> list[str]:
    key = ("rubric_dimensions", interview_type)
    if key not in memo:
        memo[key] = _active_rubric_dimensions(interview_type)
    return memo[key]


def _active_rubric_dimensions(interview_type: str) -> list[str]:
    rubric = (
        Rubric.objects.filter(interview_type=interview_type, active=True)
        .prefetch_related("dimensions")
        .first()
    )
    return [d.name for d in rubric.dimensions.all()] if rubric else []


def _zone(name: str, memo: dict) -> ZoneInfo:
    # ZoneInfo keeps only the eight zones it was last asked for (and those still
    # in use); past those it read and parsed the zone's file again for each email.
    key = ("zone", name)
    if key not in memo:
        memo[key] = ZoneInfo(name)
    return memo[key]


def _site_url(name: str, memo: dict, *args) -> str | None:
    key = ("url", name, *args)
    if key not in memo:
        memo[key] = absolute_url(name, *args)
    return memo[key]


def build_context(
    reminder: Reminder, *, now: datetime | None = None, memo: dict | None = None
) -> dict:
    """Everything the templates need; call inside timezone.override(recipient's zone).

    `memo` is shared by the emails of one batch: what is the same for all of
    them (the active rubrics, the site's fixed addresses) is read once.
    """
    now = now or timezone.now()
    memo = {} if memo is None else memo
    booking = reminder.booking
    recipient = reminder.recipient
    other = booking.other_participant(recipient)
    roles = _roles(booking, recipient)
    is_candidate = any(not r["interviewing"] for r in roles)
    is_interviewer = any(r["interviewing"] for r in roles)
    context = {
        "reminder": reminder,
        "kind": reminder.kind,
        "booking": booking,
        "recipient": recipient,
        "recipient_name": recipient.display_name,
        "other": other,
        "other_name": other.display_name,
        "interview_type": booking.get_interview_type_display(),
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
        "day_phrase": _day_phrase(booking.starts_at, now),
        "zone_name": recipient.profile.timezone,
        "roles": roles,
        "is_swap": booking.host_role == HostRole.SWAP,
        "is_candidate": is_candidate,
        "is_interviewer": is_interviewer,
        "meeting_url": booking.meeting_url,
        # Both people's emails about one booking are usually in the same batch.
        "room_url": _site_url("sessions:room", memo, booking.pk),
        "booking_url": _site_url("sessions:booking", memo, booking.pk),
        "dashboard_url": _site_url("sessions:dashboard", memo),
        "find_url": _site_url("sessions:find", memo),
        "preferences_url": _site_url("profile", memo),
        "site_url": settings.SITE_URL,
        "has_invite": reminder.kind in ICS_METHODS,
    }
    if reminder.kind in (Kind.REMINDER_24H, Kind.REMINDER_1H):
        context["hours_before"] = 24 if reminder.kind == Kind.REMINDER_24H else 1
        if is_candidate:
            context["checklist"] = PREP_CHECKLISTS.get(booking.interview_type, [])
            context["rubric_dimensions"] = _rubric_dimensions(booking.interview_type, memo)
    if reminder.kind == Kind.CANCELLATION:
        context["cancelled_by_recipient"] = booking.cancelled_by_id == recipient.pk
        context["cancelled_by_other"] = booking.cancelled_by_id == other.pk
        context["cancellation_reason"] = booking.cancellation_reason
    if reminder.kind == Kind.RESCHEDULE_PROPOSED:
        request = pending_reschedule(booking)
        context["proposal"] = request
    if reminder.kind == Kind.RESCHEDULE_DECLINED:
        context["proposal"] = (
            booking.reschedules.filter(proposed_by=recipient).order_by("-created_at").first()
        )
    if reminder.kind in (Kind.FEEDBACK_REQUEST, Kind.FEEDBACK_NUDGE):
        context["to_grade"] = [
            {
                "candidate_name": r["other_name"],
                "label": r["label"],
                "url": absolute_url("grading:scorecard", r["round"].pk),
            }
            for r in roles
            if r["interviewing"]
        ]
    if reminder.kind == Kind.FEEDBACK_READY:
        context["scorecards"] = [
            {
                "grader_name": s.grader.display_name,
                "url": absolute_url("grading:scorecard_view", s.round_id),
            }
            for s in revealed_scorecards(reminder, now)
        ]
    if reminder.kind in (Kind.NO_SHOW_REPORTED, Kind.NO_SHOW_DISPUTED, Kind.NO_SHOW_DECIDED):
        report = NoShowReport.objects.filter(booking=booking).first()
        context["report"] = report
        context["recipient_is_accused"] = report is not None and report.accused_id == recipient.pk
        context["dispute_url"] = absolute_url("sessions:dispute_no_show", booking.pk)
    topic = TOPIC_OF_KIND.get(reminder.kind)
    if topic:
        context["unsubscribe_url"] = absolute_url(
            "notifications:unsubscribe", unsubscribe_token(recipient, topic)
        )
        context["unsubscribe_label"] = UNSUBSCRIBE_TOPICS[topic][1]
    return context


# --- The message -------------------------------------------------------------------------


def _message_id(reminder: Reminder) -> str:
    # Stable per row: if an SMTP server accepted a message but the answer got
    # lost, the retry carries the same Message-ID and mail systems that
    # de-duplicate on it show one copy. The booking's UUID keeps ids unique
    # across databases.
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<{reminder.booking.calendar_uid}.{reminder.kind}.{reminder.pk}@{domain}>"


def _invite_part(booking: Booking, method: str, recipient) -> MIMEText:
    ics = build_ics(booking, method=method, viewer=recipient.profile)
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    # The method parameter is what makes mail clients offer "add to calendar".
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def build_message(
    reminder: Reminder, *, now: datetime | None = None, memo: dict | None = None
) -> EmailMultiAlternatives:
    """The row's email; `memo` as in build_context."""
    memo = {} if memo is None else memo
    recipient = reminder.recipient
    name = TEMPLATE_NAMES[reminder.kind]
    twelve_hour = recipient.profile.uses_12_hour_clock
    zone = _zone(recipient.profile.timezone, memo)
    with timezone.override(zone), clock.override(twelve_hour=twelve_hour):
        context = build_context(reminder, now=now, memo=memo)
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    headers = {"Message-ID": _message_id(reminder), "Auto-Submitted": "auto-generated"}
    if context.get("unsubscribe_url"):
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    method = ICS_METHODS.get(reminder.kind)
    if method:
        message.attach(_invite_part(reminder.booking, method, recipient))
    return message


def send_notification(reminder: Reminder) -> None:
    """Render and hand one row's email to the configured backend; raises on failure."""
    build_message(reminder).send(fail_silently=False)
