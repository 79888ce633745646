"""Calendar files: an .ics per booking and a private feed per person.

A booking keeps one UID for life; every change raises SEQUENCE, so calendar
clients update the event they already have instead of adding a second one.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, HostRole

PRODID = "-//interviewprep//mock interviews//EN"
# Subscribed calendars keep cancelled events for a while so they disappear
# from the subscriber's calendar instead of silently lingering.
FEED_HISTORY = timedelta(days=60)


def event_uid(booking: Booking) -> str:
    return f"{booking.calendar_uid}@interviewprep"


def _address(user, *, attendee: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    if attendee:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("ACCEPTED")
    return address


def describe_roles(booking: Booking) -> str:
    host, guest = booking.host.display_name, booking.guest.display_name
    if booking.host_role == HostRole.SWAP:
        return f"First half: {host} interviews {guest}. Second half: {guest} interviews {host}."
    if booking.host_role == HostRole.CANDIDATE:
        return f"{guest} interviews {host}."
    return f"{host} interviews {guest}."


def _event(booking: Booking, *, now: datetime) -> Event:
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
    if cancelled and booking.cancellation_reason:
        lines.insert(0, f"Cancelled: {booking.cancellation_reason}")
    lines.append(f"Details, reschedule or cancel: {page}")
    event.add("description", "\n".join(lines))
    event.add("location", booking.meeting_url)
    event.add("url", booking.meeting_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("organizer", _address(booking.host, attendee=False))
    event.add("attendee", _address(booking.guest, attendee=True))
    return event


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def build_ics(booking: Booking, *, method: str | None = None) -> bytes:
    """One booking as an invitation (REQUEST) or a cancellation (CANCEL)."""
    if method is None:
        method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "REQUEST"
    cal = _calendar(method.upper())
    cal.add_component(_event(booking, now=timezone.now()))
    return cal.to_ical()


def build_feed(user) -> bytes:
    """Every booking of one person, for calendar apps that subscribe by URL."""
    now = timezone.now()
    bookings = (
        Booking.objects.filter(participants__user=user, ends_at__gte=now - FEED_HISTORY)
        .select_related("host__profile", "guest__profile")
        .order_by("starts_at")
        .distinct()
    )
    cal = _calendar(None)
    cal.add("x-wr-calname", "interviewprep mock interviews")
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    for booking in bookings:
        cal.add_component(_event(booking, now=now))
    return cal.to_ical()
