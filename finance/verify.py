"""Recompute the books of one association: each year's hash chain, each posted entry's balance and
numbers, and the trial balance. Used by `manage.py ledger_verify` and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Sum

from associations.models import Association
from associations.tenancy import association_scope
from finance.chain import entry_hash
from finance.models import Entry, EntryLine, EntryStatus, FiscalYear
from finance.models.ledger import GENESIS_HASH


@dataclass(frozen=True)
class LedgerFault:
    association_slug: str
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.association_slug}: {self.where}: {self.reason}"


def verify_books(association: Association) -> LedgerFault | None:
    """The first fault found in the association's books, or None."""
    with association_scope(association):
        for year in FiscalYear.objects.order_by("start_date"):
            fault = _verify_year(association, year)
            if fault is not None:
                return fault
    return None


def _verify_year(association: Association, year: FiscalYear) -> LedgerFault | None:
    slug = association.slug

    def fault(where: str, reason: str) -> LedgerFault:
        return LedgerFault(slug, f"year {year}, {where}", reason)

    prev = GENESIS_HASH
    expected_index = 1
    numbers: dict[int, int] = {}
    posted = (
        Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED)
        .select_related("journal", "fiscal_year")
        .order_by("chain_index")
    )
    lines_of: dict[int, list] = {}
    for line in (
        EntryLine.objects.filter(entry__fiscal_year=year, entry__status=EntryStatus.POSTED)
        .select_related("account")
        .order_by("entry_id", "position", "pk")
        .iterator(chunk_size=5000)
    ):
        lines_of.setdefault(line.entry_id, []).append(line)
    for entry in posted.iterator(chunk_size=2000):
        label = f"entry {entry.journal.code}-{year.start_date.year}-{entry.number}"
        if entry.chain_index != expected_index:
            return fault(f"chain position {expected_index}", "a posted entry is missing from the chain")
        if entry.prev_hash != prev:
            return fault(label, "the previous hash does not match")
        lines = lines_of.get(entry.pk, [])
        if len(lines) < 2:
            return fault(label, "fewer than two lines")
        debit = sum((line.debit for line in lines), Decimal("0"))
        credit = sum((line.credit for line in lines), Decimal("0"))
        if debit != credit:
            return fault(label, f"does not balance (debit {debit}, credit {credit})")
        if any((line.debit > 0) == (line.credit > 0) for line in lines):
            return fault(label, "a line has both or neither of debit and credit")
        if entry_hash(entry, lines, prev_hash=entry.prev_hash) != entry.hash:
            return fault(label, "the content does not match its hash")
        numbers[entry.journal_id] = numbers.get(entry.journal_id, 0) + 1
        prev = entry.hash
        expected_index += 1
    if year.chain_length != expected_index - 1 or year.chain_hash != prev:
        return fault("chain head", "the year's chain head does not match its last posted entry")
    for row in (
        Entry.objects.filter(fiscal_year=year, status=EntryStatus.POSTED)
        .values("journal__code")
        .annotate(
            n=Count("pk"), distinct=Count("number", distinct=True), low=Min("number"), high=Max("number")
        )
        .order_by("journal__code")
    ):
        if not (row["n"] == row["distinct"] == row["high"] and row["low"] == 1):
            return fault(f"journal {row['journal__code']}", "entry numbers are not 1 to n without a gap")
    totals = EntryLine.objects.filter(entry__fiscal_year=year, entry__status=EntryStatus.POSTED).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    if (totals["d"] or 0) != (totals["c"] or 0):
        return fault("trial balance", "total debits and credits differ")
    # The statements read the lines' copies of their entry's year, date, status and kind.
    stale = (
        EntryLine.objects.filter(entry__fiscal_year=year)
        .exclude(
            fiscal_year=F("entry__fiscal_year"),
            date=F("entry__date"),
            entry_status=F("entry__status"),
            entry_kind=F("entry__kind"),
        )
        .values_list("entry_id", flat=True)
        .first()
    )
    if stale is not None:
        return fault(f"entry id {stale}", "a line's copy of its entry's year, date, status or kind differs")
    return None
