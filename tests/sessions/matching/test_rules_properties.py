"""Property tests of the pairing rules over random pools (hypothesis).

Pools mix interview types, roles, "any role" flags, levels, lengths, busy
times, blocks, recent meetings and no-shows, with windows entered on the half
hour in zones from Los Angeles to Adelaide around DST changes.
"""

import random
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.matching import rules
from tests.sessions.matching.rules_support import check_pairing, pools

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def unmatched(pool: rules.Pool, made: list[rules.Pairing]) -> list[rules.Request]:
    taken = {p.first for p in made} | {p.second for p in made}
    return [r for r in pool.requests if r.id not in taken]


def assert_no_request_twice(pool, made):
    ids = [p.first for p in made] + [p.second for p in made]
    assert len(ids) == len(set(ids))
    assert set(ids) <= {r.id for r in pool.requests}


def assert_nobody_in_two_overlapping_pairings(pool, made):
    person = {r.id: r.person for r in pool.requests}
    spans = [(person[rid], p.starts_at, p.ends_at) for p in made for rid in (p.first, p.second)]
    for (who, s1, e1), (other, s2, e2) in combinations(spans, 2):
        if who == other:
            assert e1 <= s2 or e2 <= s1


def assert_maximal(pool, made):
    for a, b in combinations(unmatched(pool, made), 2):
        assert not rules.can_pair(pool, a, b, made), (a, b)


# One pool feeds several properties: generating pools is most of the cost.
@PROPERTY
@given(pools())
def test_pairings_are_disjoint_keep_the_rules_and_leave_no_pair_behind(pool):
    made = rules.match(pool)
    assert_no_request_twice(pool, made)
    assert_nobody_in_two_overlapping_pairings(pool, made)
    for pairing in made:
        check_pairing(pool, pairing)
    assert_maximal(pool, made)


@PROPERTY
@given(pools())
def test_first_fit_keeps_the_hard_rules_and_is_maximal_too(pool):
    # The benchmark's reference must be a fair one.
    made = rules.first_fit(pool)
    assert_no_request_twice(pool, made)
    assert_nobody_in_two_overlapping_pairings(pool, made)
    for pairing in made:
        check_pairing(pool, pairing)
    assert_maximal(pool, made)


@PROPERTY
@given(pools(), st.randoms(use_true_random=False))
def test_the_same_pool_in_any_order_gives_the_same_pairings(pool, rnd: random.Random):
    shuffled = list(pool.requests)
    rnd.shuffle(shuffled)
    again = rules.Pool(
        requests=shuffled,
        now=pool.now,
        busy=pool.busy,
        blocked=pool.blocked,
        met=pool.met,
        no_shows=pool.no_shows,
    )
    assert rules.match(again) == rules.match(pool)


def _clean_partner_left(pool, made, pairing, request_id) -> bool:
    """Whether the request had a waiting partner it has not met and who has
    no no-show, once its own pairing is taken away."""
    by_id = {r.id: r for r in pool.requests}
    me = by_id[request_id]
    others = [p for p in made if p is not pairing]
    for other in unmatched(pool, made):
        clean = frozenset((me.person, other.person)) not in pool.met and not pool.no_shows.get(
            other.person
        )
        if clean and rules.can_pair(pool, me, other, others):
            return True
    return False


def assert_met_recently_only_as_a_last_resort(pool, made):
    for pairing in made:
        if pairing.met_recently:
            for side in (pairing.first, pairing.second):
                assert not _clean_partner_left(pool, made, pairing, side)


def assert_no_shows_go_last(pool, made):
    person = {r.id: r.person for r in pool.requests}
    for pairing in made:
        if pairing.met_recently:
            continue
        sides = (pairing.first, pairing.second)
        for side, other in (sides, sides[::-1]):
            if pool.no_shows.get(person[other]) and not pool.no_shows.get(person[side]):
                # `side` took a partner with a no-show: nobody clean was left for it.
                assert not _clean_partner_left(pool, made, pairing, side)


def assert_a_lone_rematch_with_a_clean_partner_is_paired(pool, made):
    rematches = [r for r in pool.requests if r.rematch_since]
    if len(rematches) != 1:
        return
    (rematch,) = rematches
    if pool.no_shows.get(rematch.person):
        return
    clean = [
        r
        for r in pool.requests
        if r is not rematch
        and frozenset((r.person, rematch.person)) not in pool.met
        and not pool.no_shows.get(r.person)
        and rules.can_pair(pool, rematch, r)
    ]
    paired = {p.first for p in made} | {p.second for p in made}
    if clean:
        assert rematch.id in paired


# With one request a person, a person's times change only through that request,
# so "nothing else fitted" can be checked on the final result.
@PROPERTY
@given(pools(one_request_each=True))
def test_preferences_recent_meetings_and_no_shows_last_rematches_first(pool):
    made = rules.match(pool)
    assert_met_recently_only_as_a_last_resort(pool, made)
    assert_no_shows_go_last(pool, made)
    assert_a_lone_rematch_with_a_clean_partner_is_paired(pool, made)
