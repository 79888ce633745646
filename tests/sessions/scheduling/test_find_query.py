"""The find query returns exactly what the plain query it replaced returned.

The reference below is the obvious form: the local hour of every slot in the
viewer's zone, and "busy" checks over each person's whole history. The page's
query must give the same slots in the same order on a set with overlaps, past
bookings, cancelled bookings and both DST changes of autumn 2026.
"""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractHour
from django.urls import reverse

from sessions.scheduling.models import Booking, BookingParticipant, Slot
from sessions.scheduling.selectors import TIMES_OF_DAY, VIEWER_ROLE_TO_HOST_ROLE, open_slots_for
from tests.factories import UserFactory, make_booking

pytestmark = pytest.mark.django_db

# Europe changes clocks on 25 Oct 2026, the US on 1 Nov, Sydney on 4 Oct (forward).
NOW = datetime(2026, 10, 21, 9, 7, tzinfo=UTC)


def reference(*, viewer, now, interview_type="", level="", viewer_role="", date_from=None,
              date_to=None, times_of_day=()):  # fmt: skip
    def busy(user_ref):
        return Exists(
            BookingParticipant.objects.filter(
                user=user_ref,
                live=True,
                starts_at__lt=OuterRef("ends_at"),
                ends_at__gt=OuterRef("starts_at"),
            )
        )

    zone = viewer.profile.zone
    slots = (
        Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=now)
        .exclude(host=viewer)
        .exclude(busy(viewer))
        .exclude(busy(OuterRef("host")))
    )
    if interview_type:
        slots = slots.filter(interview_type=interview_type)
    if level:
        slots = slots.filter(level=level)
    if viewer_role:
        slots = slots.filter(host_role=VIEWER_ROLE_TO_HOST_ROLE[viewer_role])
    if date_from:
        slots = slots.filter(starts_at__gte=datetime.combine(date_from, datetime.min.time(), zone))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), zone)
        slots = slots.filter(starts_at__lt=end)
    if times_of_day:
        slots = slots.annotate(local_hour=ExtractHour("starts_at", tzinfo=zone))
        hours = Q()
        for key in times_of_day:
            _, start, end = TIMES_OF_DAY[key]
            if start < end:
                hours |= Q(local_hour__gte=start, local_hour__lt=end)
            else:
                hours |= Q(local_hour__gte=start) | Q(local_hour__lt=end)
        slots = slots.filter(hours)
    return slots.order_by("starts_at", "pk")


@pytest.fixture
def market():
    """Hosts with slots every 35 minutes over 16 days, overlapping bookings on every side."""
    rng = random.Random(7)
    viewers = [
        UserFactory(tz="Europe/Berlin"),
        UserFactory(tz="America/Los_Angeles"),
        UserFactory(tz="Australia/Sydney"),
    ]
    hosts = [UserFactory(tz="UTC") for _ in range(5)]
    others = [UserFactory() for _ in range(3)]
    start = NOW - timedelta(days=1)
    slots = []
    for i in range(16 * 24 * 60 // 35):
        at = start + timedelta(minutes=35 * i)
        role = rng.choice(["interviewer", "candidate", "swap"])
        length = timedelta(minutes=rng.choice([30, 45, 60]) * (2 if role == "swap" else 1))
        slots.append(
            Slot(
                host=rng.choice(hosts + viewers[:1]),
                starts_at=at,
                ends_at=at + length,
                interview_type=rng.choice(["system_design", "behavioral", "coding"]),
                host_role=role,
                level=rng.choice(["senior", "staff"]),
                # Some start at the same moment, so the order by id matters too.
                status=Slot.Status.OPEN,
            )
        )
        if i % 9 == 0:
            twin = slots[-1]
            slots.append(
                Slot(
                    host=rng.choice(hosts),
                    starts_at=twin.starts_at,
                    ends_at=twin.ends_at,
                    interview_type=twin.interview_type,
                    host_role=twin.host_role,
                    level=twin.level,
                )
            )
    Slot.objects.bulk_create(slots)
    # The viewers and hosts are busy at some times: upcoming, past and cancelled bookings.
    for n in range(40):
        person = (viewers + hosts)[n % 8]
        other = others[n % 3]
        at = NOW + timedelta(hours=rng.randint(-72, 15 * 24), minutes=rng.choice([0, 20, 50]))
        try:
            with transaction.atomic():
                booking = make_booking(host=other, guest=person, starts_at=at, minutes=60)
        except IntegrityError:  # an overlap the database refuses: skip it
            continue
        if n % 7 == 0:
            Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
            BookingParticipant.objects.filter(booking=booking).update(live=False)
    return viewers


FILTERS = [
    {},
    {"times_of_day": ["morning"]},
    {"times_of_day": ["night"]},
    {"times_of_day": ["afternoon", "evening"]},
    {"times_of_day": ["morning", "night"], "interview_type": "coding"},
    {"interview_type": "system_design", "level": "senior", "times_of_day": ["evening"]},
    {"viewer_role": "swap", "date_from": date(2026, 10, 24), "date_to": date(2026, 10, 26)},
    {"times_of_day": ["night"], "date_from": date(2026, 10, 31), "date_to": date(2026, 11, 2)},
    {"viewer_role": "candidate", "level": "staff"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
def test_find_returns_the_same_slots_in_the_same_order_as_the_plain_query(market, filters):
    for viewer in market:
        expected = list(reference(viewer=viewer, now=NOW, **filters).values_list("pk", flat=True))
        got = list(open_slots_for(viewer=viewer, now=NOW, **filters).values_list("pk", flat=True))
        assert got == expected, viewer.profile.timezone
        assert expected  # every case has something to compare


def test_the_set_really_has_exclusions_to_get_right(market):
    viewer = market[0]
    everything = Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=NOW).exclude(
        host=viewer
    )
    # The viewer's own bookings and the hosts' bookings both take slots away.
    assert open_slots_for(viewer=viewer, now=NOW).count() < everything.count() - 20


def test_the_page_says_200_plus_rather_than_counting_every_slot(client):
    viewer = UserFactory()
    host = UserFactory()
    first = datetime(2026, 10, 22, 8, 0, tzinfo=UTC)
    Slot.objects.bulk_create(
        Slot(
            host=host,
            starts_at=first + timedelta(hours=2 * i),
            ends_at=first + timedelta(hours=2 * i, minutes=45),
            interview_type="behavioral",
            host_role="interviewer",
        )
        for i in range(230)
    )
    client.force_login(viewer)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("sessions:find"))
        last = client.get(reverse("sessions:find") + "?page=99")
        few = client.get(reverse("sessions:find") + "?interview_type=coding")
    assert "200+ open slots" in page.content.decode()
    assert "narrow the dates or filters" in page.content.decode()
    assert "Page 1 of 10" in page.content.decode()
    # Beyond the counted slots there are no pages: the last one is the tenth.
    assert "Page 10 of 10" in last.content.decode()
    assert "0 open slots" in few.content.decode()
