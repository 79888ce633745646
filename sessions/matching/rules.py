"""How "Practice now" pairs people. Every pairing rule lives in this module.

The rules work on plain data (the ``Request`` and ``Pool`` below), never on the
database, so they can be read, tested and timed on their own. Times are aware
datetimes in any zone; inside, they are whole minutes since the epoch (UTC).

Who can be paired
-----------------
Two waiting requests A and B can be paired when all of these hold:

1. They belong to two different people, and neither person blocked the other.
2. They are for the same interview type and the same round length.
3. Their roles fit. "Be interviewed" fits "interview someone"; "swap" fits
   "swap". A request marked "any role is fine" also takes the other roles,
   so it fits every request whose own wish it can serve.
4. Their current levels are at most one step apart
   (mid, senior, staff, principal).
5. There is a common free stretch long enough for the session (one round, or
   two for a swap) that starts at least two hours from now. Starts fall on the
   quarter hour (UTC), inside a window of each person, and never overlap a
   live booking of either person, nor another pairing made in the same run.

Which pairs are made first
--------------------------
Every possible pair gets a sort key; pairs are taken in that order, each one
when both requests are still free and their earliest common start still
works (the start is recomputed if an earlier pair took that time):

1. Pairs of people who were booked together in the last 30 days (or still
   are) come after every other pair: they meet again only when nothing else
   fits either of them.
2. Then pairs with fewer people who had a no-show in the last 30 days:
   someone who did not turn up is paired after everyone else.
3. Then pairs that include a rematch (a request whose partner cancelled)
   before the others: a rematch is first in line.
4. Then pairs where both people got the role they asked for first, before
   pairs that needed an "any role" flag.
5. Then pairs where each interviewer's level is at or above the level their
   candidate targets.
6. Then the earliest start.
7. Then the pair whose two requests had fewer possible partners at the start
   of the run, so a request with one option is not left without it.
8. Then the pair whose first request is earlier in line, then whose second
   is. The line puts rematches first, then the longest waiting (a rematch
   counts from the cancellation), then the lower request id. The result
   depends only on the input, never on its order or on chance.

One more pair by moving a partner
---------------------------------
After that pass, a waiting request U may fit a paired request M whose
partner P fits another waiting request V. Then (M, P) becomes (U, M) and
(P, V): nobody paired loses a partner and two more people get one. Only
pairs from the first tier (no recent meeting, no recent no-show) are made
this way. A last pass as above then
takes any pair the moved times made possible.

Why nobody is left waiting who could have been paired
-------------------------------------------------------
The result is maximal: when the run ends, no two unpaired requests could be
paired with each other. Proof: the run ends with a pass as above. Within a
pass, constraints only grow (taken times are added, never removed). Take two
requests A and B, both unpaired at the end, that fit each other at the end.
Then they fitted at every moment of the last pass, so the pair (A, B) was in
its list. When it came up, both were free (they are free at the end) and a
common start existed, so it was made: a contradiction.

The same argument over the tiers of the sort key shows, for people with one
request each, that a pair from tier 1 or 2 is made only when neither of its
people had a better-tier partner left. (With several requests a person's
moved times can open a better choice after the fact; nobody is paired
twice at once either way.)
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LEVELS = ("mid", "senior", "staff", "principal")
ROLES = ("candidate", "interviewer", "swap")
LEAD_TIME = timedelta(hours=2)
GRID_MINUTES = 15
RECENT = timedelta(days=30)

# What the request's owner does in the booking, as a slot's host role says it.
INTERVIEWS = "interviewer"  # the first request's person interviews the second's
IS_INTERVIEWED = "candidate"  # the second interviews the first
SWAP = "swap"  # both, in turns; the first request's person interviews first

_CANDIDATE, _INTERVIEWER, _SWAP = 1, 2, 4
_ROLE_BIT = {"candidate": _CANDIDATE, "interviewer": _INTERVIEWER, "swap": _SWAP}
_ALL_ROLES = _CANDIDATE | _INTERVIEWER | _SWAP


@dataclass(frozen=True, slots=True)
class Request:
    """A waiting match request as the rules see it.

    ``windows`` are (start, end) pairs of aware datetimes; ``level`` and
    ``target_level`` are names from ``LEVELS``; ``minutes`` is one round.
    ``queued_at`` is when it joined the line; ``rematch_since`` is set when a
    partner cancelled and the request went back in first in line.
    """

    id: int
    person: int
    interview_type: str
    role: str
    level: str
    target_level: str
    minutes: int
    windows: tuple[tuple[datetime, datetime], ...]
    queued_at: datetime
    either: bool = False
    rematch_since: datetime | None = None


@dataclass(frozen=True)
class Pool:
    """Everything the rules need to know about one run.

    ``busy``: each person's live bookings as (start, end). ``blocked`` and
    ``met``: unordered pairs of person ids (frozensets of two). ``no_shows``:
    how many no-shows each person had in the last 30 days.
    """

    requests: Sequence[Request]
    now: datetime
    busy: Mapping[int, Sequence[tuple[datetime, datetime]]] = field(default_factory=dict)
    blocked: Collection[frozenset[int]] = frozenset()
    met: Collection[frozenset[int]] = frozenset()
    no_shows: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pairing:
    """Two requests to book together.

    ``host_role`` is the role of ``first``'s person, in the words of a slot:
    "interviewer" (they interview ``second``'s person), "candidate" (they are
    interviewed) or "swap" (both, ``first``'s person interviewing first).
    ``level`` is the level the questions aim at. Times are aware UTC.
    """

    first: int
    second: int
    host_role: str
    level: str
    starts_at: datetime
    ends_at: datetime
    met_recently: bool = False


# --- Time as whole minutes --------------------------------------------------------


def _minute_floor(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _minute_ceil(moment: datetime) -> int:
    whole = _minute_floor(moment)
    utc = moment.astimezone(UTC)
    return whole if utc.second == 0 and utc.microsecond == 0 else whole + 1


def _to_grid(minute: int) -> int:
    return -(-minute // GRID_MINUTES) * GRID_MINUTES


def _as_datetime(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


def earliest_start(now: datetime) -> datetime:
    """The first moment a pairing may start: two hours from ``now``, on the quarter hour (UTC)."""
    return _as_datetime(_to_grid(_minute_ceil(now + LEAD_TIME)))


# --- Fitting two requests -------------------------------------------------------------


def _role_fit(a: int, b: int) -> bool:
    return bool(
        (a & _INTERVIEWER and b & _CANDIDATE)
        or (a & _CANDIDATE and b & _INTERVIEWER)
        or (a & _SWAP and b & _SWAP)
    )


_ROLE_FIT = [[_role_fit(a, b) for b in range(8)] for a in range(8)]
_HOST_ROLES = (INTERVIEWS, IS_INTERVIEWED, SWAP)
_START_BITS = _RANK_BITS = _DEGREE_BITS = 24
_CAP = (1 << 24) - 1


@dataclass(slots=True)
class _Entry:
    request: Request
    index: int
    person: int
    kind: tuple[str, int]
    minutes: int
    role: int
    roles: int
    level: int
    target: int
    windows: list[tuple[int, int]]
    queued: float
    rematch: bool
    no_show: bool
    rank: int = 0
    degree: int = 0


def _arrangements(a: _Entry, b: _Entry) -> list[tuple[int, int, int, int]]:
    """Each way a and b can share a booking: (code into _HOST_ROLES for a, roles
    not as first asked, interviewers below their candidate's target, rounds)."""
    out = []
    if a.roles & _INTERVIEWER and b.roles & _CANDIDATE:
        miss = (a.role != _INTERVIEWER) + (b.role != _CANDIDATE)
        out.append((0, miss, int(a.level < b.target), 1))
    if a.roles & _CANDIDATE and b.roles & _INTERVIEWER:
        miss = (a.role != _CANDIDATE) + (b.role != _INTERVIEWER)
        out.append((1, miss, int(b.level < a.target), 1))
    if a.roles & _SWAP and b.roles & _SWAP:
        miss = (a.role != _SWAP) + (b.role != _SWAP)
        out.append((2, miss, int(a.level < b.target) + int(b.level < a.target), 2))
    return out


def _free_start(lo: int, hi: int, length: int, busy_a: list, busy_b: list) -> int | None:
    """The first quarter-hour start t in [lo, hi - length] with [t, t + length)
    clear of both busy lists (sorted (start, end) minute pairs), or None."""
    t = _to_grid(lo)
    moved = True
    while moved:
        if t + length > hi:
            return None
        moved = False
        for busy in (busy_a, busy_b):
            for start, end in busy:
                if start >= t + length:
                    break
                if end > t:
                    t = _to_grid(end)
                    moved = True
                    if t + length > hi:
                        return None
    return t


def _common_start(a: _Entry, b: _Entry, length: int, busy_a: list, busy_b: list) -> int | None:
    best = None
    free = not busy_a and not busy_b
    for a_lo, a_hi in a.windows:
        if best is not None and a_lo >= best:
            break
        for b_lo, b_hi in b.windows:
            if b_lo >= a_hi:
                break
            lo = a_lo if a_lo > b_lo else b_lo
            hi = a_hi if a_hi < b_hi else b_hi
            if hi - lo < length or (best is not None and lo >= best):
                continue
            if free:
                t = -(-lo // GRID_MINUTES) * GRID_MINUTES
                if t + length > hi:
                    continue
            else:
                t = _free_start(lo, hi, length, busy_a, busy_b)
                if t is None:
                    continue
            if best is None or t < best:
                best = t
    return best


@dataclass(slots=True)
class _Made:
    key: int
    a: int
    b: int
    code: int
    start: int
    length: int


class _Run:
    """One pass of the rules over a pool."""

    def __init__(self, pool: Pool):
        self.pool = pool
        self.first = _to_grid(_minute_ceil(pool.now + LEAD_TIME))
        self.blocked = {frozenset(p) for p in pool.blocked}
        self.met = {frozenset(p) for p in pool.met}
        self.busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for person, spans in pool.busy.items():
            self.busy[person] = sorted((_minute_floor(s), _minute_ceil(e)) for s, e in spans)
        self.version: dict[int, int] = defaultdict(int)
        self.entries: list[_Entry] = []
        for request in sorted(pool.requests, key=lambda r: r.id):
            entry = self._entry(request, len(self.entries))
            if entry is not None:
                self.entries.append(entry)
        line = sorted(self.entries, key=lambda e: (not e.rematch, e.queued, e.index))
        for rank, entry in enumerate(line):
            entry.rank = rank
        self.partner = [-1] * len(self.entries)
        self.made: dict[int, _Made] = {}

    def _entry(self, r: Request, index: int) -> _Entry | None:
        if r.role not in _ROLE_BIT or r.level not in LEVELS or r.target_level not in LEVELS:
            return None
        windows = []
        for start, end in sorted(r.windows):
            lo, hi = max(_minute_ceil(start), self.first), _minute_floor(end)
            if hi - _to_grid(lo) >= r.minutes:
                windows.append((lo, hi))
        if not windows:
            return None
        queued = r.rematch_since or r.queued_at
        return _Entry(
            request=r,
            index=index,
            person=r.person,
            kind=(r.interview_type, r.minutes),
            minutes=r.minutes,
            role=_ROLE_BIT[r.role],
            roles=_ALL_ROLES if r.either else _ROLE_BIT[r.role],
            level=LEVELS.index(r.level),
            target=LEVELS.index(r.target_level),
            windows=windows,
            queued=queued.timestamp(),
            rematch=r.rematch_since is not None,
            no_show=self.pool.no_shows.get(r.person, 0) > 0,
        )

    def fits(self, a: _Entry, b: _Entry) -> bool:
        """The hard rules other than time: people, type, length, levels, roles, blocks."""
        return (
            a.person != b.person
            and a.kind == b.kind
            and -1 <= a.level - b.level <= 1
            and _ROLE_FIT[a.roles][b.roles]
            and not (self.blocked and frozenset((a.person, b.person)) in self.blocked)
        )

    def candidate_pairs(self) -> list[tuple[int, int]]:
        """Pairs that fit and whose windows overlap by at least one round, found
        by a sweep over time; each as (earlier in line, later in line)."""
        groups: dict[tuple[str, int], list[tuple[int, int, _Entry]]] = defaultdict(list)
        for e in self.entries:
            for lo, hi in e.windows:
                groups[e.kind].append((lo, hi, e))
        size = len(self.entries)
        seen: set[int] = set()
        pairs: list[tuple[int, int]] = []
        fits = self.fits
        for (_, minutes), spans in groups.items():
            spans.sort(key=lambda s: (s[0], s[1], s[2].index))
            active: list[tuple[int, int, _Entry]] = []
            for lo, hi, e in spans:
                need = lo + minutes
                active = [s for s in active if s[1] >= need]
                for _, other_hi, other in active:
                    if other_hi < need or hi < need:
                        continue
                    a, b = (e, other) if e.rank < other.rank else (other, e)
                    code = a.index * size + b.index
                    if code in seen:
                        continue
                    seen.add(code)
                    if fits(a, b):
                        pairs.append((a.index, b.index))
                active.append((lo, hi, e))
        pairs.sort()
        return pairs

    def key(self, a: _Entry, b: _Entry) -> tuple[int, int, int, int] | None:
        """(sort key, arrangement code, start, length) of the pair's best
        arrangement now, or None when no time works; ``a`` is earlier in line."""
        busy_a, busy_b = self.busy[a.person], self.busy[b.person]
        tier = (
            int(frozenset((a.person, b.person)) in self.met) * 3 + a.no_show + b.no_show
        ) * 2 + (not (a.rematch or b.rematch))
        tail = (min(a.degree + b.degree, _CAP) << (2 * _RANK_BITS) | a.rank << _RANK_BITS) | b.rank
        found = None
        for code, role_miss, level_miss, rounds in _arrangements(a, b):
            length = a.minutes * rounds
            start = _common_start(a, b, length, busy_a, busy_b)
            if start is None:
                continue
            head = (tier * 9 + role_miss * 3 + level_miss) << _START_BITS | min(
                start - self.first, _CAP
            )
            key = ((head << (_DEGREE_BITS + 2 * _RANK_BITS) | tail) << 2) | code
            if found is None or key < found[0]:
                found = (key, code, start, length)
        return found

    def take(self, a: _Entry, b: _Entry, found: tuple[int, int, int, int]) -> None:
        key, code, start, length = found
        for person in (a.person, b.person):
            insort(self.busy[person], (start, start + length))
            self.version[person] += 1
        self.partner[a.index], self.partner[b.index] = b.index, a.index
        self.made[a.index] = self.made[b.index] = _Made(key, a.index, b.index, code, start, length)

    def release(self, made: _Made) -> None:
        a, b = self.entries[made.a], self.entries[made.b]
        for person in (a.person, b.person):
            self.busy[person].remove((made.start, made.start + made.length))
            self.version[person] += 1
        self.partner[a.index] = self.partner[b.index] = -1
        del self.made[a.index], self.made[b.index]

    def greedy(self, pairs: list[tuple[int, int]]) -> None:
        """Take the pairs in key order, each when both are free and a time still works."""
        entries, partner, version = self.entries, self.partner, self.version
        queue = []
        for i, j in pairs:
            if partner[i] == -1 and partner[j] == -1:
                a, b = entries[i], entries[j]
                found = self.key(a, b)
                if found is not None:
                    queue.append((found, i, j, version[a.person], version[b.person]))
        queue.sort()
        later: list = []
        at = 0
        while at < len(queue) or later:
            if later and (at >= len(queue) or later[0] < queue[at]):
                found, i, j, va, vb = heapq.heappop(later)
            else:
                found, i, j, va, vb = queue[at]
                at += 1
            if partner[i] != -1 or partner[j] != -1:
                continue
            a, b = entries[i], entries[j]
            if (va, vb) != (version[a.person], version[b.person]):
                # A time of one of them was taken since: recompute. Within one
                # greedy pass times are only added, so a key only gets worse
                # and putting it back keeps the order.
                again = self.key(a, b)
                if again is not None:
                    heapq.heappush(later, (again, i, j, version[a.person], version[b.person]))
                continue
            self.take(a, b, found)

    def augment(self, neighbours: dict[int, list[int]]) -> bool:
        """Turn one pair and two waiting requests into two pairs where possible:
        (M, P) with U free fitting M and V free fitting P becomes (U, M), (P, V).
        Nobody paired loses a partner; only first-tier pairs are made."""
        entries, partner = self.entries, self.partner
        improved = False
        for u in sorted((e for e in entries if partner[e.index] == -1), key=lambda e: e.rank):
            if partner[u.index] != -1:
                continue
            for m_index in neighbours.get(u.index, ()):
                p_index = partner[m_index]
                if p_index == -1 or partner[u.index] != -1:
                    continue
                if not any(partner[v] == -1 and v != u.index for v in neighbours[p_index]):
                    continue
                if self._swap_in(u, entries[m_index], entries[p_index], neighbours):
                    improved = True
                    break
        return improved

    def _fresh_key(self, x: _Entry, y: _Entry) -> tuple[_Entry, _Entry, tuple] | None:
        a, b = (x, y) if x.rank < y.rank else (y, x)
        if a.no_show or b.no_show or frozenset((a.person, b.person)) in self.met:
            return None
        found = self.key(a, b)
        return None if found is None else (a, b, found)

    def _swap_in(self, u: _Entry, m: _Entry, p: _Entry, neighbours) -> bool:
        old = self.made[m.index]
        self.release(old)
        first = self._fresh_key(u, m)
        if first is not None:
            self.take(*first)
            for v_index in neighbours[p.index]:
                if self.partner[v_index] != -1 or v_index == u.index:
                    continue
                second = self._fresh_key(p, self.entries[v_index])
                if second is not None:
                    self.take(*second)
                    return True
            self.release(self.made[u.index])
        a, b = self.entries[old.a], self.entries[old.b]
        self.take(a, b, (old.key, old.code, old.start, old.length))
        return False

    def pairing(self, made: _Made) -> Pairing:
        a, b = self.entries[made.a], self.entries[made.b]
        ra, rb = a.request, b.request
        host_role = _HOST_ROLES[made.code]
        if host_role == INTERVIEWS:
            level = rb.target_level
        elif host_role == IS_INTERVIEWED:
            level = ra.target_level
        else:
            level = max(ra.target_level, rb.target_level, key=LEVELS.index)
        return Pairing(
            first=ra.id,
            second=rb.id,
            host_role=host_role,
            level=level,
            starts_at=_as_datetime(made.start),
            ends_at=_as_datetime(made.start + made.length),
            met_recently=frozenset((a.person, b.person)) in self.met,
        )

    def result(self) -> list[Pairing]:
        made = {id(m): m for m in self.made.values()}.values()
        return [self.pairing(m) for m in sorted(made, key=lambda m: m.key)]


AUGMENT_ROUNDS = 3


def _neighbours(run: _Run, pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Each request's fitting requests, in line order."""
    size = len(run.entries)
    rank = [e.rank for e in run.entries]
    # One sort of plain integers: (the neighbour's place in line, owner, neighbour).
    codes = [rank[j] * size * size + i * size + j for i, j in pairs]
    codes += [rank[i] * size * size + j * size + i for i, j in pairs]
    codes.sort()
    neighbours: dict[int, list[int]] = defaultdict(list)
    for code in codes:
        owner, other = divmod(code % (size * size), size)
        neighbours[owner].append(other)
    return neighbours


def match(pool: Pool) -> list[Pairing]:
    """Pair the pool's requests by the rules above; returns the pairings in key order.

    Deterministic: the same pool (in any order) gives the same pairings.
    """
    run = _Run(pool)
    pairs = run.candidate_pairs()
    neighbours = _neighbours(run, pairs)
    for i, listed in neighbours.items():
        run.entries[i].degree = len(listed)
    run.greedy(pairs)
    for _ in range(AUGMENT_ROUNDS):
        if not run.augment(neighbours):
            break
        # Moved times can free a stretch two waiting requests now share.
        run.greedy(pairs)
    return run.result()


# --- Checks and the naive reference ------------------------------------------------------


def can_pair(pool: Pool, first: Request, second: Request, taken: Iterable[Pairing] = ()) -> bool:
    """Whether two requests fit each other by the hard rules, given the pool's
    busy times plus the times of ``taken`` pairings (used to check maximality)."""
    run = _Run(Pool(requests=[first, second], now=pool.now, busy=pool.busy, blocked=pool.blocked))
    if len(run.entries) != 2:
        return False
    person = {r.id: r.person for r in pool.requests}
    for p in taken:
        for request_id in (p.first, p.second):
            span = (_minute_floor(p.starts_at), _minute_ceil(p.ends_at))
            insort(run.busy[person[request_id]], span)
    a, b = sorted(run.entries, key=lambda e: e.rank)
    return run.fits(a, b) and run.key(a, b) is not None


def first_fit(pool: Pool) -> list[Pairing]:
    """The naive reference: in line order, each free request takes the first
    free request that fits (by the hard rules), at the first time that works.

    It ignores every preference; the benchmark compares ``match`` against it.
    """
    run = _Run(pool)
    entries = run.entries
    neighbours = _neighbours(run, run.candidate_pairs())
    for a in sorted(entries, key=lambda e: e.rank):
        if run.partner[a.index] != -1:
            continue
        for j in neighbours.get(a.index, ()):
            if run.partner[j] != -1:
                continue
            x, y = (a, entries[j]) if a.rank < entries[j].rank else (entries[j], a)
            for code, _, _, rounds in _arrangements(x, y):
                length = x.minutes * rounds
                start = _common_start(x, y, length, run.busy[x.person], run.busy[y.person])
                if start is not None:
                    run.take(x, y, (0, code, start, length))
                    break
            if run.partner[a.index] != -1:
                break
    return run.result()
