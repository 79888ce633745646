"""The pairing rules one at a time, on small hand-made pools."""

from datetime import UTC, datetime, timedelta

from sessions.matching import rules

NOW = datetime(2026, 5, 4, 8, 7, tzinfo=UTC)
DAY = datetime(2026, 5, 5, tzinfo=UTC)


def at(hour: float, day: int = 0) -> datetime:
    return DAY + timedelta(days=day, hours=hour)


def req(rid: int, role: str, *, person: int | None = None, windows=((9, 12),), **extra):
    fields = {
        "interview_type": "system_design",
        "level": "senior",
        "target_level": "senior",
        "minutes": 60,
        "queued_at": NOW - timedelta(minutes=rid),
        **extra,
    }
    return rules.Request(
        id=rid,
        person=person or rid,
        role=role,
        windows=tuple((at(s), at(e)) for s, e in windows),
        **fields,
    )


def pairs(*requests, **pool) -> list[tuple[int, int, str, datetime]]:
    made = rules.match(rules.Pool(requests=list(requests), now=pool.pop("now", NOW), **pool))
    return [(p.first, p.second, p.host_role, p.starts_at) for p in made]


def test_a_candidate_and_an_interviewer_meet_at_the_first_common_time():
    made = pairs(req(1, "candidate", windows=((10, 12),)), req(2, "interviewer"))
    # Request 2 joined the line first, so it hosts: it interviews request 1's person.
    assert made == [(2, 1, "interviewer", at(10))]


def test_two_candidates_do_not_fit_unless_one_takes_any_role():
    assert pairs(req(1, "candidate"), req(2, "candidate")) == []
    assert pairs(req(1, "candidate"), req(2, "candidate", either=True)) == [
        (2, 1, "interviewer", at(9))
    ]


def test_a_swap_books_two_rounds_and_needs_room_for_both():
    assert pairs(req(1, "swap", windows=((9, 10),)), req(2, "swap")) == []
    made = rules.match(rules.Pool(requests=[req(1, "swap"), req(2, "swap")], now=NOW))
    assert [(p.host_role, p.ends_at - p.starts_at) for p in made] == [("swap", timedelta(hours=2))]


def test_the_first_asked_role_comes_before_any_role():
    # Request 3 would take the interviewer side only through its flag.
    made = pairs(
        req(1, "candidate"),
        req(2, "candidate", either=True, windows=((9, 10),)),
        req(3, "interviewer", windows=((11, 12),)),
    )
    assert (3, 1, "interviewer", at(11)) in made


def test_type_length_and_levels_more_than_one_step_apart_never_fit():
    assert pairs(req(1, "candidate"), req(2, "interviewer", interview_type="coding")) == []
    assert pairs(req(1, "candidate"), req(2, "interviewer", minutes=45)) == []
    assert pairs(req(1, "candidate", level="mid"), req(2, "interviewer", level="staff")) == []
    assert pairs(req(1, "candidate", level="staff"), req(2, "interviewer", level="principal"))


def test_an_interviewer_at_or_above_the_target_level_is_preferred_over_an_earlier_one():
    made = pairs(
        req(1, "candidate", level="senior", target_level="staff"),
        req(2, "interviewer", level="senior", windows=((9, 10),)),
        req(3, "interviewer", level="staff", windows=((11, 12),)),
    )
    assert made[0] == (3, 1, "interviewer", at(11))


def test_the_common_window_must_hold_the_whole_round():
    assert (
        pairs(req(1, "candidate", windows=((9, 10.5),)), req(2, "interviewer", windows=((10, 12),)))
        == []
    )
    assert pairs(
        req(1, "candidate", windows=((9, 11),)), req(2, "interviewer", windows=((10, 12),))
    ) == [(2, 1, "interviewer", at(10))]


def test_nothing_starts_within_two_hours_and_starts_fall_on_the_quarter_hour():
    now = at(8, day=0) + timedelta(minutes=1, seconds=5)
    made = pairs(req(1, "candidate"), req(2, "interviewer"), now=now)
    assert made == [(2, 1, "interviewer", at(10.25))]
    assert rules.earliest_start(now) == at(10.25)


def test_a_person_is_never_paired_with_themselves_nor_twice_at_once():
    assert pairs(req(1, "candidate", person=7), req(2, "interviewer", person=7)) == []
    made = pairs(
        req(1, "candidate", person=7, windows=((9, 10),)),
        req(2, "candidate", person=7, windows=((9, 11),)),
        req(3, "interviewer", windows=((9, 12),)),
        req(4, "interviewer", windows=((9, 12),)),
    )
    assert len(made) == 2
    (_, _, _, first), (_, _, _, second) = sorted(made, key=lambda p: p[3])
    assert second - first >= timedelta(hours=1)


def test_live_bookings_are_stepped_around():
    made = pairs(req(1, "candidate"), req(2, "interviewer"), busy={1: [(at(8.5), at(9.5))]})
    assert made == [(2, 1, "interviewer", at(9.5))]


def test_people_who_blocked_each_other_are_never_paired():
    assert pairs(req(1, "candidate"), req(2, "interviewer"), blocked={frozenset((1, 2))}) == []


def test_people_who_met_recently_meet_again_only_when_nothing_else_fits():
    met = {frozenset((1, 2))}
    assert pairs(req(1, "candidate"), req(2, "interviewer"), met=met) == [
        (2, 1, "interviewer", at(9))
    ]
    made = pairs(
        req(1, "candidate"),
        req(2, "interviewer"),
        req(3, "interviewer", windows=((11, 12),)),
        met=met,
    )
    assert made[0][:2] == (3, 1)


def test_people_with_a_recent_no_show_go_last():
    made = pairs(
        req(1, "candidate"),
        req(2, "interviewer"),
        req(3, "interviewer", windows=((11, 12),)),
        no_shows={2: 1},
    )
    assert made == [(3, 1, "interviewer", at(11))]


def test_a_rematch_is_first_in_line():
    made = pairs(
        req(1, "candidate", queued_at=NOW - timedelta(days=2)),
        req(2, "candidate", rematch_since=NOW - timedelta(minutes=5)),
        req(3, "interviewer"),
    )
    # The rematch is first in line, so it hosts.
    assert [(a, b) for a, b, _, _ in made] == [(2, 3)]


def test_the_earliest_start_wins_a_tie():
    made = pairs(
        req(1, "candidate"),
        req(2, "interviewer", windows=((11, 12),), queued_at=NOW - timedelta(days=1)),
        req(3, "interviewer", windows=((10, 11),)),
    )
    assert made == [(3, 1, "interviewer", at(10))]


def test_waiting_longer_wins_when_everything_else_is_equal():
    made = pairs(
        req(1, "candidate"),
        req(2, "interviewer", queued_at=NOW - timedelta(hours=1)),
        req(3, "interviewer", queued_at=NOW - timedelta(hours=3)),
    )
    assert made[0][:2] == (3, 1)


def test_one_more_pair_is_found_by_moving_a_partner():
    # Greedy alone pairs 1 with 2 (earliest start) and strands 3 and 4;
    # moving 1 to 4 and 2 to 3 pairs everyone. Higher ids joined the line earlier.
    made = pairs(
        req(1, "candidate", windows=((9, 10), (14, 15))),
        req(2, "interviewer", windows=((9, 10), (12, 13))),
        req(3, "candidate", windows=((12, 13),)),
        req(4, "interviewer", windows=((14, 15),)),
    )
    assert sorted((a, b) for a, b, _, _ in made) == [(3, 2), (4, 1)]


def test_first_fit_takes_the_first_that_fits_in_line_order():
    pool = rules.Pool(
        requests=[
            req(1, "candidate"),
            req(2, "interviewer", windows=((11, 12),)),
            req(3, "interviewer", windows=((9, 10),)),
        ],
        now=NOW,
    )
    assert [(p.first, p.second) for p in rules.first_fit(pool)] == [(3, 1)]
