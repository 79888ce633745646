"""The matcher: read the pool, pair it by the rules, book each pair.

Safe in any number of workers at once. Each pairing claims its two requests
with ``SELECT ... FOR UPDATE SKIP LOCKED`` and only while both are still
waiting, so a request is claimed by one pairing only; a pairing whose
requests another run holds or already took is skipped, never waited for.
The booking is made by the scheduling service (``book_slot``) on a slot
created for the first request's person inside the same transaction, so the
database's guarantees (one live booking per slot, nobody in two overlapping
live bookings) hold exactly as for a slot booked by hand; when the service
refuses ("just taken", a clash), the pairing is skipped and both requests
wait for the next run.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Profile
from sessions.scheduling.models import Booking, BookingParticipant, Slot
from sessions.scheduling.services import SchedulingError, book_slot

from . import rules
from .models import MatchBlock, MatchRequest, MatchWindow

logger = logging.getLogger(__name__)

Status = MatchRequest.Status
SLOT_NOTE = "Paired by Practice now."


@dataclass
class RunReport:
    """What one matcher run did: pairings planned, bookings made, pairings skipped."""

    planned: int = 0
    booked: int = 0
    skipped: int = 0
    expired: int = 0


def expire_requests(*, now: datetime | None = None) -> int:
    """Waiting requests whose last window has ended become expired; returns how many.

    One conditional UPDATE, so concurrent runs expire each request once.
    """
    now = now or timezone.now()
    return MatchRequest.objects.filter(status=Status.WAITING, expires_at__lte=now).update(
        status=Status.EXPIRED, closed_at=now
    )


def load_pool(now: datetime) -> rules.Pool:
    """The waiting, unexpired requests of people whose matching is not paused,
    with their live bookings, blocks, recent meetings and recent no-shows."""
    suspended = Q(person__profile__booking_suspended_until__gt=now)
    requests = list(
        MatchRequest.objects.filter(status=Status.WAITING, expires_at__gt=now)
        .exclude(suspended)
        .values_list(
            "pk",
            "person_id",
            "interview_type",
            "role",
            "either_role",
            "level",
            "target_level",
            "minutes",
            "created_at",
            "rematch_since",
        )
    )
    windows: dict[int, list[tuple[datetime, datetime]]] = {}
    for request_id, starts_at, ends_at in (
        MatchWindow.objects.filter(request__status=Status.WAITING, ends_at__gt=now)
        .order_by()
        .values_list("request_id", "starts_at", "ends_at")
    ):
        windows.setdefault(request_id, []).append((starts_at, ends_at))
    people = {row[1] for row in requests}
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, starts_at, ends_at in BookingParticipant.objects.filter(
        user__in=people, live=True, ends_at__gt=now
    ).values_list("user_id", "starts_at", "ends_at"):
        busy.setdefault(user_id, []).append((starts_at, ends_at))
    blocked = {
        frozenset(pair)
        for pair in MatchBlock.objects.filter(blocker__in=people, blocked__in=people).values_list(
            "blocker_id", "blocked_id"
        )
    }
    met = {
        frozenset(pair)
        for pair in Booking.objects.filter(
            host__in=people, guest__in=people, starts_at__gte=now - rules.RECENT
        ).values_list("host_id", "guest_id")
    }
    no_shows = dict(
        Booking.objects.filter(
            status=Booking.Status.NO_SHOW,
            no_show_user__in=people,
            starts_at__gte=now - rules.RECENT,
        )
        .values("no_show_user")
        .annotate(n=Count("pk"))
        .values_list("no_show_user", "n")
    )
    return rules.Pool(
        requests=[
            rules.Request(
                id=pk,
                person=person,
                interview_type=interview_type,
                role=role,
                either=either,
                level=level,
                target_level=target,
                minutes=minutes,
                windows=tuple(windows.get(pk, ())),
                queued_at=created_at,
                rematch_since=rematch_since,
            )
            for (
                pk,
                person,
                interview_type,
                role,
                either,
                level,
                target,
                minutes,
                created_at,
                rematch_since,
            ) in requests
        ],
        now=now,
        busy=busy,
        blocked=blocked,
        met=met,
        no_shows=no_shows,
    )


def book_pairing(pairing: rules.Pairing, *, now: datetime) -> Booking | None:
    """Claim both requests and book them together, or return None and change nothing.

    None means: another run holds or took a request, it was withdrawn, one
    person's matching is paused, or the scheduling service refused the time.
    """
    with transaction.atomic():
        claimed = {
            r.pk: r
            for r in MatchRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=[pairing.first, pairing.second], status=Status.WAITING)
            .select_related("person")
        }
        if len(claimed) != 2:
            return None
        first, second = claimed[pairing.first], claimed[pairing.second]
        paused = Profile.objects.filter(
            user__in=[first.person_id, second.person_id], booking_suspended_until__gt=now
        )
        if paused.exists():
            return None
        try:
            with transaction.atomic():
                slot = Slot.objects.create(
                    host=first.person,
                    starts_at=pairing.starts_at,
                    ends_at=pairing.ends_at,
                    interview_type=first.interview_type,
                    host_role=pairing.host_role,
                    level=pairing.level,
                    note=SLOT_NOTE,
                    created_at=now,
                )
                booking = book_slot(slot=slot, guest=second.person, now=now)
        except SchedulingError as exc:
            logger.info("Pairing %s+%s not booked: %s", first.pk, second.pk, exc.message)
            return None
        MatchRequest.objects.filter(pk__in=[first.pk, second.pk]).update(
            status=Status.MATCHED, matched_at=now, booking=booking
        )
    return booking


def run(*, now: datetime | None = None) -> RunReport:
    """One matcher run: expire what has passed, then pair and book the pool."""
    now = now or timezone.now()
    report = RunReport(expired=expire_requests(now=now))
    plan = rules.match(load_pool(now))
    report.planned = len(plan)
    for pairing in plan:
        if book_pairing(pairing, now=now) is None:
            report.skipped += 1
        else:
            report.booked += 1
    if plan:
        logger.info(
            "Matcher: %s planned, %s booked, %s skipped, %s expired",
            report.planned,
            report.booked,
            report.skipped,
            report.expired,
        )
    return report
