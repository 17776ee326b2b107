"""Fiscal years: open the next one, close one (result, closing entries, next year's opening
entries, lock) and allocate a closed year's result once the general assembly has decided."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from finance.models import (
    Account,
    AccountRole,
    Entry,
    EntryKind,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    JournalKind,
    YearStatus,
)
from finance.models.chart import BALANCE_SHEET_CLASSES, RESULT_CLASSES
from finance.seeding import add_months, fiscal_year_bounds
from finance.services.entries import _post_locked, new_line, parse_amount

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


def _role_account(role: str) -> Account:
    account = Account.objects.filter(role=role, archived_at=None).order_by("code").first()
    if account is None:
        raise WaslError(
            _("The chart has no active account for “%(role)s”: restore it before closing.")
            % {"role": AccountRole(role).label}
        )
    return account


def _journal(kind: str) -> Journal:
    journal = Journal.objects.filter(kind=kind, archived_at=None).order_by("code").first()
    if journal is None:
        raise WaslError(_("The books have no active %(kind)s journal.") % {"kind": JournalKind(kind).label})
    return journal


@transaction.atomic
def fiscal_year_open(*, actor, start_date: date | None = None) -> FiscalYear:
    """Open a fiscal year: by default the one after the last (or the one of today). A year starts
    on the first day of a month and lasts twelve months; years never overlap."""
    association = Association.objects.get(pk=current_association_id())
    last = FiscalYear.objects.order_by("-start_date").first()
    if start_date is None:
        if last is not None:
            start_date = last.end_date + ONE_DAY
        else:
            start_date = fiscal_year_bounds(association.fiscal_year_start_month, timezone.localdate())[0]
    if start_date.day != 1:
        raise WaslError(_("A fiscal year starts on the first day of a month."), field="start_date")
    end_date = add_months(start_date, 12) - ONE_DAY
    if FiscalYear.objects.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise WaslError(_("This fiscal year overlaps a year already opened."), field="start_date")
    if last is not None and start_date > last.end_date and (start_date - last.end_date).days > 1:
        raise WaslError(_("Fiscal years follow each other without a gap."), field="start_date")
    year = FiscalYear.objects.create(start_date=start_date, end_date=end_date)
    audit_record(
        actor=actor,
        action="finance.year.opened",
        target=year,
        changes={"start_date": start_date.isoformat(), "end_date": end_date.isoformat()},
    )
    return year


def _balances(year: FiscalYear, classes) -> list[tuple[int, Decimal]]:
    """(account id, debit - credit) of the accounts of `classes` in the year, posted entries, in SQL."""
    rows = (
        EntryLine.objects.filter(
            entry__fiscal_year=year, entry__status=EntryStatus.POSTED, account__account_class__in=classes
        )
        .exclude(entry__kind=EntryKind.CLOSING)
        .values("account_id", "account__code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("account__code")
    )
    return [
        (row["account_id"], row["debit"] - row["credit"]) for row in rows if row["debit"] != row["credit"]
    ]


def _write_posted(
    *,
    actor,
    year: FiscalYear,
    journal: Journal,
    day: date,
    label: str,
    kind: str,
    lines,
    allocates=None,
    reference="",
):
    """Write and post an entry the platform composes (lines: (account id, amount: + debit / - credit))."""
    entry = Entry.objects.create(
        journal=journal,
        fiscal_year=year,
        date=day,
        label=label,
        kind=kind,
        allocates=allocates,
        reference=(reference or "")[:60],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    EntryLine.objects.bulk_create(
        [
            new_line(
                entry,
                position=position,
                account_id=account_id,
                debit=amount if amount > 0 else ZERO,
                credit=-amount if amount < 0 else ZERO,
            )
            for position, (account_id, amount) in enumerate(lines, start=1)
            if amount != 0
        ]
    )
    return _post_locked(actor=actor, entry=entry, year=year, audit=False)


@transaction.atomic
def fiscal_year_close(*, actor, year_id: int) -> FiscalYear:
    """Close a year: no draft left and the years before closed; the result (classes 6 and 7) moves
    to 1191/1199, the balance-sheet accounts are closed, the next year opens with them (the result
    waiting in 118 until the assembly allocates it), and the year is locked."""
    year = FiscalYear.objects.select_for_update().filter(pk=year_id).first()
    if year is None:
        raise NotFound()
    if year.status == YearStatus.CLOSED:
        raise WaslError(_("This fiscal year is already closed."))
    if FiscalYear.objects.filter(start_date__lt=year.start_date, status=YearStatus.OPEN).exists():
        raise WaslError(_("Close the earlier fiscal years first."))
    drafts = Entry.objects.filter(fiscal_year=year, status=EntryStatus.DRAFT).count()
    if drafts:
        raise WaslError(
            _("%(count)d draft entries are left in this year: post or delete them first.") % {"count": drafts}
        )
    operations = _journal(JournalKind.OPERATIONS)
    opening_journal = _journal(JournalKind.OPENING)
    surplus, deficit = _role_account(AccountRole.RESULT_SURPLUS), _role_account(AccountRole.RESULT_DEFICIT)
    pending_surplus = _role_account(AccountRole.PENDING_SURPLUS)
    pending_deficit = _role_account(AccountRole.PENDING_DEFICIT)
    closing_account, opening_account = _role_account(AccountRole.CLOSING), _role_account(AccountRole.OPENING)

    # The next year: opened now if needed (it may already hold entries).
    next_year = (
        FiscalYear.objects.select_for_update()
        .filter(start_date__gt=year.end_date)
        .order_by("start_date")
        .first()
    )
    if next_year is None:
        next_start = add_months(year.start_date, 12)
        next_year = FiscalYear.objects.create(
            start_date=next_start, end_date=add_months(next_start, 12) - ONE_DAY
        )

    # 1. The result: classes 6 and 7 cleared into 1191 (surplus) or 1199 (deficit).
    result_lines = _balances(year, RESULT_CLASSES)
    result = -sum((amount for _id, amount in result_lines), ZERO)  # income is a credit balance
    if result_lines:
        lines = [(account_id, -amount) for account_id, amount in result_lines]
        lines.append((surplus.pk, -result) if result >= 0 else (deficit.pk, -result))
        _write_posted(
            actor=actor,
            year=year,
            journal=operations,
            day=year.end_date,
            kind=EntryKind.CLOSING,
            label=_("Result of the year %(year)s") % {"year": year},
            lines=lines,
        )

    # 2. The balance sheet closed (every class 1-5 account back to zero), 3. and reopened next year.
    carried = _balances(year, BALANCE_SHEET_CLASSES)
    if result_lines:
        carried = _merge(carried, [(surplus.pk, -result) if result >= 0 else (deficit.pk, -result)])
    if carried:
        residual = sum((amount for _id, amount in carried), ZERO)
        closing = [(account_id, -amount) for account_id, amount in carried]
        if residual:
            closing.append((closing_account.pk, residual))
        _write_posted(
            actor=actor,
            year=year,
            journal=operations,
            day=year.end_date,
            kind=EntryKind.CLOSING,
            label=_("Closing of the balance sheet %(year)s") % {"year": year},
            lines=closing,
        )
        moved = {surplus.pk: pending_surplus.pk, deficit.pk: pending_deficit.pk}
        opening = [(moved.get(account_id, account_id), amount) for account_id, amount in carried]
        if residual:
            opening.append((opening_account.pk, -residual))
        _write_posted(
            actor=actor,
            year=next_year,
            journal=opening_journal,
            day=next_year.start_date,
            kind=EntryKind.OPENING,
            label=_("Opening balances %(year)s") % {"year": next_year},
            lines=opening,
        )

    year.status = YearStatus.CLOSED
    year.result = result
    year.closed_at = timezone.now()
    year.closed_by = actor if getattr(actor, "pk", None) else None
    year.save(update_fields=["status", "result", "closed_at", "closed_by"])
    audit_record(actor=actor, action="finance.year.closed", target=year, changes={"result": f"{result:.2f}"})
    return year


def _merge(balances, extra):
    totals: dict[int, Decimal] = {}
    order: list[int] = []
    for account_id, amount in [*balances, *extra]:
        if account_id not in totals:
            order.append(account_id)
            totals[account_id] = ZERO
        totals[account_id] += amount
    return [(account_id, totals[account_id]) for account_id in order if totals[account_id] != 0]


def allocation_of(year: FiscalYear) -> Entry | None:
    return Entry.objects.filter(allocates=year, status=EntryStatus.POSTED).first()


@transaction.atomic
def result_allocate(
    *, actor, year_id: int, allocations: list[tuple[int, object]], date: date, reference: str = ""
) -> Entry:
    """Allocate a closed year's result as the assembly decided: from 118 (pending) to the carried
    forward (116), reserves (115) or the association's fund (111); the amounts add up to the result."""
    year = FiscalYear.objects.select_for_update().filter(pk=year_id).first()
    if year is None:
        raise NotFound()
    if year.status != YearStatus.CLOSED or year.result is None:
        raise WaslError(_("Only a closed year's result can be allocated."))
    if not year.result:
        raise WaslError(_("This year's result is zero: there is nothing to allocate."))
    if allocation_of(year) is not None:
        raise WaslError(_("This year's result has already been allocated."))
    next_year = (
        FiscalYear.objects.select_for_update()
        .filter(start_date__gt=year.end_date)
        .order_by("start_date")
        .first()
    )
    if next_year is None or next_year.status == YearStatus.CLOSED:
        raise WaslError(_("The year after it must be open to receive the allocation."))
    if not (next_year.start_date <= date <= next_year.end_date):
        raise WaslError(
            _("The allocation is dated in the year %(year)s.") % {"year": next_year}, field="date"
        )
    allowed = {
        a.pk: a
        for a in Account.objects.filter(archived_at=None, account_class=1, code__regex=r"^(111|115|116)")
    }
    lines: list[tuple[int, Decimal]] = []
    total = ZERO
    for account_id, raw_amount in allocations:
        amount = parse_amount(raw_amount, field="allocations")
        if not amount:
            continue
        if account_id not in allowed:
            raise WaslError(
                _("A result goes to the association's fund, the reserves or the carried-forward accounts."),
                field="allocations",
            )
        total += amount
        lines.append((account_id, -amount if year.result > 0 else amount))
    magnitude = abs(year.result)
    if not lines or total != magnitude:
        raise WaslError(
            _("The allocated amounts must add up to the result, %(result)s.")
            % {"result": f"{magnitude:.2f}"},
            field="allocations",
        )
    pending = _role_account(AccountRole.PENDING_SURPLUS if year.result > 0 else AccountRole.PENDING_DEFICIT)
    lines.insert(0, (pending.pk, magnitude if year.result > 0 else -magnitude))
    entry = _write_posted(
        actor=actor,
        year=next_year,
        journal=_journal(JournalKind.OPERATIONS),
        day=date,
        kind=EntryKind.ALLOCATION,
        label=_("Allocation of the result %(year)s") % {"year": year},
        lines=lines,
        allocates=year,
        reference=reference,
    )
    audit_record(
        actor=actor,
        action="finance.result.allocated",
        target=year,
        changes={"result": f"{year.result:.2f}", "entry": str(entry), "reference": (reference or "")[:120]},
    )
    return entry
