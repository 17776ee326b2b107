"""Resources figures for the ministry's view: volunteers, their hours and staff across every
association, never a person. Cells under SMALL_CELL are suppressed (None), as in training/figures.py,
so no figure points at a handful of people. The ministry module (above resources) reads these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from associations.models import Association
from associations.tenancy import cross_tenant_read
from resources.models import StaffMember, VolunteerHours

SMALL_CELL = 5


def suppress(count: int) -> int | None:
    """A count small enough to identify people is not shown (None); zero stays zero."""
    return None if 0 < count < SMALL_CELL else count


@dataclass
class ResourcesFigures:
    year: int = 0
    associations_reporting: int = 0  # associations with volunteer hours in the year (not personal)
    volunteers: int | None = 0  # distinct volunteers with hours in the year
    hours: Decimal | None = Decimal("0")  # None when the volunteers behind them are too few
    valued_hours: Decimal | None = Decimal("0.00")  # MAD, the hours' value when recorded
    staff: int | None = 0  # people under contract on the reference day
    volunteers_by_region: dict[str, int | None] = field(default_factory=dict)  # region code
    volunteers_by_sector: dict[str, int | None] = field(default_factory=dict)  # ICNPO code
    staff_by_contract: dict[str, int | None] = field(default_factory=dict)


def resources_figures(*, year: int | None = None, today: date | None = None) -> ResourcesFigures:
    """The sector's volunteering and staff in one calendar year (a handful of queries)."""
    today = today or timezone.localdate()
    year = year or today.year
    reference_day = min(today, date(year, 12, 31))
    figures = ResourcesFigures(year=year)
    with cross_tenant_read(reason="aggregate volunteering and staff figures for the ministry (counts only)"):
        hours = VolunteerHours.objects.filter(date__year=year)
        people = set(hours.values_list("association_id", "volunteer_id").distinct())
        totals = hours.aggregate(hours=Sum("hours"), value=Sum("value"))
        staff = list(
            StaffMember.objects.filter(starts_on__lte=reference_day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=reference_day))
            .values_list("association_id", "contract")
        )
    associations = {a for a, _v in people} | {a for a, _c in staff}
    places = dict(Association.objects.filter(pk__in=associations).values_list("pk", "region__code"))
    sectors = dict(Association.objects.filter(pk__in=associations).values_list("pk", "sector__code"))
    figures.associations_reporting = len({a for a, _v in people})
    figures.volunteers = suppress(len(people))
    shown = figures.volunteers is not None
    figures.hours = (totals["hours"] or Decimal("0")) if shown else None
    figures.valued_hours = (totals["value"] or Decimal("0.00")) if shown else None
    figures.volunteers_by_region = {
        k or "unknown": suppress(v) for k, v in Counter(places.get(a) for a, _v in people).items()
    }
    figures.volunteers_by_sector = {
        k or "unknown": suppress(v) for k, v in Counter(sectors.get(a) for a, _v in people).items()
    }
    figures.staff = suppress(len(staff))
    figures.staff_by_contract = {k: suppress(v) for k, v in Counter(c for _a, c in staff).items()}
    return figures
