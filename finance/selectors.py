"""Reads of the books. Balances are aggregated in the database (one GROUP BY), never row by row.

Statements of a year leave out its closing entries (kind "closing": the result moved to 119 and the
balance sheet brought back to zero), so a closed year reads as it stood before closing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from associations.text import normalise_for_search
from finance.models import (
    Account,
    AccountRole,
    Entry,
    EntryKind,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    YearStatus,
)

ZERO = Decimal("0.00")


def accounts() -> QuerySet[Account]:
    return Account.objects.all()


def postable_accounts() -> QuerySet[Account]:
    return Account.objects.filter(archived_at=None).filter(Q(code__regex=r"^[0-9]{3,}$") | ~Q(role=""))


def account_search(query: str, *, limit: int = 20) -> list[Account]:
    """Accounts by code prefix, or by a word of the Arabic or French name."""
    query = (query or "").strip()[:60]
    found = postable_accounts()
    if not query:
        return list(found.order_by("code")[:limit])
    if query.isdigit():
        return list(found.filter(code__startswith=query).order_by("code")[:limit])
    words = [word for word in query.split() if word]
    condition = Q()
    for word in words:
        condition &= Q(name_ar__icontains=word) | Q(name_fr__icontains=word)
    rows = list(found.filter(condition).order_by("code")[: limit * 3])
    if not rows:  # tolerate accents and Arabic letter variants
        key = normalise_for_search(query)
        rows = [a for a in found.order_by("code") if key in normalise_for_search(f"{a.name_ar} {a.name_fr}")]
    return rows[:limit]


def journals(*, active_only: bool = False) -> QuerySet[Journal]:
    found = Journal.objects.select_related("account")
    return found.filter(archived_at=None) if active_only else found


def fiscal_years() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-start_date")


def current_year() -> FiscalYear | None:
    """The earliest open year (the one being kept), else the latest."""
    return (
        FiscalYear.objects.filter(status=YearStatus.OPEN).order_by("start_date").first()
        or FiscalYear.objects.order_by("-start_date").first()
    )


def entries(
    *, year: FiscalYear | None = None, journal_id: int | None = None, status: str = ""
) -> QuerySet[Entry]:
    found = Entry.objects.select_related("journal", "fiscal_year")
    if year is not None:
        found = found.filter(fiscal_year=year)
    if journal_id:
        found = found.filter(journal_id=journal_id)
    if status:
        found = found.filter(status=status)
    return found.order_by("-date", "-id")


def entry_detail(entry_id: int) -> Entry | None:
    return (
        Entry.objects.select_related("journal", "fiscal_year", "reverses", "posted_by", "created_by")
        .prefetch_related("lines__account", "lines__project", "attachments")
        .filter(pk=entry_id)
        .first()
    )


def reversal_of(entry: Entry) -> Entry | None:
    return Entry.objects.filter(reverses=entry).select_related("journal", "fiscal_year").first()


@dataclass(frozen=True)
class BalanceRow:
    account_id: int
    code: str
    name_ar: str
    name_fr: str
    account_class: int
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def debit_balance(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def credit_balance(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


@dataclass(frozen=True)
class TrialBalance:
    year: FiscalYear
    rows: list[BalanceRow]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    @property
    def result(self) -> Decimal:
        """Surplus (positive) or deficit: income minus expenses, classes 7 and 6 (as year_result)."""
        return sum((row.credit - row.debit for row in self.rows if row.account_class in (6, 7)), ZERO)


def posted_lines(year: FiscalYear, *, include_closing: bool = False) -> QuerySet[EntryLine]:
    """The year's posted lines, read on the lines' own copies of the entry's year, status and kind
    (no join to the entries; the partial indexes of posted lines cover these reads)."""
    found = EntryLine.objects.filter(fiscal_year=year, entry_status=EntryStatus.POSTED)
    if not include_closing:
        found = found.exclude(entry_kind=EntryKind.CLOSING)
    return found


def account_sums(year: FiscalYear, *, include_closing: bool = False) -> dict[int, tuple[Decimal, Decimal]]:
    """Debit and credit totals per account id of the year's posted lines: one GROUP BY on the
    lines alone, an index-only scan of (association, fiscal_year, account) INCLUDE (debit, credit)."""
    rows = (
        posted_lines(year, include_closing=include_closing)
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    return {row["account_id"]: (row["debit"] or ZERO, row["credit"] or ZERO) for row in rows}


def trial_balance(year: FiscalYear, *, include_closing: bool = False) -> TrialBalance:
    """Debit and credit totals per account of the year's posted entries: one aggregate query over
    the lines, then the few hundred accounts it names."""
    sums = account_sums(year, include_closing=include_closing)
    accounts_by_id = Account.objects.only("code", "name_ar", "name_fr", "account_class").in_bulk(list(sums))
    rows = sorted(
        (
            BalanceRow(
                account_id=account_id,
                code=accounts_by_id[account_id].code,
                name_ar=accounts_by_id[account_id].name_ar,
                name_fr=accounts_by_id[account_id].name_fr,
                account_class=accounts_by_id[account_id].account_class,
                debit=debit,
                credit=credit,
            )
            for account_id, (debit, credit) in sums.items()
        ),
        key=lambda row: row.code,
    )
    return TrialBalance(
        year=year,
        rows=rows,
        total_debit=sum((r.debit for r in rows), ZERO),
        total_credit=sum((r.credit for r in rows), ZERO),
    )


def year_result(year: FiscalYear) -> Decimal:
    """Surplus (positive) or deficit (negative): income minus expenses, classes 7 and 6."""
    sums = account_sums(year)
    income_and_expenses = set(
        Account.objects.filter(pk__in=list(sums), account_class__in=(6, 7)).values_list("pk", flat=True)
    )
    return sum((credit - debit for pk, (debit, credit) in sums.items() if pk in income_and_expenses), ZERO)


def treasury_position() -> list[tuple[Account, Decimal]]:
    """Balance of every cash and bank account, all years together (a closing entry and the next
    year's opening entry cancel out, so every posted line counts once): one aggregate query."""
    from django.db.models import DecimalField, F, Value
    from django.db.models.functions import Coalesce

    posted = Q(lines__entry_status=EntryStatus.POSTED)
    treasury = (
        Account.objects.filter(Q(role__in=(AccountRole.CASH, AccountRole.BANK)) | Q(code__startswith="51"))
        .filter(archived_at=None, account_class=5)
        .exclude(code__in=("5", "51"))
        .annotate(
            balance=Coalesce(
                Sum(F("lines__debit") - F("lines__credit"), filter=posted),
                Value(ZERO),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            used=Count("lines", filter=posted),
        )
        .order_by("code")
    )
    return [(account, account.balance) for account in treasury if account.used or account.role]


def drafts_count() -> int:
    return Entry.objects.filter(status=EntryStatus.DRAFT).count()


@dataclass(frozen=True)
class LedgerPage:
    account: Account
    year: FiscalYear
    carried: Decimal  # balance of the account in the year before the first row of the page
    rows: list[tuple[EntryLine, Decimal]]  # (line, running balance after it)
    next_cursor: str


def general_ledger_page(
    year: FiscalYear, account: Account, *, after: str = "", size: int = 100
) -> LedgerPage:
    """One page of an account's general ledger in a year (posted lines, closing entries left out),
    in date order, keyset-paginated: the balance carried into the page is one SQL aggregate over the
    lines before the cursor, so a late page costs what the first does."""
    lines = posted_lines(year).filter(account=account)
    cursor = _decode_cursor(after)
    if cursor:
        day, entry_id, line_id = cursor
        # (date, entry, line) <= the cursor; the date bound keeps both reads range scans of the
        # ledger index (association, account, fiscal_year, date, entry, id).
        before = (
            Q(date__lt=day)
            | Q(date=day, entry_id__lt=entry_id)
            | Q(date=day, entry_id=entry_id, pk__lte=line_id)
        )
        totals = lines.filter(date__lte=day).filter(before).aggregate(d=Sum("debit"), c=Sum("credit"))
        carried = (totals["d"] or ZERO) - (totals["c"] or ZERO)
        page = lines.filter(date__gte=day).exclude(before)
    else:
        carried = ZERO
        page = lines
    # The page's lines first (a range scan of the ledger index), then their entries, journals,
    # years and projects by primary key: joined in one query, the planner (misled by the row-level
    # security predicates' estimates) walked the year's entries first — 3 s instead of ms.
    found = list(
        page.prefetch_related("entry__journal", "entry__fiscal_year", "project").order_by(
            "date", "entry_id", "pk"
        )[: size + 1]
    )
    more = len(found) > size
    found = found[:size]
    rows, running = [], carried
    for line in found:
        running += line.debit - line.credit
        rows.append((line, running))
    last = found[-1] if more and found else None
    next_cursor = f"{last.date.isoformat()}_{last.entry_id}_{last.pk}" if last else ""
    return LedgerPage(account=account, year=year, carried=carried, rows=rows, next_cursor=next_cursor)


def _decode_cursor(value: str):
    from datetime import date as date_type

    try:
        day, entry_id, line_id = (value or "").split("_")
        return date_type.fromisoformat(day), int(entry_id), int(line_id)
    except ValueError:
        return None


def projects_with_totals() -> list:
    """Every project with its income (class 7) and expenses (class 6) on posted lines, all years,
    and its budget: one aggregate query."""
    from django.db.models import DecimalField, F, Value
    from django.db.models.functions import Coalesce

    from finance.models import Project

    posted = Q(lines__entry_status=EntryStatus.POSTED) & ~Q(lines__entry_kind=EntryKind.CLOSING)
    money = DecimalField(max_digits=14, decimal_places=2)
    income = Q(lines__account__account_class=7) & posted
    expense = Q(lines__account__account_class=6) & posted
    return list(
        Project.objects.annotate(
            income=Coalesce(
                Sum(F("lines__credit") - F("lines__debit"), filter=income), Value(ZERO), output_field=money
            ),
            expenses=Coalesce(
                Sum(F("lines__debit") - F("lines__credit"), filter=expense), Value(ZERO), output_field=money
            ),
        ).order_by("archived_at", "code")
    )


# --- Dues: a member's standing -------------------------------------------------------------------


@dataclass(frozen=True)
class MemberStanding:
    """Where a member stands with the dues on a day: up to date, or what is owed and for which
    fiscal years (label such as "2026" or "2025-2026", amount), oldest first. Waived dues are
    owed by nobody; dues not yet due on that day are not owed."""

    up_to_date: bool
    owed: Decimal
    owed_by_year: tuple[tuple[str, Decimal], ...]
    on_date: date


def _year_label(start: date, end: date) -> str:
    return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"


def _paid_on(on_date: date):
    """What payments had settled of each due on `on_date`, as an expression on `Due` rows.

    `paid` is what the payments not cancelled settle today. Back then, the allocations of payments
    received after `on_date` had not been made yet (taken off), and those of a payment cancelled
    after `on_date` still counted (put back: its reversal entry is dated later). No payment and no
    reversal is dated in the future, so from today on this is `paid` itself and no subquery runs.
    """
    from django.db.models import Case, DecimalField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from finance.models import Allocation

    if on_date >= timezone.localdate():
        return F("paid")
    money = DecimalField(max_digits=14, decimal_places=2)
    later = Q(payment__cancelled_at=None, payment__date__gt=on_date)
    cancelled_later = Q(payment__cancelled_at__isnull=False, payment__date__lte=on_date) & Q(
        payment__reversal_entry__date__gt=on_date
    )
    correction = (
        Allocation.objects.filter(due=OuterRef("pk"))
        .filter(later | cancelled_later)
        .values("due")
        .annotate(
            total=Sum(
                Case(
                    When(later, then=F("amount")),
                    default=-F("amount"),
                    output_field=money,
                )
            )
        )
        .values("total")
    )
    return F("paid") - Coalesce(Subquery(correction, output_field=money), Value(ZERO), output_field=money)


def _owing_dues(on_date: date):
    """The dues owed on `on_date`: fallen due by then, not waived, not settled by the payments
    received by then. Annotated with `paid_then`."""
    from finance.models import Due

    return (
        Due.objects.filter(waived_at=None, due_date__lte=on_date)
        .annotate(paid_then=_paid_on(on_date))
        .filter(paid_then__lt=F("amount"))
    )


def member_standing(member, on_date: date | None = None) -> MemberStanding:
    """The member's standing on `on_date` (today by default), in one query: the dues due by then,
    not waived, less what the payments received by then allocated to them."""
    on_date = on_date or timezone.localdate()
    member_id = getattr(member, "pk", member)
    rows = (
        _owing_dues(on_date)
        .filter(member_id=member_id)
        .values("fiscal_year__start_date", "fiscal_year__end_date")
        .annotate(owed=Sum(F("amount") - F("paid_then")))
        .order_by("fiscal_year__start_date")
    )
    by_year = tuple(
        (
            _year_label(row["fiscal_year__start_date"], row["fiscal_year__end_date"]),
            Decimal(row["owed"]).quantize(Decimal("0.01")),
        )
        for row in rows
    )
    owed = sum((amount for _label, amount in by_year), ZERO)
    return MemberStanding(up_to_date=owed <= 0, owed=owed, owed_by_year=by_year, on_date=on_date)


def member_ids_owing(*, on_date: date | None = None) -> set[int]:
    """The ids of the members of the current association who owe dues on `on_date` (today by
    default, counting the payments received by then): one query, for voter rolls, lists and the
    "owes dues" filter."""
    on_date = on_date or timezone.localdate()
    return set(_owing_dues(on_date).values_list("member_id", flat=True).distinct())


def members_owing_queryset(*, on_date: date | None = None):
    """The same as a subquery (`.values("member_id")`), to filter a member queryset in SQL."""
    return _owing_dues(on_date or timezone.localdate()).values("member_id")


def dues_open_for_resignation(member, *, today: date | None = None) -> Decimal:
    """What a member must still pay before resigning (dahir 1-58-376, art. 4: the dues fallen due
    and those of the current year): every due not waived of a fiscal year begun by today."""
    from finance.models import Due

    today = today or timezone.localdate()
    member_id = getattr(member, "pk", member)
    total = (
        Due.objects.filter(member_id=member_id, waived_at=None, paid__lt=F("amount"))
        .filter(Q(due_date__lte=today) | Q(fiscal_year__start_date__lte=today))
        .aggregate(total=Sum(F("amount") - F("paid")))["total"]
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def member_receipts(member, *, limit: int = 20):
    """The receipts of payments a member made (as payer), latest first."""
    from finance.models import Receipt

    member_id = getattr(member, "pk", member)
    return (
        Receipt.objects.filter(payment__payer_member_id=member_id)
        .select_related("payment", "fiscal_year", "document")
        .order_by("-issued_on", "-pk")[:limit]
    )


def member_dues(member):
    """A member's dues, latest year first."""
    from finance.models import Due

    return (
        Due.objects.filter(member_id=getattr(member, "pk", member))
        .select_related("fiscal_year")
        .order_by("-fiscal_year__start_date", "kind")
    )


def member_credit(member) -> Decimal:
    """The credit a member's dues payments left over, not yet used by later dues."""
    from finance.models import Payment

    total = Payment.objects.filter(
        payer_member_id=getattr(member, "pk", member), cancelled_at=None, credit_left__gt=0
    ).aggregate(total=Sum("credit_left"))["total"]
    return Decimal(total or 0)
