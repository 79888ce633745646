"""Finding and ranking pairs: the hard rules (who fits whom, at what time, from
``fitting``), the search for candidate pairs, the sort key that says which pair comes first,
and the greedy pass that takes them in that order. ``rules`` explains each
rule in words; ``augmenting`` adds the step that moves a partner."""

from __future__ import annotations

import heapq
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass

from .fitting import (
    _ALL_ROLES,
    _ARRANGEMENTS,
    _BEST_CLASS,
    _CAP,
    _DEGREE_BITS,
    _FITTING_CLASSES,
    _HOST_ROLES,
    _RANK_BITS,
    _ROLE_BIT,
    _ROLE_FIT,
    _START_BITS,
    _arrangements,
    _common_start,
    _Entry,
)
from .pool import (
    GRID_MINUTES,
    INTERVIEWS,
    IS_INTERVIEWED,
    LEAD_TIME,
    LEVELS,
    Pairing,
    Pool,
    Request,
    _as_datetime,
    _minute_ceil,
    _minute_floor,
    _to_grid,
)


def _first_key(entry: tuple) -> int:
    return entry[0]


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
            shape=(
                (_ALL_ROLES if r.either else _ROLE_BIT[r.role])
                | _ROLE_BIT[r.role] << 3
                | LEVELS.index(r.level) << 6
                | LEVELS.index(r.target_level) << 8
            ),
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
        by a sweep over time; each as (earlier in line, later in line).

        The sweep keeps the open windows apart by level and roles, so a window
        is compared only with those whose level and roles can fit it."""
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
            active: dict[tuple[int, int], list[tuple[int, int, _Entry]]] = defaultdict(list)
            for lo, hi, e in spans:
                need = lo + minutes
                for group in _FITTING_CLASSES[e.level][e.roles]:
                    listed = active.get(group)
                    if not listed:
                        continue
                    listed[:] = [s for s in listed if s[1] >= need]
                    for _, other_hi, other in listed:
                        if other_hi < need or hi < need:
                            continue
                        a, b = (e, other) if e.rank < other.rank else (other, e)
                        code = a.index * size + b.index
                        if code in seen:
                            continue
                        seen.add(code)
                        if fits(a, b):
                            pairs.append((a.index, b.index))
                active[(e.level, e.roles)].append((lo, hi, e))
        pairs.sort()
        return pairs

    def key(self, a: _Entry, b: _Entry) -> tuple[int, int, int, int] | None:
        """(sort key, arrangement code, start, length) of the pair's best
        arrangement now, or None when no time works; ``a`` is earlier in line."""
        busy, met = self.busy, self.met
        busy_a, busy_b = busy[a.person], busy[b.person]
        tier = (
            (int(frozenset((a.person, b.person)) in met) * 3 if met else 0) + a.no_show + b.no_show
        ) * 2 + (not (a.rematch or b.rematch))
        shapes = a.shape << 10 | b.shape
        arrangements = _ARRANGEMENTS.get(shapes)
        if arrangements is None:
            arrangements = _ARRANGEMENTS[shapes] = _arrangements(a, b)
        found = None
        starts: dict[int, int | None] = {}  # arrangements of one length share a start
        for code, role_miss, level_miss, rounds in arrangements:
            length = a.minutes * rounds
            if length in starts:
                start = starts[length]
            else:
                start = starts[length] = _common_start(a, b, length, busy_a, busy_b)
            if start is None:
                continue
            offset = start - self.first
            head = (tier * 9 + role_miss * 3 + level_miss) << _START_BITS | (
                offset if offset < _CAP else _CAP
            )
            if found is None or head < found[0]:
                found = (head, code, start, length)
        if found is None:
            return None
        head, code, start, length = found
        tail = (min(a.degree + b.degree, _CAP) << (2 * _RANK_BITS) | a.rank << _RANK_BITS) | b.rank
        return (((head << (_DEGREE_BITS + 2 * _RANK_BITS) | tail) << 2) | code, code, start, length)

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

    def bounds(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """(bound, i, j) for each pair whose two requests are free; the bound is no
        larger than the pair's sort key (``key(...)[0]``) ever is: its best class
        at the earliest start both first windows allow. Written flat, as it runs
        over every candidate pair."""
        entries, partner, met = self.entries, self.partner, self.met
        first = self.first
        lo = [e.windows[0][0] for e in entries]
        rank = [e.rank for e in entries]
        degree = [e.degree for e in entries]
        shape = [e.shape for e in entries]
        # The tier without the "met" part: no-shows, then "no rematch" as in `key`.
        no_show = [int(e.no_show) for e in entries]
        rematch = [e.rematch for e in entries]
        person = [e.person for e in entries]
        out = []
        for i, j in pairs:
            if partner[i] != -1 or partner[j] != -1:
                continue
            shapes = shape[i] << 10 | shape[j]
            best = _BEST_CLASS.get(shapes)
            if best is None:
                best = _BEST_CLASS[shapes] = min(
                    role_miss * 3 + level_miss
                    for _, role_miss, level_miss, _ in _arrangements(entries[i], entries[j])
                )
            tier = (
                (int(frozenset((person[i], person[j])) in met) * 3 if met else 0)
                + no_show[i]
                + no_show[j]
            ) * 2 + (not (rematch[i] or rematch[j]))
            start = lo[i] if lo[i] > lo[j] else lo[j]
            offset = -(-start // GRID_MINUTES) * GRID_MINUTES - first
            head = (tier * 9 + best) << _START_BITS | (offset if offset < _CAP else _CAP)
            both = degree[i] + degree[j]
            tail = (
                (both if both < _CAP else _CAP) << (2 * _RANK_BITS) | rank[i] << _RANK_BITS
            ) | rank[j]
            out.append((((head << (_DEGREE_BITS + 2 * _RANK_BITS) | tail) << 2), i, j))
        return out

    def greedy(self, pairs: list[tuple[int, int]]) -> None:
        """Take the pairs in key order, each when both are free and a time still works.

        A pair's key is worked out only when its turn may have come: the pairs
        wait in the order of a bound no larger than their key (``bounds``), and
        one whose partner is taken by then is dropped without it. Keys only get
        worse as times are taken, so this takes the same pairs in the same
        order as computing every key first."""
        entries, partner, version = self.entries, self.partner, self.version
        waiting = self.bounds(pairs)
        # Bounds are unique (they end in both places in line): sorting by them
        # alone gives the order of the whole entries, with quick comparisons.
        waiting.sort(key=_first_key)
        ready: list = []  # (key, ...), i, j and both versions when it was worked out
        at = 0
        while at < len(waiting) or ready:
            if ready and (at >= len(waiting) or ready[0][0][0] < waiting[at][0]):
                found, i, j, va, vb = heapq.heappop(ready)
            else:
                _, i, j = waiting[at]
                at += 1
                if partner[i] != -1 or partner[j] != -1:
                    continue
                a, b = entries[i], entries[j]
                found = self.key(a, b)
                if found is not None:
                    heapq.heappush(ready, (found, i, j, version[a.person], version[b.person]))
                continue
            if partner[i] != -1 or partner[j] != -1:
                continue
            a, b = entries[i], entries[j]
            if (va, vb) != (version[a.person], version[b.person]):
                # A time of one of them was taken since: recompute and put it back.
                again = self.key(a, b)
                if again is not None:
                    heapq.heappush(ready, (again, i, j, version[a.person], version[b.person]))
                continue
            self.take(a, b, found)

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


def _neighbours(run: _Run, pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Each request's fitting requests, in line order."""
    neighbours: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs:
        neighbours[i].append(j)
        neighbours[j].append(i)
    rank = [e.rank for e in run.entries]
    for listed in neighbours.values():
        listed.sort(key=rank.__getitem__)
    return neighbours
