"""Compliance lists the ministry may see: associations (public facts only — name, province, sector)
late with their declarations or assemblies, or above the public-funding line. No member data.

A list is one function `fn(year) -> association ids`, registered in COMPLIANCE_LISTS with
`@compliance_list(...)`, exactly like the roll-up providers: governance (assemblies, bureau
declarations) and foreign funding add theirs when they land. Lists read the roll-up
(AssociationFigure) or a provider's own cross-tenant read of ids only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from ministry.models import AssociationFigure


@dataclass(frozen=True)
class ComplianceList:
    key: str
    title: object
    explanation: object
    ids: Callable[[int], Iterable[int]]


COMPLIANCE_LISTS: dict[str, ComplianceList] = {}


def compliance_list(key: str, title, explanation):
    def register(fn):
        COMPLIANCE_LISTS[key] = ComplianceList(key, title, explanation, fn)
        return fn

    return register


def public_funding_line() -> Decimal:
    return Decimal(str(settings.WASL_MINISTRY_PUBLIC_FUNDING_LINE))


@compliance_list(
    "public_funding",
    _("Above the public-funding line"),
    _("Public grants (State, local authorities, INDH, public bodies) posted in the year above the line."),
)
def above_public_funding_line(year: int) -> list[int]:
    return list(
        AssociationFigure.objects.filter(
            year=year, indicator="grants_public", value__gt=public_funding_line()
        ).values_list("association_ref", flat=True)
    )


@dataclass(frozen=True)
class ListedAssociation:
    name: str
    province: str
    region: str
    sector: str


def listed(key: str, year: int, *, region: str = "") -> list[ListedAssociation]:
    """The public facts of the associations on one list."""
    ids = list(COMPLIANCE_LISTS[key].ids(year))
    found = Association.objects.filter(pk__in=ids, is_active=True).select_related(
        "province", "region", "sector"
    )
    if region:
        found = found.filter(region__code=region)
    return [
        ListedAssociation(a.display_name, a.province.name, a.region.name, a.sector.name)
        for a in found.order_by("region__code", "province__name_fr", "name_fr")
    ]
