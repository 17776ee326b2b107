"""Governance compliance: the last ordinary assembly, declarations late or pending, mandates past
their term. `compliance_of` reads the current association (home page); `compliance_summary` reads
many at once for the ministry's view and returns aggregates only (counts, never a name or an
association's identity), with counts of people under SMALL_CELL suppressed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Max, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from associations.models import Association
from associations.tenancy import cross_tenant_read, current_association_id
from governance.models import (
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Declaration,
    DeclarationStatus,
    Mandate,
)

SMALL_CELL = 5
# The statutes ask for an ordinary assembly every year; a few months of grace before it is overdue.
ORDINARY_ASSEMBLY_OVERDUE_DAYS = 15 * 31


def suppress(count: int) -> int | None:
    return None if 0 < count < SMALL_CELL else count


@dataclass(frozen=True)
class Compliance:
    last_ordinary_assembly: date | None
    ordinary_assembly_overdue: bool
    declarations_late: int  # open past their one-month deadline
    declarations_pending: int  # open within the deadline
    final_receipts_waiting: int  # filed, final receipt not recorded yet
    final_receipts_late: int  # of which past the 60 days
    mandates_expired: int  # still running past the end of their term

    @property
    def issues(self) -> int:
        return self.declarations_late + self.mandates_expired + int(self.ordinary_assembly_overdue)


def _held_ordinary():
    return Assembly.objects.filter(kind=AssemblyKind.ORDINARY, status=AssemblyStatus.CLOSED)


def _mandates_expired(today: date):
    return Mandate.objects.filter(ended_on__isnull=True, ends_on__lt=today)


def _count(queryset):
    """A count as a subquery (the scoped manager keeps it to the current association)."""
    return Coalesce(
        Subquery(queryset.order_by().values("association_id").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


def compliance_of(*, today: date | None = None) -> Compliance:
    """The current association's compliance, in one query (the home page shows it)."""
    today = today or timezone.localdate()
    open_ = Declaration.objects.filter(status=DeclarationStatus.OPEN)
    filed = Declaration.objects.filter(status=DeclarationStatus.FILED)
    row = (
        Association.objects.filter(pk=current_association_id())
        .annotate(
            last=Subquery(_held_ordinary().order_by("-first_call_at").values("first_call_at")[:1]),
            late=_count(open_.filter(due_on__lt=today)),
            pending=_count(open_.filter(due_on__gte=today)),
            waiting=_count(filed),
            final_late=_count(filed.filter(final_due_on__lt=today)),
            expired=_count(_mandates_expired(today)),
        )
        .values("last", "late", "pending", "waiting", "final_late", "expired")
        .get()
    )
    last_day = timezone.localdate(row["last"]) if row["last"] else None
    return Compliance(
        last_ordinary_assembly=last_day,
        ordinary_assembly_overdue=last_day is None
        or last_day < today - timedelta(days=ORDINARY_ASSEMBLY_OVERDUE_DAYS),
        declarations_late=row["late"],
        declarations_pending=row["pending"],
        final_receipts_waiting=row["waiting"],
        final_receipts_late=row["final_late"],
        mandates_expired=row["expired"],
    )


@dataclass
class ComplianceSummary:
    """Aggregates across associations (for the ministry): how many associations are in each
    situation. No association is named; counts of people (mandates) under SMALL_CELL are None."""

    associations: int = 0
    with_recent_ordinary_assembly: int = 0  # an ordinary assembly held within the last 15 months
    without_ordinary_assembly: int = 0  # never one recorded in Wasl
    with_late_declarations: int = 0
    declarations_late: int = 0
    declarations_pending: int = 0
    final_receipts_late: int = 0
    with_expired_mandates: int = 0
    mandates_expired: int | None = 0
    late_by_region: dict[str, int] = field(default_factory=dict)  # region code -> associations


def compliance_summary(
    *, association_ids: Iterable[int] | None = None, today: date | None = None
) -> ComplianceSummary:
    """Compliance across the given associations (all when None), in a fixed number of queries."""
    today = today or timezone.localdate()
    recent = timezone.now() - timedelta(days=ORDINARY_ASSEMBLY_OVERDUE_DAYS)
    ids = list(association_ids) if association_ids is not None else None

    def only(queryset, key="association_id"):
        return queryset if ids is None else queryset.filter(**{f"{key}__in": ids})

    summary = ComplianceSummary()
    with cross_tenant_read(reason="governance compliance aggregates for the ministry (counts only)"):
        summary.associations = only(Association.objects.all(), "pk").count()
        last_held = dict(
            only(_held_ordinary()).values_list("association_id").annotate(last=Max("first_call_at"))
        )
        summary.with_recent_ordinary_assembly = sum(1 for last in last_held.values() if last >= recent)
        summary.without_ordinary_assembly = summary.associations - len(last_held)
        declarations = only(Declaration.objects.all()).aggregate(
            late=Count("pk", filter=Q(status=DeclarationStatus.OPEN, due_on__lt=today)),
            pending=Count("pk", filter=Q(status=DeclarationStatus.OPEN, due_on__gte=today)),
            final_late=Count("pk", filter=Q(status=DeclarationStatus.FILED, final_due_on__lt=today)),
        )
        summary.declarations_late = declarations["late"]
        summary.declarations_pending = declarations["pending"]
        summary.final_receipts_late = declarations["final_late"]
        late_ids = set(
            only(Declaration.objects.filter(status=DeclarationStatus.OPEN, due_on__lt=today)).values_list(
                "association_id", flat=True
            )
        )
        summary.with_late_declarations = len(late_ids)
        expired = only(_mandates_expired(today))
        summary.mandates_expired = suppress(expired.count())
        summary.with_expired_mandates = expired.values("association_id").distinct().count()
    if late_ids:
        regions = (
            Association.objects.filter(pk__in=late_ids).values_list("region__code").annotate(n=Count("pk"))
        )
        summary.late_by_region = {code or "": n for code, n in regions}
    return summary


@dataclass
class AssociationCounts:
    """One association's compliance facts for the ministry's roll-ups: counts and dates of the
    association's own acts (an association is a public body), never a person."""

    last_ordinary_assembly: date | None = None
    ordinary_assemblies: dict[int, int] = field(default_factory=dict)  # year -> ordinary assemblies held
    declarations_late: int = 0  # open past their deadline today
    declarations_pending: int = 0  # open within their deadline
    final_receipts_late: int = 0
    mandates_expired: int = 0
    # year of the deadline -> [filed by the deadline, filed after it]
    declarations_filed: dict[int, list[int]] = field(default_factory=dict)

    def ordinary_assembly_overdue(self, today: date) -> bool:
        """The home page's rule (compliance_of): none recorded, or the last one too long ago."""
        return self.last_ordinary_assembly is None or self.last_ordinary_assembly < today - timedelta(
            days=ORDINARY_ASSEMBLY_OVERDUE_DAYS
        )


def compliance_counts(
    association_ids: Iterable[int], *, today: date | None = None
) -> dict[int, AssociationCounts]:
    """The compliance facts of each given association, with the same definitions as `compliance_of`
    and `compliance_summary`, in three grouped queries whatever the number of associations."""
    today = today or timezone.localdate()
    ids = list(association_ids)
    found = {pk: AssociationCounts() for pk in ids}
    with cross_tenant_read(reason="governance compliance counts per association for the ministry's roll-ups"):
        held = (
            _held_ordinary()
            .filter(association_id__in=ids)
            .annotate(y=ExtractYear("first_call_at"))
            .values_list("association_id", "y")
            .annotate(n=Count("pk"), last=Max("first_call_at"))
            .order_by()
        )
        for association_id, year, n, last in held:
            counts = found[association_id]
            counts.ordinary_assemblies[year] = n
            last_day = timezone.localdate(last)
            if counts.last_ordinary_assembly is None or last_day > counts.last_ordinary_assembly:
                counts.last_ordinary_assembly = last_day
        declarations = (
            Declaration.objects.filter(association_id__in=ids)
            .annotate(y=ExtractYear("due_on"))
            .values_list("association_id", "y")
            .annotate(
                late=Count("pk", filter=Q(status=DeclarationStatus.OPEN, due_on__lt=today)),
                pending=Count("pk", filter=Q(status=DeclarationStatus.OPEN, due_on__gte=today)),
                final_late=Count("pk", filter=Q(status=DeclarationStatus.FILED, final_due_on__lt=today)),
                on_time=Count("pk", filter=Q(filed_on__isnull=False, filed_on__lte=F("due_on"))),
                filed_late=Count("pk", filter=Q(filed_on__isnull=False, filed_on__gt=F("due_on"))),
            )
            .order_by()
        )
        for association_id, year, late, pending, final_late, on_time, filed_late in declarations:
            counts = found[association_id]
            counts.declarations_late += late
            counts.declarations_pending += pending
            counts.final_receipts_late += final_late
            if on_time or filed_late:
                counts.declarations_filed[year] = [on_time, filed_late]
        expired = (
            _mandates_expired(today)
            .filter(association_id__in=ids)
            .values_list("association_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for association_id, n in expired:
            found[association_id].mandates_expired = n
    return found
