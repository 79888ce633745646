"""Practice now workflows: ask for a partner, withdraw, expire, block, rematch.

Windows are entered as wall-clock times in the person's own zone and stored in
UTC. Times that do not exist or happen twice on a DST night are refused with
the same messages as publishing a slot. Every workflow runs in one
transaction; the matcher (``matcher.py``) runs after each commit and from beat.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Level, Profile
from sessions.scheduling.models import Booking, InterviewType, Slot
from sessions.timeutils import format_local, localize

from . import rules
from .models import ROUND_MINUTES, MatchBlock, MatchRequest, MatchRole, MatchWindow
from .tasks import queue_matcher_run

MAX_OPEN_REQUESTS = 3
MAX_WINDOWS = 10
HORIZON = timedelta(days=14)

Status = MatchRequest.Status


class MatchingError(Exception):
    """A Practice now rule refused the action; the message is meant for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _suspension_message(profile: Profile) -> str:
    until = format_local(profile.booking_suspended_until, profile.zone, with_zone=True)
    return (
        f"Matching is paused until {until} because of two no-shows within 30 days. "
        "You can ask for a partner again after that."
    )


def _local_windows(
    windows: Sequence[tuple[datetime, datetime]], *, zone, now: datetime, minutes: int
) -> list[tuple[datetime, datetime]]:
    """UTC windows from naive wall-clock (start, end) pairs in ``zone``, merged
    where they touch. Raises ValidationError listing every problem."""
    errors: list[str] = []
    spans: list[tuple[datetime, datetime]] = []
    earliest = rules.earliest_start(now)
    for start, end in windows:
        try:
            lo = localize(day=start.date(), at=start.time(), zone=zone).astimezone(UTC)
            hi = localize(day=end.date(), at=end.time(), zone=zone).astimezone(UTC)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        label = format_local(lo, zone)
        if hi <= lo:
            errors.append(f"The window from {label} ends before it starts.")
        elif hi - max(lo, earliest) < timedelta(minutes=minutes):
            errors.append(
                f"The window from {label} is too soon or too short: a session starts at least "
                f"two hours from now and needs {minutes} minutes inside the window."
            )
        elif hi > now + HORIZON:
            errors.append(f"The window from {label} reaches beyond the next 14 days.")
        else:
            spans.append((lo, hi))
    if errors:
        raise ValidationError(errors)
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def create_request(
    *,
    person,
    interview_type: str,
    role: str,
    level: str,
    target_level: str,
    minutes: int,
    windows: Sequence[tuple[datetime, datetime]],
    either_role: bool = False,
    now: datetime | None = None,
) -> MatchRequest:
    """Put a request for a partner into the pool.

    ``windows`` are naive wall-clock (start, end) pairs in the person's zone.
    Raises ValidationError (bad input, a DST-ambiguous or missing time, more
    than 10 windows, a window outside the next 14 days) or MatchingError (three
    requests already open, matching paused after no-shows). Nothing is saved
    when it raises.
    """
    now = now or timezone.now()
    profile = person.profile
    if interview_type not in InterviewType.values:
        raise ValidationError("Choose an interview type from the list.")
    if role not in MatchRole.values:
        raise ValidationError("Choose what you want to do from the list.")
    if level not in Level.values or target_level not in Level.values:
        raise ValidationError("Choose levels from the list.")
    if minutes not in ROUND_MINUTES:
        raise ValidationError(
            f"A round lasts {', '.join(map(str, ROUND_MINUTES))} minutes, not {minutes}."
        )
    if not windows:
        raise ValidationError("Mark at least one time when you are free.")
    if len(windows) > MAX_WINDOWS:
        raise ValidationError(
            f"That is {len(windows)} separate windows; the limit is {MAX_WINDOWS}. "
            "Join some of them or leave some out."
        )
    rounds = 2 if role == MatchRole.SWAP else 1
    spans = _local_windows(windows, zone=profile.zone, now=now, minutes=minutes * rounds)
    with transaction.atomic():
        # One request at a time per person, so two tabs can't both pass the limit.
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        if profile.is_booking_suspended(now):
            raise MatchingError(_suspension_message(profile))
        open_count = MatchRequest.objects.filter(person=person, status=Status.WAITING).count()
        if open_count >= MAX_OPEN_REQUESTS:
            raise MatchingError(
                f"You already have {open_count} requests waiting, the most at once. "
                "Withdraw one or wait for a match."
            )
        request = MatchRequest.objects.create(
            person=person,
            interview_type=interview_type,
            role=role,
            either_role=either_role,
            level=level,
            target_level=target_level,
            minutes=minutes,
            created_at=now,
            expires_at=spans[-1][1],
        )
        MatchWindow.objects.bulk_create(
            [MatchWindow(request=request, starts_at=lo, ends_at=hi) for lo, hi in spans]
        )
        queue_matcher_run()
    return request


def withdraw_request(*, request: MatchRequest, by, now: datetime | None = None) -> MatchRequest:
    """Take a waiting request out of the pool. Raises MatchingError once it is
    matched (cancel the booking instead), expired or withdrawn."""
    now = now or timezone.now()
    with transaction.atomic():
        # Waits for a matcher that holds the row, then sees what it decided.
        request = MatchRequest.objects.select_for_update().get(pk=request.pk)
        if request.person_id != by.pk:
            raise MatchingError("Only the person who asked can withdraw a request.")
        if request.status == Status.MATCHED:
            raise MatchingError(
                "This request was just matched. Cancel the interview instead if you can't make it."
            )
        if request.status != Status.WAITING:
            raise MatchingError(f"This request is already {request.get_status_display().lower()}.")
        request.status = Status.WITHDRAWN
        request.closed_at = now
        request.save(update_fields=["status", "closed_at"])
    return request


def block(*, by, other) -> MatchBlock:
    """``by`` is never paired with ``other`` again (nor ``other`` with ``by``)."""
    if by.pk == other.pk:
        raise MatchingError("You can't block yourself.")
    row, _ = MatchBlock.objects.get_or_create(blocker=by, blocked=other)
    return row


def unblock(*, by, other) -> int:
    deleted, _ = MatchBlock.objects.filter(blocker=by, blocked=other).delete()
    return deleted


def booking_cancelled(booking: Booking, *, now: datetime | None = None) -> list[MatchRequest]:
    """A matched booking was cancelled: the canceller's request closes, and the
    other person's goes back into the pool first in line (a rematch). When
    staff cancelled, both go back. Returns the requests that went back.

    Scheduling reopens a slot when its guest cancels; a pairing's slot is
    withdrawn instead, since the host's request went back into the pool.
    Runs inside the cancelling transaction; a booking that was not matched is
    left alone.
    """
    now = now or timezone.now()
    back = []
    rows = list(
        MatchRequest.objects.select_for_update().filter(booking=booking, status=Status.MATCHED)
    )
    if not rows:
        return back
    Slot.objects.filter(pk=booking.slot_id, status=Slot.Status.OPEN).update(
        status=Slot.Status.WITHDRAWN
    )
    for request in rows:
        if request.person_id == booking.cancelled_by_id:
            request.status = Status.WITHDRAWN
            request.closed_at = now
            request.save(update_fields=["status", "closed_at"])
            continue
        request.booking = None
        request.cancelled_booking = booking
        request.matched_at = None
        if request.expires_at <= now:
            request.status, request.closed_at = Status.EXPIRED, now
        else:
            request.status = Status.WAITING
            request.rematch_since = now
            back.append(request)
        request.save(
            update_fields=[
                "booking",
                "cancelled_booking",
                "matched_at",
                "status",
                "closed_at",
                "rematch_since",
            ]
        )
    if back:
        queue_matcher_run()
    return back


def person_leaving(*, person, now: datetime) -> int:
    """Wind down Practice now for a person whose account is being anonymised.

    Runs inside accounts.services.anonymise_user's transaction, after
    scheduling cancelled their upcoming interviews (which withdrew their matched
    requests and put each partner back in line). Their waiting requests are
    withdrawn at ``now`` (aware UTC), waiting for a matcher that holds one; every
    block they made or that names them is deleted, since nobody can pair with
    an anonymised account again. Returns how many requests were withdrawn.
    """
    waiting = MatchRequest.objects.select_for_update().filter(person=person, status=Status.WAITING)
    withdrawn = MatchRequest.objects.filter(
        pk__in=list(waiting.values_list("pk", flat=True)), status=Status.WAITING
    ).update(status=Status.WITHDRAWN, closed_at=now)
    MatchBlock.objects.filter(Q(blocker=person) | Q(blocked=person)).delete()
    return withdrawn
