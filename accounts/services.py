"""Account workflows: leaving (anonymisation) and taking one's data along (export).

A person's rows are never deleted: their peers' bookings, rounds, scorecards and
ratings point at them, and orders are accounting records. Leaving scrubs what
identifies the person and keeps the row, shown everywhere as "a former member".
The other domains take part through accounts.signals, so accounts imports none
of them.
"""

import logging
import secrets
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from . import outbox
from .models import FORMER_MEMBER, Profile, User, new_calendar_token
from .signals import personal_data_requested, user_anonymising

logger = logging.getLogger(__name__)

# RFC 2606 reserves ".invalid": no mail server accepts it, so no message can
# ever reach anyone through a scrubbed address.
PLACEHOLDER_EMAIL_DOMAIN = "anonymised.invalid"
EXPORT_FORMAT = "interviewprep personal data export"
EXPORT_VERSION = 1

# What leaving keeps and what it removes, shown on the deletion page and in the
# admin's confirmation so both say the same thing.
KEPT_ON_DELETION = [
    "Past interviews you took part in, so your partners keep their history. Your name "
    "there reads “a former member”.",
    "Scorecards you wrote and received, and ratings you gave and received, for the same "
    "reason and with the same name.",
    "Your orders, without your name or email address, because accounting law requires "
    "us to keep sales records.",
]
REMOVED_ON_DELETION = [
    "Your email address, display name, bio, levels, experience and focus areas.",
    "Your password, your email addresses and any GitHub or Google sign-in you connected.",
    "Your open slots and Practice now requests (withdrawn), your upcoming interviews "
    "(cancelled; your partner gets the usual cancellation email), and the blocks you set "
    "for matching.",
    "Reminders and other emails not yet sent, and your private calendar feed address.",
    "The network address and browser recorded with your playbook downloads.",
]


def placeholder_email(user: User) -> str:
    """A unique address that can never receive mail, for a user who left."""
    return f"former-member-{user.pk}-{secrets.token_hex(4)}@{PLACEHOLDER_EMAIL_DOMAIN}"


def anonymise_user(*, user: User, by: User | None = None, now: datetime | None = None) -> User:
    """Scrub a person's personal data and close their account; keep the row.

    In one transaction, with the user row locked: the other domains wind down
    (user_anonymising: future bookings cancelled with the usual notice to the
    peer and not counted late against anyone, open slots withdrawn, pending
    emails cancelled, download records scrubbed); then the email becomes a unique
    `.invalid` placeholder (also in the accounts outbox, where mails not yet
    sent to any of their addresses are cancelled), the profile is reset to defaults, the password is
    made unusable, the account is deactivated and loses staff rights, its email
    addresses and social logins are deleted, and the calendar token rotated.
    Admin log lines that named the person by email are renamed.

    `by` is who asked (the person, or a staff member); `now` is aware UTC.
    Anonymising an already anonymised user changes nothing and returns it.
    Raises whatever a receiver raises, in which case nothing is changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_anonymised:
            return user
        old_email = user.email
        old_addresses = [
            old_email,
            *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
        ]
        user_anonymising.send(sender=User, user=user, by=by, now=now)

        user.email = placeholder_email(user)
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.anonymised_at = now
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        # After the receivers, so a mail they queued for the person is caught too.
        outbox.forget_recipient(addresses=old_addresses, replacement=user.email)

        defaults = Profile(user=user)
        profile = Profile.objects.select_for_update().get(user=user)
        for field in (
            "display_name",
            "timezone",
            "current_level",
            "target_level",
            "years_of_experience",
            "focus_areas",
            "bio",
            "booking_suspended_until",
            "share_email_with_peers",
            "clock",
        ):
            setattr(profile, field, getattr(defaults, field))
        profile.calendar_token = new_calendar_token()
        profile.email_reminder_24h = False
        profile.email_reminder_1h = False
        profile.email_feedback = False
        profile.save()

        EmailAddress.objects.filter(user=user).delete()
        SocialAccount.objects.filter(user=user).delete()
        if apps.is_installed("allauth.mfa"):
            apps.get_model("mfa", "Authenticator").objects.filter(user=user).delete()
        _rename_in_admin_log(old_email)
    logger.info("User %s anonymised (asked by user %s)", user.pk, getattr(by, "pk", None))
    return user


def _rename_in_admin_log(old_email: str) -> None:
    """The admin's history names objects by their str(), which held the email
    (users, profiles, scorecards...); rename them the way the site does."""
    if not old_email:
        return
    LogEntry.objects.filter(
        Q(object_repr__contains=old_email) | Q(change_message__contains=old_email)
    ).update(
        object_repr=Replace("object_repr", Value(old_email), Value(FORMER_MEMBER)),
        change_message=Replace("change_message", Value(old_email), Value(FORMER_MEMBER)),
    )


def export_personal_data(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything we hold about `user` that is theirs to take, as JSON-ready data.

    Accounts contributes the account, profile and email preferences; the other
    domains add their sections through personal_data_requested (slots, bookings,
    scorecards written, scorecards received once revealed, ratings, orders).
    Other people appear by display name only. Times are ISO 8601 in UTC.
    """
    now = now or timezone.now()
    profile = Profile.objects.get(user=user)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": now,
        "account": {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            "connected_sign_ins": [
                {"provider": a.provider, "connected_at": a.date_joined}
                for a in SocialAccount.objects.filter(user=user).order_by("provider")
            ],
        },
        "profile": {
            "display_name": profile.display_name,
            "timezone": profile.timezone,
            "current_level": profile.current_level,
            "target_level": profile.target_level,
            "years_of_experience": profile.years_of_experience,
            "focus_areas": list(profile.focus_areas),
            "bio": profile.bio,
            "completed_sessions": profile.completed_sessions,
            "late_cancellations": profile.late_cancellations,
            "no_shows": profile.no_shows,
            "booking_suspended_until": profile.booking_suspended_until,
            "onboarded_at": profile.onboarded_at,
            "clock": profile.clock,
            "share_email_with_peers": profile.share_email_with_peers,
        },
        "email_preferences": {
            "reminder_24h": profile.email_reminder_24h,
            "reminder_1h": profile.email_reminder_1h,
            "feedback": profile.email_feedback,
        },
    }
    for receiver, sections in personal_data_requested.send(sender=User, user=user, now=now):
        for name, section in (sections or {}).items():
            if name in data:
                raise ValueError(f"{receiver!r} returned a section {name!r} that already exists")
            data[name] = section
    return data
