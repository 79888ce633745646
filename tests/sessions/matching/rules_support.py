"""Hypothesis strategies for match pools, and the checks every pairing must pass."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from sessions.matching import rules

# Zones with whole, half and quarter hour offsets, on both sides of the equator.
ZONES = [
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "UTC",
]
# Moments around the 2026 DST changes in the US, Europe and Australia, and a plain one.
NOWS = [
    datetime(2026, 3, 7, 23, 40, tzinfo=UTC),
    datetime(2026, 3, 28, 22, 10, tzinfo=UTC),
    datetime(2026, 4, 4, 13, 5, 30, tzinfo=UTC),
    datetime(2026, 10, 24, 21, 59, tzinfo=UTC),
    datetime(2026, 6, 15, 0, 1, tzinfo=UTC),
]
TYPES = ["system_design", "behavioral"]


@st.composite
def local_window(draw, now: datetime, zone: str) -> tuple[datetime, datetime]:
    """A window entered on the half hour in the person's zone, within four days of now."""
    local_now = now.astimezone(ZoneInfo(zone))
    day = local_now.date() + timedelta(days=draw(st.integers(0, 4)))
    half_hours = draw(st.integers(0, 47))
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=30 * half_hours)
    start = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return start, start + timedelta(minutes=30 * draw(st.integers(1, 10)))


@st.composite
def pools(draw, *, one_request_each: bool = False, max_requests: int = 12) -> rules.Pool:
    now = draw(st.sampled_from(NOWS))
    count = draw(st.integers(2, max_requests))
    people = count if one_request_each else draw(st.integers(2, max(2, count - 1)))
    zone_of = {p: draw(st.sampled_from(ZONES)) for p in range(1, people + 1)}
    requests = []
    for n in range(count):
        person = n + 1 if one_request_each else draw(st.integers(1, people))
        windows = draw(st.lists(local_window(now, zone_of[person]), min_size=1, max_size=3))
        requests.append(
            rules.Request(
                id=100 + n,
                person=person,
                interview_type=draw(st.sampled_from(TYPES)),
                role=draw(st.sampled_from(rules.ROLES)),
                either=draw(st.booleans()),
                level=draw(st.sampled_from(rules.LEVELS)),
                target_level=draw(st.sampled_from(rules.LEVELS)),
                minutes=draw(st.sampled_from([30, 60])),
                windows=tuple(windows),
                queued_at=now - timedelta(minutes=draw(st.integers(0, 600))),
                rematch_since=now if draw(st.integers(0, 9)) == 0 else None,
            )
        )
    person_ids = sorted(zone_of)
    pair = st.lists(st.sampled_from(person_ids), min_size=2, max_size=2, unique=True).map(frozenset)
    busy = {}
    for person in person_ids:
        spans = draw(st.lists(local_window(now, zone_of[person]), max_size=2))
        # Live bookings of one person never overlap each other.
        kept: list[tuple[datetime, datetime]] = []
        for s, e in spans:
            if all(e <= ks or s >= ke for ks, ke in kept):
                kept.append((s, e))
        busy[person] = kept
    return rules.Pool(
        requests=requests,
        now=now,
        busy=busy,
        blocked=frozenset(draw(st.lists(pair, max_size=2))),
        met=frozenset(draw(st.lists(pair, max_size=3))),
        no_shows={p: 1 for p in draw(st.lists(st.sampled_from(person_ids), max_size=2))},
    )


def roles_of(pairing: rules.Pairing) -> tuple[set[str], set[str]]:
    """The roles each side takes in a pairing, as request roles."""
    if pairing.host_role == rules.INTERVIEWS:
        return {"interviewer"}, {"candidate"}
    if pairing.host_role == rules.IS_INTERVIEWED:
        return {"candidate"}, {"interviewer"}
    return {"swap"}, {"swap"}


def accepts(request: rules.Request, role: set[str]) -> bool:
    return request.either or role == {request.role}


def check_pairing(pool: rules.Pool, pairing: rules.Pairing) -> None:
    """Assert that one pairing keeps every hard rule."""
    by_id = {r.id: r for r in pool.requests}
    a, b = by_id[pairing.first], by_id[pairing.second]
    assert a.person != b.person
    assert frozenset((a.person, b.person)) not in pool.blocked
    assert a.interview_type == b.interview_type and a.minutes == b.minutes
    assert abs(rules.LEVELS.index(a.level) - rules.LEVELS.index(b.level)) <= 1
    role_a, role_b = roles_of(pairing)
    assert accepts(a, role_a) and accepts(b, role_b)
    rounds = 2 if pairing.host_role == rules.SWAP else 1
    assert pairing.ends_at - pairing.starts_at == timedelta(minutes=a.minutes * rounds)
    assert pairing.starts_at >= pool.now + rules.LEAD_TIME
    assert pairing.starts_at.tzinfo is not None
    assert pairing.starts_at.astimezone(UTC).minute % rules.GRID_MINUTES == 0
    assert pairing.starts_at.second == 0 and pairing.starts_at.microsecond == 0
    for request in (a, b):
        assert any(s <= pairing.starts_at and pairing.ends_at <= e for s, e in request.windows)
        for s, e in pool.busy.get(request.person, ()):
            assert pairing.ends_at <= s or pairing.starts_at >= e
    assert pairing.met_recently == (frozenset((a.person, b.person)) in pool.met)
