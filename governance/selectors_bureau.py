"""Reads for the bureau register, declarations, minutes and annual reports (shaped for the pages)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from governance.models import (
    AnnualReport,
    Assembly,
    AssemblyStatus,
    Declaration,
    Mandate,
    Minutes,
    MinutesStatus,
)
from governance.models.bureau import OFFICE_ORDER
from governance.services_bureau import current_mandates
from members.models import Member, MemberStatus


def bureau_current() -> list[Mandate]:
    """The bureau in office, in the order of the offices."""
    mandates = current_mandates().select_related("member", "elected_by")
    return sorted(mandates, key=lambda m: (OFFICE_ORDER.get(m.office, 99), m.starts_on, m.pk))


def mandate_history() -> QuerySet[Mandate]:
    return (
        Mandate.objects.filter(ended_on__isnull=False)
        .select_related("member", "elected_by")
        .order_by("-ended_on", "-pk")
    )


def mandate_get(*, mandate_id: int) -> Mandate | None:
    return Mandate.objects.select_related("member").filter(pk=mandate_id).first()


def officer_candidates() -> QuerySet[Member]:
    return Member.objects.filter(status=MemberStatus.ACTIVE, anonymised_at=None).order_by(
        "last_name_latin", "first_name_latin", "pk"
    )


def assemblies_held() -> QuerySet[Assembly]:
    return Assembly.objects.filter(status__in=(AssemblyStatus.OPEN, AssemblyStatus.CLOSED)).order_by(
        "-first_call_at"
    )


def assemblies_with_elections() -> QuerySet[Assembly]:
    """Held assemblies with a closed election poll whose bureau is not in the register yet."""
    from governance.models import PollStatus

    return (
        assemblies_held()
        .filter(polls__status=PollStatus.CLOSED, polls__decision_kind="election")
        .exclude(mandates__isnull=False)
        .distinct()
    )


def declaration_list() -> QuerySet[Declaration]:
    return Declaration.objects.select_related("assembly").order_by("-changed_on", "-pk")


def declaration_get(*, declaration_id: int) -> Declaration | None:
    return Declaration.objects.select_related("assembly", "opened_by").filter(pk=declaration_id).first()


def minutes_list() -> QuerySet[Minutes]:
    return (
        Minutes.objects.select_related("assembly")
        .annotate(signature_count=Count("signatures"))
        .order_by("-drafted_at")
    )


def minutes_get(*, minutes_id: int) -> Minutes | None:
    return Minutes.objects.select_related("assembly", "document").filter(pk=minutes_id).first()


def minutes_published() -> QuerySet[Minutes]:
    """What members read in their portal."""
    return (
        Minutes.objects.filter(status=MinutesStatus.PUBLISHED)
        .select_related("assembly", "document")
        .order_by("-published_at")
    )


def assemblies_without_minutes() -> QuerySet[Assembly]:
    return assemblies_held().filter(minutes__isnull=True)


def annual_report_list() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("assembly", "fiscal_year", "next_fiscal_year").order_by(
        "-created_at"
    )


def annual_report_get(*, report_id: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.select_related("assembly", "fiscal_year", "next_fiscal_year")
        .filter(pk=report_id)
        .first()
    )


def ordinary_assemblies() -> QuerySet[Assembly]:
    from governance.models import AssemblyKind

    return (
        Assembly.objects.filter(kind=AssemblyKind.ORDINARY)
        .exclude(status=AssemblyStatus.CANCELLED)
        .order_by("-first_call_at")
    )


def fiscal_years():
    from finance.models import FiscalYear

    return FiscalYear.objects.order_by("-start_date")
