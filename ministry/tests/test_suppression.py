"""Small-cell suppression: no published addition gives a hidden cell away (property test), and a
roll-up equals a direct count on small data (property test against the database)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ministry.models import ALL, AreaLevel
from ministry.providers import ASSOCIATIONS, MONEY, PEOPLE
from ministry.suppression import is_small, protect, recoverable

REGIONS = {"P1": "R1", "P2": "R1", "P3": "R2", "P4": "R2", "P5": "R2"}
SECTORS = ["S1", "S2", "S3"]

association_st = st.tuples(
    st.sampled_from(sorted(REGIONS)),
    st.sampled_from(SECTORS),
    st.integers(min_value=0, max_value=40),  # members
    st.integers(min_value=0, max_value=30_000),  # dues
)


def cube(associations, kind: str, pick):
    """The published cells of one indicator over region/province × sector (as rollup.relations_of)."""
    cells = defaultdict(lambda: [Decimal(0), 0])
    for province, sector, members, dues in associations:
        value = pick(members, dues)
        if not value:
            continue
        for level, area in (
            (AreaLevel.NATION, ""),
            (AreaLevel.REGION, REGIONS[province]),
            (AreaLevel.PROVINCE, province),
        ):
            for s in (ALL, sector):
                cell = cells[(level, area, s)]
                cell[0] += value
                cell[1] += 1
    relations = defaultdict(list)
    for key in cells:
        level, area, sector = key
        if level == AreaLevel.PROVINCE:
            relations[((AreaLevel.REGION, REGIONS[area], sector), "geo")].append(key)
        elif level == AreaLevel.REGION:
            relations[((AreaLevel.NATION, "", sector), "geo")].append(key)
        if sector != ALL:
            relations[((level, area, ALL), "sector")].append(key)
    return (
        {key: (value, n, kind) for key, (value, n) in cells.items()},
        [(total, parts) for (total, _name), parts in relations.items()],
    )


INDICATORS = [
    (PEOPLE, lambda members, dues: members),
    (MONEY, lambda members, dues: dues),
    (ASSOCIATIONS, lambda members, dues: 1),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(association_st, min_size=0, max_size=40), st.sampled_from(range(len(INDICATORS))))
def test_no_addition_gives_a_hidden_cell_away(associations, which):
    kind, pick = INDICATORS[which]
    cells, relations = cube(associations, kind, pick)
    hidden = protect(cells, relations)
    # Every small cell is hidden…
    for key, (value, n, k) in cells.items():
        if is_small(value, n, k):
            assert key in hidden
    # …and no addition with its total published leaves exactly one unknown.
    assert recoverable(cells, relations, hidden) == []
    # An onlooker's bound on each hidden cell, from each addition it is in, is never one value.
    for total, parts in relations:
        if total not in cells:
            continue
        members = [k for k in (total, *parts) if k in cells]
        unknown = [k for k in members if k in hidden]
        if total in hidden or not unknown:
            continue
        rest = cells[total][0] - sum(cells[k][0] for k in parts if k in cells and k not in hidden)
        assert len(unknown) >= 2 and rest > 0  # each unknown lies anywhere in 0..rest


def test_one_small_region_hides_a_second_one_too():
    cells = {
        ("nation",): (Decimal(30), 10, PEOPLE),
        ("r1",): (Decimal(3), 1, PEOPLE),
        ("r2",): (Decimal(12), 4, PEOPLE),
        ("r3",): (Decimal(15), 5, PEOPLE),
    }
    relations = [(("nation",), [("r1",), ("r2",), ("r3",)])]
    hidden = protect(cells, relations)
    assert ("r1",) in hidden and ("r2",) in hidden  # r2 is also small (4 associations)
    cells[("r2",)] = (Decimal(12), 6, PEOPLE)
    hidden = protect(cells, relations)
    assert hidden == {("r1",), ("r2",)}  # r2 is hidden only so that r1 cannot be worked out


def test_zero_is_not_small_and_five_is_not_small():
    assert not is_small(Decimal(0), 0, PEOPLE)
    assert is_small(Decimal(4), 9, PEOPLE)
    assert not is_small(Decimal(5), 5, PEOPLE)
    assert is_small(Decimal(900), 4, MONEY)
    assert not is_small(Decimal(5), 5, ASSOCIATIONS)


# --- A roll-up equals a direct count, on small data in the database ------------------------------

member_st = st.tuples(
    st.integers(min_value=0, max_value=2),  # which association
    st.sampled_from(["active", "suspended", "resigned", "applicant"]),
    st.sampled_from(["F", "M", ""]),
    st.one_of(st.none(), st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31))),
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(member_st, max_size=25))
def test_the_rollup_equals_a_direct_count(three_associations, members):
    from associations.tenancy import association_scope
    from members.models import Member
    from ministry.models import AreaFigure, AssociationFigure
    from ministry.providers import _birth_cutoff
    from ministry.rollup import rebuild

    today = date(2026, 11, 29)
    for association in three_associations:
        with association_scope(association):
            Member.objects.all().delete()
    for number, (which, status, gender, born) in enumerate(members, 1):
        with association_scope(three_associations[which]):
            Member.objects.create(
                number=number,
                status=status,
                gender=gender,
                birth_date=born,
                first_name_latin="X",
                last_name_latin="Y",
            )
    rebuild(today=today)
    current = [m for m in members if m[1] in ("active", "suspended")]
    figures = {
        (f.association_ref, f.indicator): f.value for f in AssociationFigure.objects.filter(year=today.year)
    }
    for index, association in enumerate(three_associations):
        mine = [m for m in current if m[0] == index]
        assert figures.get((association.pk, "members"), 0) == len(mine)
        assert figures.get((association.pk, "members_sex_F"), 0) == sum(1 for m in mine if m[2] == "F")
        under_18 = sum(1 for m in mine if m[3] is not None and m[3] > _birth_cutoff(today, 18))
        assert figures.get((association.pk, "members_age_lt18"), 0) == under_18
        for status in ("active", "suspended", "resigned", "applicant"):
            expected = sum(1 for m in members if m[0] == index and m[1] == status)
            assert figures.get((association.pk, f"members_status_{status}"), 0) == expected
    nation = AreaFigure.objects.filter(level="nation", sector_code="", size_band="", year=today.year)
    assert {c.indicator: c.value for c in nation}.get("members", 0) == len(current)


@pytest.fixture
def three_associations(db):
    from associations.tests.factories import AssociationFactory

    return [AssociationFactory(slug=f"prop-{i}") for i in range(3)]
