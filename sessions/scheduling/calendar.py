"""Calendar files: an .ics per booking and a private feed per person.

A booking keeps one UID for life; every change raises SEQUENCE, so calendar
clients update the event they already have instead of adding a second one.
"""

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from accounts import clock
from accounts.pagecache import read_through
from sessions.timeutils import format_range

from .models import Booking, HostRole

PRODID = "-//interviewprep//mock interviews//EN"
SERVICE_NAME = "interviewprep"
# Subscribed calendars keep cancelled events for a while so they disappear
# from the subscriber's calendar instead of silently lingering.
FEED_HISTORY = timedelta(days=60)
FEED_FUTURE = timedelta(days=366)


def event_uid(booking: Booking) -> str:
    return f"{booking.calendar_uid}@interviewprep"


def _organizer() -> vCalAddress:
    """The service itself (DEFAULT_FROM_EMAIL and its name), never a person's address."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name or SERVICE_NAME)
    return address


def _attendee(booking: Booking, user) -> vCalAddress:
    """One participant, named by display name. Their email address only when they chose
    to share it with peers (Profile.share_email_with_peers); otherwise an opaque URN,
    stable per booking and person, that reveals neither the address nor the user id."""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.share_email_with_peers and not user.is_anonymised:
        address = vCalAddress(f"mailto:{user.email}")
    else:
        address = vCalAddress(uuid.uuid5(booking.calendar_uid, f"attendee:{user.pk}").urn)
    address.params["cn"] = vText(user.display_name)
    address.params["role"] = vText("REQ-PARTICIPANT")
    address.params["partstat"] = vText("ACCEPTED")
    return address


def _when(booking: Booking, viewer) -> str:
    """ "When: Tue 3 Mar, 2:00 PM–3:00 PM (America/Los_Angeles)" in the viewer's zone and clock."""
    with clock.override(twelve_hour=viewer.uses_12_hour_clock):
        text = format_range(booking.starts_at, booking.ends_at, viewer.zone)
    return f"When: {text} ({viewer.timezone})"


def describe_roles(booking: Booking) -> str:
    host, guest = booking.host.display_name, booking.guest.display_name
    if booking.host_role == HostRole.SWAP:
        return f"First half: {host} interviews {guest}. Second half: {guest} interviews {host}."
    if booking.host_role == HostRole.CANDIDATE:
        return f"{guest} interviews {host}."
    return f"{host} interviews {guest}."


def _event(booking: Booking, *, now: datetime, viewer=None) -> Event:
    cancelled = booking.status == Booking.Status.CANCELLED
    event = Event()
    event.add("uid", event_uid(booking))
    event.add("sequence", booking.calendar_sequence)
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add(
        "summary",
        f"Mock {booking.get_interview_type_display().lower()} interview: "
        f"{booking.host.display_name} and {booking.guest.display_name}",
    )
    page = settings.SITE_URL + reverse("sessions:booking", args=[booking.pk])
    room = settings.SITE_URL + reverse("sessions:room", args=[booking.pk])
    lines = [describe_roles(booking), f"Video call: {booking.meeting_url}", f"Room: {room}"]
    if viewer is not None:
        lines.insert(0, _when(booking, viewer))
    if cancelled and booking.cancellation_reason:
        lines.insert(0, f"Cancelled: {booking.cancellation_reason}")
    lines.append(f"Details, reschedule or cancel: {page}")
    event.add("description", "\n".join(lines))
    event.add("location", booking.meeting_url)
    event.add("url", booking.meeting_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("organizer", _organizer())
    for person in (booking.host, booking.guest):
        event.add("attendee", _attendee(booking, person))
    return event


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def build_ics(booking: Booking, *, method: str | None = None, viewer=None) -> bytes:
    """One booking as an invitation (REQUEST) or a cancellation (CANCEL).

    `viewer` is the Profile of the person the file is for: the description then
    starts with the time in their zone and clock. Organizer and attendees follow
    `_organizer` and `_attendee` (no personal address unless shared).
    """
    if method is None:
        method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
    cal = _calendar(method.upper())
    cal.add_component(_event(booking, now=timezone.now(), viewer=viewer))
    return cal.to_ical()


def build_feed(user) -> bytes:
    """One person's bookings (a user or a user id), for calendar apps that subscribe by URL.

    Bounded: bookings that ended up to FEED_HISTORY ago and those starting
    within FEED_FUTURE, whatever the person's history holds. Descriptions
    carry times in the person's zone and clock.
    """
    from accounts.models import Profile

    now = timezone.now()
    viewer = Profile.objects.get(user_id=getattr(user, "pk", user))
    bookings = (
        Booking.objects.filter(
            participants__user=user,
            ends_at__gte=now - FEED_HISTORY,
            starts_at__lt=now + FEED_FUTURE,
        )
        .select_related("host__profile", "guest__profile")
        .order_by("starts_at")
        .distinct()
    )
    cal = _calendar(None)
    cal.add("x-wr-calname", "interviewprep mock interviews")
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    for booking in bookings:
        cal.add_component(_event(booking, now=now, viewer=viewer))
    return cal.to_ical()


# --- The cached feed ----------------------------------------------------------------

# Calendar apps poll the feed every few minutes for as long as someone is
# subscribed. The body is built once per change: it is cached under a version
# token per person, which any change to their bookings or profile replaces
# (after commit). The hour bounds what a stale "history" window or another
# person's new display name can cost.
FEED_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: float  # Unix time of the build


def _version_key(user_id: int) -> str:
    return f"calendar-feed:version:{user_id}"


def forget_feeds(*user_ids: int) -> None:
    """The feeds of these people changed: serve a fresh build once the change commits."""

    def bump() -> None:
        cache.set_many({_version_key(pk): uuid.uuid4().hex for pk in user_ids}, timeout=None)

    transaction.on_commit(bump)


def cached_feed(user_id: int) -> Feed:
    """The person's feed, built at most once per change (or per FEED_CACHE_SECONDS).

    One cache round trip on a hit (accounts.pagecache.read_through): a change
    committed while a feed builds (forget_feeds) is never hidden by it.
    """

    def build() -> Feed:
        body = build_feed(user_id)
        return Feed(
            body=body,
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            last_modified=float(int(time.time())),
        )

    return read_through(
        f"calendar-feed:{user_id}",
        version_key=_version_key(user_id),
        build=build,
        timeout=FEED_CACHE_SECONDS,
    )


_OWNERS_VERSION = "calendar-feed:owners:version"


def feed_owner(token: str) -> int | None:
    """The id of the active person whose feed the secret `token` opens, or None.

    Calendar apps poll every few minutes for as long as they are subscribed, so
    the answer is read through the cache (one round trip, no query) under one
    version token for every feed address. That token is replaced, at once and
    again after the commit, whenever an address is rotated or an account is
    saved inactive or removed (`_owners_changed`). An unknown token is looked up
    every time.
    """
    from accounts.models import Profile

    digest = hashlib.sha256(token.encode()).hexdigest()
    return read_through(
        f"calendar-feed:owner:{digest}",
        version_key=_OWNERS_VERSION,
        build=lambda: (
            Profile.objects.filter(calendar_token=token, user__is_active=True)
            .values_list("user_id", flat=True)
            .first()
        ),
        timeout=FEED_CACHE_SECONDS,
    )


def _owners_changed(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    fields = {"calendar_token", "is_active"}
    if created or (update_fields is not None and not fields & set(update_fields)):
        return  # a new account, a login's last_login: no known address changed hands
    # Any full save of a user or profile counts (profile edits are rare next to polls).

    def bump() -> None:
        cache.set(_OWNERS_VERSION, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def _booking_changed(sender, instance: Booking, **kwargs) -> None:
    forget_feeds(instance.host_id, instance.guest_id)


# Profile fields that show in other people's feeds (their copy of a shared booking).
SHOWN_TO_PARTNERS = {"display_name", "share_email_with_peers"}


def _partners_in_feed_window(user_id: int) -> set[int]:
    now = timezone.now()
    pairs = Booking.objects.filter(
        participants__user_id=user_id,
        ends_at__gte=now - FEED_HISTORY,
        starts_at__lt=now + FEED_FUTURE,
    ).values_list("host_id", "guest_id")
    return {pk for pair in pairs for pk in pair} - {user_id}


def _profile_changed(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    # The person's own feed (their zone, clock, name) and, when a field their
    # partners see may have changed, the partners' feeds too: withdrawing the
    # email address must not wait for the cache to run out.
    changed = SHOWN_TO_PARTNERS if update_fields is None else SHOWN_TO_PARTNERS & set(update_fields)
    partners = _partners_in_feed_window(instance.user_id) if changed and not created else set()
    forget_feeds(instance.user_id, *partners)


def connect_receivers() -> None:
    """Forget a person's cached feed when one of their bookings or their profile
    changes, and every known feed owner when an address or an account's state does."""
    from accounts.models import Profile, User

    post_save.connect(_booking_changed, sender=Booking, dispatch_uid="calendar-feed-booking")
    post_delete.connect(_booking_changed, sender=Booking, dispatch_uid="calendar-feed-booking-del")
    post_save.connect(_profile_changed, sender=Profile, dispatch_uid="calendar-feed-profile")
    for model in (Profile, User):
        uid = f"calendar-feed-owners-{model._meta.model_name}"
        post_save.connect(_owners_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_owners_changed, sender=model, dispatch_uid=f"{uid}-del")
