"""Fitting two requests: role and level classes, the ways two requests can share
a booking (arrangements), and their earliest common free start, in whole
minutes. Used by ``search``; ``rules`` explains each rule in words."""

from __future__ import annotations

from dataclasses import dataclass

from .pool import GRID_MINUTES, INTERVIEWS, IS_INTERVIEWED, LEVELS, SWAP, Request, _to_grid

_CANDIDATE, _INTERVIEWER, _SWAP = 1, 2, 4
_ROLE_BIT = {"candidate": _CANDIDATE, "interviewer": _INTERVIEWER, "swap": _SWAP}
_ALL_ROLES = _CANDIDATE | _INTERVIEWER | _SWAP


def _role_fit(a: int, b: int) -> bool:
    return bool(
        (a & _INTERVIEWER and b & _CANDIDATE)
        or (a & _CANDIDATE and b & _INTERVIEWER)
        or (a & _SWAP and b & _SWAP)
    )


_ROLE_FIT = [[_role_fit(a, b) for b in range(8)] for a in range(8)]
# For each (level index, role bits): the (level index, role bits) that can fit it.
_FITTING_CLASSES = [
    [
        [
            (other_level, other_roles)
            for other_level in range(len(LEVELS))
            for other_roles in range(8)
            if abs(level - other_level) <= 1 and _ROLE_FIT[roles][other_roles]
        ]
        for roles in range(8)
    ]
    for level in range(len(LEVELS))
]
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
    # roles, role, level and target in one number: what _arrangements reads.
    shape: int = 0


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


# The arrangements of two entries by their shapes, filled as the run meets them.
_ARRANGEMENTS: dict[int, list[tuple[int, int, int, int]]] = {}
# The best (lowest) class of their arrangements, for ``_Run.bound``.
_BEST_CLASS: dict[int, int] = {}


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
