"""Compliance lists the ministry may see: associations (public facts only — name, province, region,
sector) late with their declarations or assemblies, or above the public-funding line. No member
data, no figure about a person.

A list is one function `fn(year) -> association ids`, registered in COMPLIANCE_LISTS with
`@compliance_list(...)`, like the roll-up providers. Lists read the roll-up (AssociationFigure)
only: the governance and funding providers (ministry.providers) put the facts there. A list marked
`as_of_today` is a state at the last refresh (late today), not a figure of the chosen year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from ministry.models import AssociationFigure

PAGE_SIZE = 50


@dataclass(frozen=True)
class ComplianceList:
    key: str
    title: object
    explanation: object
    ids: Callable[[int], Iterable[int]]
    as_of_today: bool = False


COMPLIANCE_LISTS: dict[str, ComplianceList] = {}


def compliance_list(key: str, title, explanation, *, as_of_today: bool = False):
    def register(fn):
        COMPLIANCE_LISTS[key] = ComplianceList(key, title, explanation, fn, as_of_today)
        return fn

    return register


def _with_figure(indicator: str, year: int, **value):
    return AssociationFigure.objects.filter(year=year, indicator=indicator, **value).values_list(
        "association_ref", flat=True
    )


@compliance_list(
    "bureau_declarations",
    _("Late with a bureau declaration"),
    _(
        "A change of bureau or statutes, or a new branch, not declared to the local authority within "
        "the month that follows it."
    ),
    as_of_today=True,
)
def late_bureau_declarations(year: int):
    return _with_figure("gov_associations_declarations_late", timezone.localdate().year)


@compliance_list(
    "assemblies",
    _("Late with their ordinary assembly"),
    _("No ordinary assembly recorded as held in Wasl in the last 15 months."),
    as_of_today=True,
)
def late_assemblies(year: int):
    return _with_figure("gov_assembly_overdue", timezone.localdate().year)


@compliance_list(
    "foreign_declarations",
    _("Late with a declaration of foreign money"),
    _("Money received from abroad and not declared to the General Secretariat of the Government in time."),
    as_of_today=True,
)
def late_foreign_declarations(year: int):
    return _with_figure("foreign_associations_overdue", timezone.localdate().year)


def public_funding_line() -> Decimal:
    return Decimal(str(settings.WASL_MINISTRY_PUBLIC_FUNDING_LINE))


@compliance_list(
    "public_funding",
    _("Above the public-funding line"),
    _("Public grants (State, local authorities, INDH, public bodies) posted in the year above the line."),
)
def above_public_funding_line(year: int):
    return _with_figure("grants_public", year, value__gt=public_funding_line())


@dataclass(frozen=True)
class ListedAssociation:
    name: str
    province: str
    region: str
    sector: str


def associations_on(key: str, year: int, *, region: str = "", province: int | None = None) -> QuerySet:
    """The associations of one list, filtered by region and province, in a stable order."""
    found = Association.objects.filter(pk__in=COMPLIANCE_LISTS[key].ids(year), is_active=True)
    if region:
        found = found.filter(region__code=region)
    if province:
        found = found.filter(province_id=province)
    return found.select_related("province", "region", "sector").order_by(
        "region__code", "province__name_fr", "name_fr", "pk"
    )


def public_facts(associations: Iterable[Association]) -> list[ListedAssociation]:
    """What a list shows of an association: its public facts, nothing else."""
    return [
        ListedAssociation(a.display_name, a.province.name, a.region.name, a.sector.name) for a in associations
    ]


def listed(key: str, year: int, *, region: str = "", province: int | None = None) -> list[ListedAssociation]:
    """The public facts of every association on one list (the spreadsheets)."""
    return public_facts(associations_on(key, year, region=region, province=province))
