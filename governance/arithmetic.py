"""Quorum and majority arithmetic: pure functions over integers, no database, no float.

A statute states a share (`Threshold`) of a count (`MajorityBase`): "more than half of the votes
for and against", "two thirds of the members present and represented". `reaches(count, total,
threshold)` is the one comparison everything uses, in integers: count/total ≥ num/den becomes
count·den ≥ num·total (strictly greater for "more than half").
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from governance.models.rules import MajorityBase, Threshold, TieRule

# threshold -> (numerator, denominator, strictly greater)
SHARES: dict[str, tuple[int, int, bool]] = {
    Threshold.NONE: (0, 1, False),
    Threshold.ONE_QUARTER: (1, 4, False),
    Threshold.ONE_THIRD: (1, 3, False),
    Threshold.HALF: (1, 2, False),
    Threshold.MORE_THAN_HALF: (1, 2, True),
    Threshold.TWO_THIRDS: (2, 3, False),
    Threshold.THREE_QUARTERS: (3, 4, False),
}


def reaches(count: int, total: int, threshold: str) -> bool:
    """Whether `count` out of `total` reaches the share `threshold`."""
    num, den, strict = SHARES[threshold]
    if num == 0:
        return True
    return count * den > num * total if strict else count * den >= num * total


def needed(total: int, threshold: str) -> int:
    """The smallest count out of `total` that reaches `threshold` (0 for no minimum)."""
    num, den, strict = SHARES[threshold]
    if num == 0:
        return 0
    if strict:
        return (num * total) // den + 1
    return -((-num * total) // den)  # ceiling


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def valid(self) -> int:
        return self.yes + self.no

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


def base_total(base: str, *, valid: int, cast: int, present: int, members: int) -> int:
    """The count a majority is measured against."""
    return {
        MajorityBase.VALID: valid,
        MajorityBase.CAST: cast,
        MajorityBase.PRESENT: present,
        MajorityBase.MEMBERS: members,
    }[base]


@dataclass(frozen=True)
class ResolutionOutcome:
    adopted: bool
    base_total: int
    needed: int


def resolution_outcome(
    tally: Tally, *, threshold: str, base: str, present: int, members: int
) -> ResolutionOutcome:
    """A resolution is adopted when its votes for reach the statute's share of the base, and at
    least one vote is for it (no share of nobody adopts anything)."""
    total = base_total(base, valid=tally.valid, cast=tally.cast, present=present, members=members)
    need = max(needed(total, threshold), 1)
    return ResolutionOutcome(
        adopted=tally.yes >= need and reaches(tally.yes, total, threshold), base_total=total, needed=need
    )


def quorum_reached(present: int, members: int, threshold: str) -> bool:
    """Members with a vote present or represented against all members with a vote."""
    return reaches(present, members, threshold)


@dataclass(frozen=True)
class Contender:
    key: int
    votes: int
    birth_date: datetime.date | None = None


@dataclass(frozen=True)
class ElectionOutcome:
    elected: tuple[int, ...]
    # Contenders tied for the last seats that the tie rule could not separate: a new round
    # between them for `seats_in_tie` seats.
    tied: tuple[int, ...] = ()
    seats_in_tie: int = 0
    base_total: int = 0
    needed: int = 0
    settled_by_age: tuple[int, ...] = field(default=())

    @property
    def needs_new_round(self) -> bool:
        return bool(self.tied)


def election_outcome(
    contenders: Sequence[Contender], *, seats: int, threshold: str, base_total: int, tie_rule: str
) -> ElectionOutcome:
    """Fill `seats` with the contenders who reach the statute's share, most votes first; a tie for
    the last seats is settled by age when the statute says so and every tied birth date is known,
    else it calls for a new round between the tied contenders."""
    need = max(needed(base_total, threshold), 1)
    qualified = [c for c in contenders if c.votes >= need and reaches(c.votes, base_total, threshold)]
    qualified.sort(key=lambda c: -c.votes)
    elected: list[int] = []
    by_age: list[int] = []
    index = 0
    while index < len(qualified) and len(elected) < seats:
        votes = qualified[index].votes
        group = [c for c in qualified[index:] if c.votes == votes]
        free = seats - len(elected)
        if len(group) <= free:
            elected.extend(c.key for c in group)
        else:
            ages_known = all(c.birth_date is not None for c in group)
            if tie_rule != TieRule.NEW_ROUND and ages_known:
                ordered = sorted(group, key=lambda c: (c.birth_date, c.key))
                if tie_rule == TieRule.YOUNGEST:
                    ordered = sorted(group, key=lambda c: (c.birth_date, -c.key), reverse=True)
                # Age breaks the tie only where it is itself unequal at the cut.
                cut = ordered[free - 1].birth_date
                if ordered[free].birth_date != cut:
                    chosen = [c.key for c in ordered[:free]]
                    elected.extend(chosen)
                    by_age.extend(chosen)
                    break
            return ElectionOutcome(
                elected=tuple(elected),
                tied=tuple(c.key for c in group),
                seats_in_tie=free,
                base_total=base_total,
                needed=need,
                settled_by_age=tuple(by_age),
            )
        index += len(group)
    return ElectionOutcome(
        elected=tuple(elected), base_total=base_total, needed=need, settled_by_age=tuple(by_age)
    )
