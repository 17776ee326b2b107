"""Reads for funding: public money per year (from the ledger), grants with what was received,
declarations due, a donor's gifts of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance import selectors
from finance.models import (
    DeclarationStatus,
    Donation,
    Donor,
    FiscalYear,
    ForeignDeclaration,
    Grant,
)
from finance.models.funding import PUBLIC_ACCOUNT_CODES, PUBLIC_CERTIFICATION_THRESHOLD

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _public_accounts_q(prefix: str = "account__code") -> Q:
    q = Q()
    for code in PUBLIC_ACCOUNT_CODES:
        q |= Q(**{f"{prefix}__startswith": code})
    return q


def public_money(year: FiscalYear | None) -> Decimal:
    """Public money received in a fiscal year: the net credit of the public grant accounts
    (State, local authorities, INDH, public bodies), one aggregate over the year's posted lines."""
    if year is None:
        return ZERO
    totals = (
        selectors.posted_lines(year).filter(_public_accounts_q()).aggregate(d=Sum("debit"), c=Sum("credit"))
    )
    return (totals["c"] or ZERO) - (totals["d"] or ZERO)


@dataclass(frozen=True)
class PublicMoney:
    year: FiscalYear | None
    total: Decimal
    threshold: Decimal = PUBLIC_CERTIFICATION_THRESHOLD

    @property
    def over(self) -> bool:
        return self.total > self.threshold

    @property
    def percent(self) -> int:
        if not self.threshold:
            return 0
        return int(min(self.total / self.threshold * 100, Decimal(999)))

    @property
    def court_deadline(self) -> date | None:
        """The annual account of the use of public support is filed before 15 March of the next year."""
        if self.year is None:
            return None
        return date(self.year.end_date.year + 1, 3, 15)


def public_money_of(year: FiscalYear | None) -> PublicMoney:
    return PublicMoney(year=year, total=public_money(year))


def grants() -> QuerySet[Grant]:
    # An instalment whose receipt was cancelled was reversed in the books: not received.
    return Grant.objects.select_related("funder", "project").annotate(
        received=Coalesce(
            Sum("instalments__amount", filter=Q(instalments__payment__cancelled_at=None)),
            Value(ZERO),
            output_field=MONEY,
        )
    )


def grant_detail(grant_id: int) -> Grant | None:
    return grants().filter(pk=grant_id).first()


def declarations_due() -> QuerySet[ForeignDeclaration]:
    return ForeignDeclaration.objects.filter(status=DeclarationStatus.TO_DECLARE).order_by("due_on", "id")


def declarations() -> QuerySet[ForeignDeclaration]:
    return ForeignDeclaration.objects.select_related("instalment__grant", "donation__donor").order_by(
        "status", "due_on", "id"
    )


def overdue_declarations_count(today: date | None = None) -> int:
    return declarations_due().filter(due_on__lt=today or timezone.localdate()).count()


def donors() -> QuerySet[Donor]:
    return Donor.objects.annotate(
        total=Coalesce(Sum("donations__amount"), Value(ZERO), output_field=MONEY)
    ).order_by("name", "id")


def donor_donations(donor: Donor, *, year: int | None = None) -> QuerySet[Donation]:
    found = Donation.objects.filter(donor=donor).select_related("entry", "project")
    if year:
        found = found.filter(received_on__year=year)
    return found.order_by("received_on", "id")


def donor_years(donor: Donor) -> list[int]:
    return sorted(
        {d.year for d in Donation.objects.filter(donor=donor).dates("received_on", "year")}, reverse=True
    )


def project_expenses(year: FiscalYear, project_ids: list[int]) -> dict[int, Decimal]:
    """Expenses (class 6, debit minus credit) of the year per project: one aggregate."""
    rows = (
        selectors.posted_lines(year)
        .filter(project_id__in=project_ids, account__account_class=6)
        .values("project_id")
        .annotate(total=Sum(F("debit") - F("credit")))
        .order_by()
    )
    return {row["project_id"]: row["total"] or ZERO for row in rows}


def home_card_figures(today: date | None = None) -> tuple[Decimal, int]:
    """(public money of the fiscal year of today, declarations waiting): one query for the home card
    (two scalar subqueries on the association's own row, which always exists)."""
    from django.db.models import Count, Subquery

    from associations.models import Association
    from associations.tenancy import current_association_id
    from finance.models import EntryKind, EntryLine, EntryStatus

    today = today or timezone.localdate()
    public = (
        EntryLine.objects.filter(
            _public_accounts_q(),
            entry__status=EntryStatus.POSTED,
            entry__fiscal_year__start_date__lte=today,
            entry__fiscal_year__end_date__gte=today,
        )
        .exclude(entry__kind=EntryKind.CLOSING)
        .values("association")
        .annotate(net=Sum(F("credit") - F("debit")))
        .values("net")
    )
    waiting = (
        ForeignDeclaration.objects.filter(status=DeclarationStatus.TO_DECLARE)
        .values("association")
        .annotate(count=Count("id"))
        .values("count")
    )
    row = (
        Association.objects.filter(pk=current_association_id())
        .annotate(public=Subquery(public[:1], output_field=MONEY), waiting=Subquery(waiting[:1]))
        .values("public", "waiting")
        .first()
    ) or {}
    return Decimal(row.get("public") or 0).quantize(Decimal("0.01")), row.get("waiting") or 0
