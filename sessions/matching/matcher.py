"""The matcher: read the pool, pair it by the rules, book each pair.

Safe in any number of workers at once. Each pairing claims its two requests
with ``SELECT ... FOR UPDATE SKIP LOCKED`` and only while both are still
waiting, so a request is claimed by one pairing only; a pairing whose
requests another run holds or already took is skipped, never waited for.
The pairings are booked in batches, a transaction each, by the scheduling
service (``book_new_slots``: a slot for the first request's person, booked
for the second's, with book_slot's checks and rows), so the database's
guarantees (one live booking per slot, nobody in two overlapping live
bookings) hold exactly as for a slot booked by hand; when the service refuses
a pairing ("just taken", a clash), it is skipped and both requests wait for
the next run.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Profile
from sessions.scheduling import services
from sessions.scheduling.models import Booking, BookingParticipant, Slot
from sessions.scheduling.services import SchedulingError

from . import rules
from .models import MatchBlock, MatchRequest, MatchWindow

logger = logging.getLogger(__name__)

Status = MatchRequest.Status
SLOT_NOTE = "Paired by Practice now."
# Pairings booked per transaction: large enough that the fixed cost of a
# transaction is spread thin, small enough that locks are held briefly.
BATCH_SIZE = 250


@dataclass
class RunReport:
    """What one matcher run did: pairings planned, bookings made, pairings skipped,
    and the seconds spent reading and planning, and booking: wall clock, and
    this process's CPU (on a busy machine the two differ)."""

    planned: int = 0
    booked: int = 0
    skipped: int = 0
    expired: int = 0
    planning_seconds: float = field(default=0.0, compare=False)
    booking_seconds: float = field(default=0.0, compare=False)
    planning_cpu_seconds: float = field(default=0.0, compare=False)
    booking_cpu_seconds: float = field(default=0.0, compare=False)


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


def book_pairings(pairings: Sequence[rules.Pairing], *, now: datetime) -> list[Booking | None]:
    """Claim the pairings' requests and book them together; one outcome per pairing.

    One transaction: the requests still waiting are claimed with
    ``FOR UPDATE SKIP LOCKED``, and every pairing whose two requests were both
    claimed and whose people are not paused is booked through the scheduling
    service's batch (``book_new_slots``: book_slot's checks and rows, bulk
    inserts, one booking at a time if the database refuses the batch). None
    means the pairing was not booked and changed nothing: another run holds or
    took a request, it was withdrawn, a person's matching is paused, or the
    service refused the time.
    """
    outcomes: list[Booking | None] = [None] * len(pairings)
    with transaction.atomic():
        claimed = {
            r.pk: r
            for r in MatchRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                pk__in=[pk for p in pairings for pk in (p.first, p.second)], status=Status.WAITING
            )
            .select_related("person")
        }
        people = {r.person_id for r in claimed.values()}
        paused = set(
            Profile.objects.filter(user__in=people, booking_suspended_until__gt=now).values_list(
                "user_id", flat=True
            )
        )
        ready = [
            index
            for index, p in enumerate(pairings)
            if p.first in claimed
            and p.second in claimed
            and not {claimed[p.first].person_id, claimed[p.second].person_id} & paused
        ]
        booked = services.book_new_slots(
            pairs=[
                (
                    _new_slot(pairings[i], claimed[pairings[i].first], now),
                    claimed[pairings[i].second].person,
                )
                for i in ready
            ],
            now=now,
        )
        matched: dict[int, int] = {}
        for index, outcome in zip(ready, booked, strict=True):
            pairing = pairings[index]
            if isinstance(outcome, SchedulingError):
                logger.info(
                    "Pairing %s+%s not booked: %s", pairing.first, pairing.second, outcome.message
                )
                continue
            outcomes[index] = outcome
            matched[pairing.first] = matched[pairing.second] = outcome.pk
        _mark_matched(matched, now=now)
    return outcomes


def _mark_matched(bookings: dict[int, int], *, now: datetime) -> None:
    """Request id -> booking id: each request matched with its booking, in one UPDATE.

    Written as SQL because the ORM's bulk_update builds a CASE expression
    object per row, which cost seconds for a run of ten thousand requests;
    this is the same statement, and plain SQL that PostgreSQL and SQLite share.
    """
    if not bookings:
        return
    meta = MatchRequest._meta
    quote = connection.ops.quote_name
    column = {
        name: quote(meta.get_field(name).column)
        for name in ("id", "status", "matched_at", "booking")
    }
    table, pk = quote(meta.db_table), column["id"]
    cases = " ".join(["WHEN %s THEN %s"] * len(bookings))
    listed = ", ".join(["%s"] * len(bookings))
    # Only quoted names and placeholders are formatted in; the values are parameters.
    sql = (
        f"UPDATE {table} SET {column['status']} = %s, {column['matched_at']} = %s, "  # noqa: S608
        f"{column['booking']} = CASE {pk} {cases} END WHERE {pk} IN ({listed})"
    )
    params = [Status.MATCHED, now, *(n for pair in bookings.items() for n in pair), *bookings]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _new_slot(pairing: rules.Pairing, first: MatchRequest, now: datetime) -> Slot:
    return Slot(
        host=first.person,
        starts_at=pairing.starts_at,
        ends_at=pairing.ends_at,
        interview_type=first.interview_type,
        host_role=pairing.host_role,
        level=pairing.level,
        note=SLOT_NOTE,
        created_at=now,
    )


def book_pairing(pairing: rules.Pairing, *, now: datetime) -> Booking | None:
    """`book_pairings` for one pairing."""
    return book_pairings([pairing], now=now)[0]


def run(*, now: datetime | None = None) -> RunReport:
    """One matcher run: expire what has passed, then pair the pool and book it
    in batches of BATCH_SIZE pairings (a transaction each)."""
    now = now or timezone.now()
    report = RunReport(expired=expire_requests(now=now))
    started, cpu = time.perf_counter(), time.process_time()
    plan = rules.match(load_pool(now))
    report.planned = len(plan)
    report.planning_seconds = time.perf_counter() - started
    report.planning_cpu_seconds = time.process_time() - cpu
    for start in range(0, len(plan), BATCH_SIZE):
        for booking in book_pairings(plan[start : start + BATCH_SIZE], now=now):
            if booking is None:
                report.skipped += 1
            else:
                report.booked += 1
    report.booking_seconds = time.perf_counter() - started - report.planning_seconds
    report.booking_cpu_seconds = time.process_time() - cpu - report.planning_cpu_seconds
    if plan:
        logger.info(
            "Matcher: %s planned, %s booked, %s skipped, %s expired",
            report.planned,
            report.booked,
            report.skipped,
            report.expired,
        )
    return report
