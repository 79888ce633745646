"""One more pair by moving a partner: the augmenting step of the pairing rules
(see ``rules``, "One more pair by moving a partner")."""

from __future__ import annotations

from .fitting import _Entry
from .search import _Run


def augment(run: _Run, neighbours: dict[int, list[int]]) -> bool:
    """Turn one pair and two waiting requests into two pairs where possible:
    (M, P) with U free fitting M and V free fitting P becomes (U, M), (P, V).
    Nobody paired loses a partner; only first-tier pairs are made."""
    entries, partner = run.entries, run.partner
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
            if _swap_in(run, u, entries[m_index], entries[p_index], neighbours):
                improved = True
                break
    return improved


def _fresh_key(run: _Run, x: _Entry, y: _Entry) -> tuple[_Entry, _Entry, tuple] | None:
    a, b = (x, y) if x.rank < y.rank else (y, x)
    if a.no_show or b.no_show or frozenset((a.person, b.person)) in run.met:
        return None
    found = run.key(a, b)
    return None if found is None else (a, b, found)


def _swap_in(run: _Run, u: _Entry, m: _Entry, p: _Entry, neighbours) -> bool:
    old = run.made[m.index]
    run.release(old)
    first = _fresh_key(run, u, m)
    if first is not None:
        run.take(*first)
        for v_index in neighbours[p.index]:
            if run.partner[v_index] != -1 or v_index == u.index:
                continue
            second = _fresh_key(run, p, run.entries[v_index])
            if second is not None:
                run.take(*second)
                return True
        run.release(run.made[u.index])
    a, b = run.entries[old.a], run.entries[old.b]
    run.take(a, b, (old.key, old.code, old.start, old.length))
    return False
