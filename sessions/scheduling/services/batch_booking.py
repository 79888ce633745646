"""Booking many new slots at once (the matcher's path): one transaction, bulk inserts.

The checks are book_slot's own (`check_slot`, `check_people`), run pair by
pair in the given order on data read for the whole batch in a few queries,
and the rows written are exactly those book_slot writes, announced with one
`bookings_confirmed` for the batch. The exclusion constraint stays the last
word: when the database refuses the batch's inserts, they are rolled back and
each pair goes through book_slot on its own, so one conflict costs one pair.
"""

import copy
import logging
from bisect import insort
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from accounts import pagecache
from accounts.models import Profile
from sessions.scheduling import signals
from sessions.scheduling.bulk import insert_objects
from sessions.scheduling.calendar import forget_feeds
from sessions.scheduling.models import Booking, BookingParticipant, Slot

from .booking import (
    book_slot,
    check_people,
    check_slot,
    lost_a_race,
    new_booking,
    new_rounds,
)
from .questions import QuestionPicker
from .rules import SchedulingError

logger = logging.getLogger(__name__)


def book_new_slots(
    *, pairs: Sequence[tuple[Slot, object]], now: datetime | None = None
) -> list[Booking | SchedulingError]:
    """Publish each unsaved slot and book it for its guest; one outcome per pair, in order.

    An outcome is the new Booking, or the SchedulingError book_slot would have
    raised for that pair (booked in this order, earlier pairs of the batch
    count as taken). Each slot is given as an unsaved `Slot` with its host,
    times (aware) and kind; the objects passed in are not changed. Runs in
    one transaction (or inside the caller's); the people are locked in one
    statement, in the order book_slot locks them (and read by it). When the database refuses
    the inserts because a booking committed meanwhile overlaps one of the
    batch (the exclusion constraint, or a deadlock it broke), the batch is
    rolled back and every pair is booked by book_slot on its own. Raises only
    what the database raises for any other reason.
    """
    now = now or timezone.now()
    pairs = list(pairs)
    with transaction.atomic():
        try:
            with transaction.atomic():
                return _book_together(pairs, now)
        except (IntegrityError, OperationalError) as exc:
            if not lost_a_race(exc):
                raise
            logger.info(
                "A batch of %s bookings met a concurrent booking; booking one by one", len(pairs)
            )
        return [_book_alone(slot, guest, now) for slot, guest in pairs]


def _book_alone(slot: Slot, guest, now: datetime) -> Booking | SchedulingError:
    slot = copy.copy(slot)
    try:
        with transaction.atomic():
            slot.save()
            return book_slot(slot=slot, guest=guest, now=now)
    except SchedulingError as exc:
        return exc


def _first_overlap(rows: list[BookingParticipant], starts_at: datetime, ends_at: datetime):
    """The earliest of `rows` (sorted by start) overlapping [starts_at, ends_at), or None:
    what `selectors.clashes(...).first()` answers, on rows already read."""
    for row in rows:
        if row.starts_at >= ends_at:
            return None
        if row.ends_at > starts_at:
            return row
    return None


def _busy_rows(people: set[int], slots: list[Slot]) -> dict[int, list[BookingParticipant]]:
    busy: dict[int, list[BookingParticipant]] = defaultdict(list)
    if not slots:
        return busy
    for row in BookingParticipant.objects.filter(
        user__in=people,
        live=True,
        starts_at__lt=max(s.ends_at for s in slots),
        ends_at__gt=min(s.starts_at for s in slots),
    ).order_by("starts_at", "pk"):
        busy[row.user_id].append(row)
    return busy


def _book_together(pairs: list[tuple[Slot, object]], now: datetime) -> list:
    outcomes: list[Booking | SchedulingError | None] = [None] * len(pairs)
    slots = [copy.copy(slot) for slot, _ in pairs]
    checked = []
    for index, (slot, (_, guest)) in enumerate(zip(slots, pairs, strict=True)):
        try:
            check_slot(slot, guest, now=now)
        except SchedulingError as exc:
            outcomes[index] = exc
        else:
            checked.append(index)
    people = {slots[i].host_id for i in checked} | {pairs[i][1].pk for i in checked}
    # Locked as _lock_people locks (in user order), and read in the same statement.
    profiles = {
        p.user_id: p
        for p in Profile.objects.select_for_update().filter(user__in=people).order_by("user_id")
    }
    busy = _busy_rows(people, [slots[i] for i in checked])
    made: list[tuple[Slot, Booking, list[BookingParticipant]]] = []
    for index in checked:
        slot, guest = slots[index], pairs[index][1]
        try:
            check_people(
                profile=profiles[guest.pk],
                guest_clash=_first_overlap(busy[guest.pk], slot.starts_at, slot.ends_at),
                host_busy=_first_overlap(busy[slot.host_id], slot.starts_at, slot.ends_at)
                is not None,
                now=now,
            )
        except SchedulingError as exc:
            outcomes[index] = exc
            continue
        slot.status = Slot.Status.BOOKED
        booking, participants = new_booking(slot, guest, now=now)
        for row in participants:
            insort(busy[row.user_id], row, key=lambda r: r.starts_at)
        outcomes[index] = booking
        made.append((slot, booking, participants))
    if not made:
        return outcomes
    insert_objects([slot for slot, _, _ in made], with_ids=True)
    bookings = [booking for _, booking, _ in made]
    insert_objects(bookings, with_ids=True)
    insert_objects([row for _, _, rows in made for row in rows])
    picker = QuestionPicker(people)
    insert_objects(
        [
            r
            for slot, booking, _ in made
            for r in new_rounds(booking, level=slot.level, picker=picker)
        ]
    )
    # What book_slot's Booking.save() does through post_save, for the whole batch.
    people_booked = sorted({p for b in bookings for p in (b.host_id, b.guest_id)})
    forget_feeds(*people_booked)
    pagecache.people_changed(*people_booked)
    signals.bookings_confirmed.send(sender=Booking, bookings=bookings)
    return outcomes
