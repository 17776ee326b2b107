"""Quorum and majority arithmetic for every threshold and every base (no database)."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance import arithmetic
from governance.arithmetic import Contender, Tally
from governance.models.rules import MajorityBase, Threshold, TieRule

SHARE = {
    Threshold.NONE: None,
    Threshold.ONE_QUARTER: (Fraction(1, 4), False),
    Threshold.ONE_THIRD: (Fraction(1, 3), False),
    Threshold.HALF: (Fraction(1, 2), False),
    Threshold.MORE_THAN_HALF: (Fraction(1, 2), True),
    Threshold.TWO_THIRDS: (Fraction(2, 3), False),
    Threshold.THREE_QUARTERS: (Fraction(3, 4), False),
}


@pytest.mark.parametrize(
    ("count", "total", "threshold", "expected"),
    [
        (6, 10, Threshold.MORE_THAN_HALF, True),
        (5, 10, Threshold.MORE_THAN_HALF, False),  # "half plus one" of 10 is 6
        (5, 10, Threshold.HALF, True),
        (5, 9, Threshold.MORE_THAN_HALF, True),
        (4, 9, Threshold.HALF, False),
        (2, 3, Threshold.TWO_THIRDS, True),
        (66, 100, Threshold.TWO_THIRDS, False),
        (67, 100, Threshold.TWO_THIRDS, True),
        (3, 4, Threshold.THREE_QUARTERS, True),
        (74, 100, Threshold.THREE_QUARTERS, False),
        (1, 4, Threshold.ONE_QUARTER, True),
        (33, 100, Threshold.ONE_THIRD, False),
        (34, 100, Threshold.ONE_THIRD, True),
        (0, 5000, Threshold.NONE, True),
        (0, 0, Threshold.MORE_THAN_HALF, False),
    ],
)
def test_reaches_table(count, total, threshold, expected):
    assert arithmetic.reaches(count, total, threshold) is expected


@given(
    count=st.integers(min_value=0, max_value=10_000),
    total=st.integers(min_value=0, max_value=10_000),
    threshold=st.sampled_from(list(Threshold)),
)
def test_reaches_matches_exact_fractions(count, total, threshold):
    share = SHARE[threshold]
    if share is None:
        assert arithmetic.reaches(count, total, threshold)
        return
    fraction, strict = share
    exact = count > fraction * total if strict else count >= fraction * total
    assert arithmetic.reaches(count, total, threshold) is exact


@given(total=st.integers(min_value=0, max_value=10_000), threshold=st.sampled_from(list(Threshold)))
def test_needed_is_the_smallest_count_that_reaches(total, threshold):
    need = arithmetic.needed(total, threshold)
    assert arithmetic.reaches(need, total, threshold)
    assert need == 0 or not arithmetic.reaches(need - 1, total, threshold)


@pytest.mark.parametrize(
    ("tally", "threshold", "base", "present", "members", "adopted", "base_total"),
    [
        # Votes for and against only: abstentions do not count.
        (Tally(5, 4, 10), Threshold.MORE_THAN_HALF, MajorityBase.VALID, 19, 30, True, 9),
        (Tally(5, 5, 0), Threshold.MORE_THAN_HALF, MajorityBase.VALID, 10, 30, False, 10),
        (Tally(5, 5, 0), Threshold.HALF, MajorityBase.VALID, 10, 30, True, 10),
        # Votes cast: abstentions count against.
        (Tally(5, 4, 10), Threshold.MORE_THAN_HALF, MajorityBase.CAST, 19, 30, False, 19),
        (Tally(10, 4, 5), Threshold.MORE_THAN_HALF, MajorityBase.CAST, 19, 30, True, 19),
        # Present and represented: whoever did not vote counts against.
        (Tally(10, 0, 0), Threshold.TWO_THIRDS, MajorityBase.PRESENT, 15, 30, True, 15),
        (Tally(9, 0, 0), Threshold.TWO_THIRDS, MajorityBase.PRESENT, 15, 30, False, 15),
        # All members with a vote.
        (Tally(15, 0, 0), Threshold.MORE_THAN_HALF, MajorityBase.MEMBERS, 20, 30, False, 30),
        (Tally(16, 0, 0), Threshold.MORE_THAN_HALF, MajorityBase.MEMBERS, 20, 30, True, 30),
        (Tally(23, 1, 0), Threshold.THREE_QUARTERS, MajorityBase.MEMBERS, 24, 30, True, 30),
        # Nobody for: never adopted, whatever the share.
        (Tally(0, 0, 3), Threshold.NONE, MajorityBase.VALID, 3, 30, False, 0),
        (Tally(0, 0, 0), Threshold.HALF, MajorityBase.VALID, 0, 30, False, 0),
    ],
)
def test_resolution_outcome_for_every_base(tally, threshold, base, present, members, adopted, base_total):
    outcome = arithmetic.resolution_outcome(
        tally, threshold=threshold, base=base, present=present, members=members
    )
    assert outcome.adopted is adopted
    assert outcome.base_total == base_total


@given(
    yes=st.integers(0, 500),
    no=st.integers(0, 500),
    abstain=st.integers(0, 500),
    absent=st.integers(0, 500),
    threshold=st.sampled_from(list(Threshold)),
)
def test_a_wider_base_never_adopts_what_a_narrower_refuses(yes, no, abstain, absent, threshold):
    tally = Tally(yes, no, abstain)
    present = tally.cast
    members = present + absent
    adopted = [
        arithmetic.resolution_outcome(
            tally, threshold=threshold, base=base, present=present, members=members
        ).adopted
        for base in (MajorityBase.VALID, MajorityBase.CAST, MajorityBase.PRESENT, MajorityBase.MEMBERS)
    ]
    # valid ≤ cast = present ≤ members: adoption can only be lost as the base widens.
    assert adopted == sorted(adopted, reverse=True)


@pytest.mark.parametrize(
    ("present", "members", "threshold", "reached"),
    [
        (51, 100, Threshold.MORE_THAN_HALF, True),
        (50, 100, Threshold.MORE_THAN_HALF, False),
        (25, 100, Threshold.ONE_QUARTER, True),
        (24, 100, Threshold.ONE_QUARTER, False),
        (1, 100, Threshold.NONE, True),
        (0, 0, Threshold.NONE, True),
    ],
)
def test_quorum(present, members, threshold, reached):
    assert arithmetic.quorum_reached(present, members, threshold) is reached


def _born(year):
    return datetime.date(year, 1, 1)


def test_election_fills_seats_by_votes():
    outcome = arithmetic.election_outcome(
        [Contender(1, 10), Contender(2, 30), Contender(3, 20), Contender(4, 0)],
        seats=2,
        threshold=Threshold.NONE,
        base_total=60,
        tie_rule=TieRule.NEW_ROUND,
    )
    assert outcome.elected == (2, 3) and not outcome.needs_new_round


def test_election_needs_the_statutes_majority():
    outcome = arithmetic.election_outcome(
        [Contender(1, 10), Contender(2, 11)],
        seats=1,
        threshold=Threshold.MORE_THAN_HALF,
        base_total=21,
        tie_rule=TieRule.ELDEST,
    )
    assert outcome.elected == (2,)
    outcome = arithmetic.election_outcome(
        [Contender(1, 10), Contender(2, 10), Contender(3, 1)],
        seats=1,
        threshold=Threshold.MORE_THAN_HALF,
        base_total=21,
        tie_rule=TieRule.ELDEST,
    )
    assert outcome.elected == () and not outcome.needs_new_round  # nobody reached the majority


@pytest.mark.parametrize(
    ("rule", "elected", "tied"),
    [
        (TieRule.ELDEST, (1, 3), ()),
        (TieRule.YOUNGEST, (1, 2), ()),
        (TieRule.NEW_ROUND, (1,), (2, 3)),
    ],
)
def test_election_tie_for_the_last_seat(rule, elected, tied):
    contenders = [Contender(1, 9, _born(1980)), Contender(2, 5, _born(1990)), Contender(3, 5, _born(1960))]
    outcome = arithmetic.election_outcome(
        contenders, seats=2, threshold=Threshold.NONE, base_total=19, tie_rule=rule
    )
    assert outcome.elected == elected
    assert outcome.tied == tied
    assert outcome.seats_in_tie == (1 if tied else 0)


def test_tie_by_age_with_an_unknown_birth_date_goes_to_a_new_round():
    contenders = [Contender(1, 5, None), Contender(2, 5, _born(1990))]
    outcome = arithmetic.election_outcome(
        contenders, seats=1, threshold=Threshold.NONE, base_total=10, tie_rule=TieRule.ELDEST
    )
    assert outcome.elected == () and outcome.tied == (1, 2)


def test_a_tie_within_the_seats_elects_everyone_tied():
    contenders = [Contender(1, 5), Contender(2, 5), Contender(3, 1)]
    outcome = arithmetic.election_outcome(
        contenders, seats=2, threshold=Threshold.NONE, base_total=11, tie_rule=TieRule.NEW_ROUND
    )
    assert outcome.elected == (1, 2) and not outcome.needs_new_round


@given(
    votes=st.lists(st.integers(0, 50), min_size=1, max_size=8),
    seats=st.integers(1, 4),
    rule=st.sampled_from(list(TieRule)),
)
def test_election_never_elects_more_than_the_seats(votes, seats, rule):
    contenders = [Contender(i, v, _born(1950 + i)) for i, v in enumerate(votes)]
    outcome = arithmetic.election_outcome(
        contenders, seats=seats, threshold=Threshold.NONE, base_total=sum(votes), tie_rule=rule
    )
    assert len(outcome.elected) <= seats
    assert len(outcome.elected) + outcome.seats_in_tie <= seats
    assert not set(outcome.elected) & set(outcome.tied)
    # Whoever is elected has at least as many votes as anyone not elected and not tied.
    losers = [c.votes for c in contenders if c.key not in outcome.elected and c.key not in outcome.tied]
    assert all(contenders[k].votes >= max(losers, default=0) for k in outcome.elected)
