"""Reads of resources, shaped for the pages and the API (a fixed number of queries each)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from resources.models import (
    Asset,
    Premises,
    PremisesDocument,
    StaffMember,
    Valuation,
    Volunteer,
    VolunteerCertificate,
    VolunteerHours,
)

CENT = Decimal("0.01")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def volunteer_list(*, query: str = "", active_only: bool = False) -> QuerySet[Volunteer]:
    found = Volunteer.objects.annotate(
        total_hours=Coalesce(Sum("hours__hours"), ZERO), total_value=Coalesce(Sum("hours__value"), ZERO)
    )
    if active_only:
        found = found.filter(is_active=True)
    query = (query or "").strip()
    if query:
        found = found.filter(
            Q(name_latin__icontains=query) | Q(name_ar__icontains=query) | Q(skills__icontains=query)
        )
    return found.order_by("name_latin", "name_ar", "pk")


def volunteer_detail(*, volunteer_id: int) -> Volunteer | None:
    return Volunteer.objects.select_related("member").filter(pk=volunteer_id).first()


def volunteer_hours(*, volunteer: Volunteer) -> QuerySet[VolunteerHours]:
    return VolunteerHours.objects.filter(volunteer=volunteer).select_related(
        "valuation__entry__journal", "valuation__entry__fiscal_year"
    )


def hours_list(*, volunteer_id: int | None = None) -> QuerySet[VolunteerHours]:
    found = VolunteerHours.objects.select_related("volunteer")
    if volunteer_id:
        found = found.filter(volunteer_id=volunteer_id)
    return found.order_by("-date", "-pk")


def volunteer_certificates(*, volunteer: Volunteer) -> QuerySet[VolunteerCertificate]:
    return VolunteerCertificate.objects.filter(volunteer=volunteer).select_related("document")


def certificate_detail(*, certificate_id: int) -> VolunteerCertificate | None:
    return (
        VolunteerCertificate.objects.select_related("document", "volunteer").filter(pk=certificate_id).first()
    )


@dataclass(frozen=True)
class YearToValue:
    year: object
    hours: Decimal
    value: Decimal
    rows: int


def hours_waiting_by_year() -> list[YearToValue]:
    """Per open fiscal year: the valued hours not posted to the books yet (one query per year)."""
    from finance.models import FiscalYear, YearStatus

    waiting = []
    for year in FiscalYear.objects.filter(status=YearStatus.OPEN).order_by("start_date"):
        totals = VolunteerHours.objects.filter(
            valuation=None, value__gt=0, date__gte=year.start_date, date__lte=year.end_date
        ).aggregate(hours=Sum("hours"), value=Sum("value"), rows=Count("pk"))
        waiting.append(
            YearToValue(
                year, totals["hours"] or Decimal("0"), totals["value"] or Decimal("0"), totals["rows"]
            )
        )
    return waiting


def valuations() -> QuerySet[Valuation]:
    return Valuation.objects.select_related("entry__journal", "entry__fiscal_year").order_by("-date", "-pk")


def staff_list(*, current_only: bool = False) -> QuerySet[StaffMember]:
    found = StaffMember.objects.all()
    if current_only:
        today = timezone.localdate()
        found = found.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return found.order_by("-starts_on", "pk")


def staff_detail(*, staff_id: int) -> StaffMember | None:
    return StaffMember.objects.filter(pk=staff_id).first()


def asset_list(*, acquisition: str = "", state: str = "", query: str = "") -> QuerySet[Asset]:
    found = Asset.objects.select_related(
        "account", "entry_line__entry__journal", "entry_line__entry__fiscal_year"
    )
    if acquisition:
        found = found.filter(acquisition=acquisition)
    if state:
        found = found.filter(state=state)
    query = (query or "").strip()
    if query:
        found = found.filter(
            Q(name__icontains=query) | Q(location__icontains=query) | Q(reference__icontains=query)
        )
    return found.order_by("name", "pk")


def asset_detail(*, asset_id: int) -> Asset | None:
    return Asset.objects.select_related("account", "entry_line__entry").filter(pk=asset_id).first()


def fixed_asset_lines():
    """Posted debit lines on class-2 accounts: what a bought item may be linked to (latest first)."""
    from finance.models import EntryLine, EntryStatus

    return (
        EntryLine.objects.filter(account__account_class=2, debit__gt=0, entry__status=EntryStatus.POSTED)
        .select_related("account", "entry__journal", "entry__fiscal_year")
        .order_by("-entry__date", "-pk")[:200]
    )


def fixed_asset_accounts():
    from finance.models import Account

    return (
        Account.objects.filter(account_class=2, archived_at=None)
        .exclude(code__regex=r"^.{1,3}$")
        .order_by("code")
    )


def premises_list() -> QuerySet[Premises]:
    return Premises.objects.annotate(document_count=Count("documents")).order_by("name", "pk")


def premises_detail(*, premises_id: int) -> Premises | None:
    return Premises.objects.filter(pk=premises_id).first()


def premises_documents(*, premises: Premises) -> QuerySet[PremisesDocument]:
    return PremisesDocument.objects.filter(premises=premises).order_by("-uploaded_at", "-pk")


def premises_document_detail(*, document_id: int) -> PremisesDocument | None:
    return PremisesDocument.objects.filter(pk=document_id).first()


def association_figures() -> dict:
    """The home card's figures: one query."""
    year_start = timezone.localdate().replace(month=1, day=1)
    hours = VolunteerHours.objects.filter(date__gte=year_start).aggregate(
        hours=Sum("hours"), people=Count("volunteer", distinct=True)
    )
    return {
        "volunteers": hours["people"] or 0,
        "hours": hours["hours"] or Decimal("0"),
    }


def member_volunteering(*, member) -> dict | None:
    """A member's own volunteering in this association: hours this year and all time (None if they
    are not a volunteer here)."""
    volunteer = Volunteer.objects.filter(member=member).first()
    if volunteer is None:
        return None
    year_start = timezone.localdate().replace(month=1, day=1)
    totals = VolunteerHours.objects.filter(volunteer=volunteer).aggregate(
        total=Sum("hours"), this_year=Sum("hours", filter=Q(date__gte=year_start))
    )
    return {
        "volunteer": volunteer,
        "hours_total": (totals["total"] or Decimal("0")).quantize(CENT),
        "hours_this_year": (totals["this_year"] or Decimal("0")).quantize(CENT),
    }
