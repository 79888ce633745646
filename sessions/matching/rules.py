"""How "Practice now" pairs people. Every pairing rule is stated here, and
``match`` below applies them; the code behind it is in ``search`` (who fits
whom, the candidate pairs, which pair comes first) and ``augmenting`` (one
more pair by moving a partner).

The rules work on plain data (``Request`` and ``Pool``, from ``pool``), never
on the database, so they can be read, tested and timed on their own. Times are
aware datetimes in any zone; inside, they are whole minutes since the epoch (UTC).

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

from bisect import insort
from collections.abc import Iterable

from .augmenting import augment
from .fitting import _arrangements, _common_start
from .pool import (
    GRID_MINUTES,
    INTERVIEWS,
    IS_INTERVIEWED,
    LEAD_TIME,
    LEVELS,
    RECENT,
    ROLES,
    SWAP,
    Pairing,
    Pool,
    Request,
    _minute_ceil,
    _minute_floor,
    earliest_start,
)
from .search import _neighbours, _Run

__all__ = [
    "GRID_MINUTES",
    "INTERVIEWS",
    "IS_INTERVIEWED",
    "LEAD_TIME",
    "LEVELS",
    "RECENT",
    "ROLES",
    "SWAP",
    "Pairing",
    "Pool",
    "Request",
    "can_pair",
    "earliest_start",
    "first_fit",
    "match",
]

AUGMENT_ROUNDS = 3


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
        if not augment(run, neighbours):
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
