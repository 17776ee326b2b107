"""Small-cell suppression, computed once per refresh and stored with each cell (AreaFigure.hidden).

Primary: a cell is hidden when it comes from fewer than five associations, or counts fewer than
five people or associations (`is_small`; each indicator's kind is declared in ministry.providers).

Complementary: the published cells are tied by additions — a nation is the sum of its regions, a
region of its provinces, "every sector" of the sectors, "every size" of the size bands, the members
of their sexes, of their age bands and of their current statuses, public grants of their four
funders. One hidden cell in such an addition would be the total minus the others. So, until no
addition has exactly one hidden cell, the smallest shown cell of such an addition is hidden as
well (a part before the total). Every hidden cell, primary or complementary, is printed "<5": the
sign tells nothing about which is which. A missing cell is a zero, which is published: nobody is
in it.

This is the usual iterative heuristic for linked tables: no single addition reveals a hidden cell;
it does not solve the whole system of additions as a linear programme (see the note of issue 14).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from decimal import Decimal

SMALL_CELL = 5
HIDDEN = "<5"


def is_small(value, associations: int, kind: str) -> bool:
    """Primary rule. A zero is never small (nobody is in it)."""
    from ministry.providers import ASSOCIATIONS, PEOPLE

    if not value and not associations:
        return False
    if kind == ASSOCIATIONS:
        return 0 < value < SMALL_CELL
    if kind == PEOPLE and 0 < value < SMALL_CELL:
        return True
    return associations < SMALL_CELL


Relation = tuple[Hashable, Sequence[Hashable]]  # (the total's key, the keys of its parts)


def protect(cells: dict[Hashable, tuple[Decimal, int, str]], relations: Iterable[Relation]) -> set[Hashable]:
    """The keys to hide: `cells` maps a key to (value, associations, kind); a key absent is a zero."""
    hidden = {key for key, (value, n, kind) in cells.items() if is_small(value, n, kind)}
    # Only additions whose cells exist matter; zeros (absent) are published and known.
    relations = [(total, [p for p in parts if p in cells]) for total, parts in relations if total in cells]
    by_member: dict[Hashable, list[int]] = {}
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            by_member.setdefault(key, []).append(index)
    pending = {i for key in hidden for i in by_member.get(key, ())}
    while pending:
        index = pending.pop()
        total, parts = relations[index]
        members = (total, *parts)
        if sum(1 for key in members if key in hidden) != 1:
            continue
        shown_parts = [p for p in parts if p not in hidden]
        if shown_parts:
            extra = min(shown_parts, key=lambda p: abs(cells[p][0]))
        elif total not in hidden:
            extra = total
        else:  # pragma: no cover - one hidden member and nothing else shown cannot happen
            continue
        hidden.add(extra)
        pending.update(by_member.get(extra, ()))
    return hidden


def recoverable(cells, relations, hidden) -> list[Hashable]:
    """Hidden keys that one addition gives away (its only hidden member): [] when protected."""
    found = []
    for total, parts in relations:
        members = [k for k in (total, *parts) if k in cells]
        if total not in cells:
            continue
        unknown = [k for k in members if k in hidden]
        if len(unknown) == 1:
            found.append(unknown[0])
    return found


def shown(value, hidden: bool):
    return HIDDEN if hidden else value
