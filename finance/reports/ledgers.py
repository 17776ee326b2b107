"""The journal (entries in date order with their lines) and the general ledger (each account's
lines with a running balance). On a page they are read a page at a time; exports stream every row
(`journal_rows`, `ledger_rows`) so that a year of 300,000 lines never sits in memory as objects."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from finance import selectors
from finance.models import Account, FiscalYear, Journal
from finance.reports.base import Column, Report, Row, Table

ZERO = Decimal("0.00")
CHUNK = 2000


def _name(account_values: dict, prefix: str = "account__") -> str:
    arabic = (get_language() or "ar").startswith("ar")
    return account_values[f"{prefix}name_ar"] if arabic else account_values[f"{prefix}name_fr"]


def journal_columns() -> list[Column]:
    return [
        Column(_("Date"), key="date"),
        Column(_("Number"), key="number"),
        Column(_("Account"), key="account"),
        Column(_("Label"), key="label"),
        Column(_("Debit"), numeric=True, key="debit"),
        Column(_("Credit"), numeric=True, key="credit"),
    ]


def ledger_columns() -> list[Column]:
    return [
        Column(_("Date"), key="date"),
        Column(_("Number"), key="number"),
        Column(_("Label"), key="label"),
        Column(_("Debit"), numeric=True, key="debit"),
        Column(_("Credit"), numeric=True, key="credit"),
        Column(_("Balance"), numeric=True, key="balance"),
    ]


def line_values(found):
    return found.values(
        "id", "debit", "credit", "label", "position", "account_id", "account__code", "account__name_ar",
        "account__name_fr", "entry_id", "entry__date", "entry__label", "entry__number",
        "entry__journal__code", "entry__fiscal_year__start_date",
    )  # fmt: skip


def _number(values: dict) -> str:
    year = values["entry__fiscal_year__start_date"].year
    return f"{values['entry__journal__code']}-{year}-{values['entry__number']:05d}"


def journal_lines(year: FiscalYear, *, journal_id: int | None = None):
    found = selectors.posted_lines(year, include_closing=True)
    if journal_id:
        found = found.filter(entry__journal_id=journal_id)
    return found.order_by("date", "entry__journal__code", "entry__number", "position", "id")


def journal_rows(year: FiscalYear, *, journal_id: int | None = None, lines=None) -> Iterator[Row]:
    previous_entry = None
    total_debit = total_credit = ZERO
    source = (
        lines
        if lines is not None
        else line_values(journal_lines(year, journal_id=journal_id)).iterator(CHUNK)
    )
    for values in source:
        first = values["entry_id"] != previous_entry
        previous_entry = values["entry_id"]
        total_debit += values["debit"]
        total_credit += values["credit"]
        yield Row(
            [
                values["entry__date"] if first else None,
                _number(values) if first else "",
                f"{values['account__code']} {_name(values)}",
                values["label"] or values["entry__label"],
                values["debit"] or None,
                values["credit"] or None,
            ],
            kind="line" if not first else "entry",
        )
    if lines is None:
        yield Row([_("Total"), "", "", "", total_debit, total_credit], kind="total", key="total")


def journal_report(
    year: FiscalYear, *, journal_id: int | None = None, page: int = 1, per_page: int = 200
) -> Report:
    found = journal_lines(year, journal_id=journal_id)
    page_lines = list(line_values(found)[(page - 1) * per_page : page * per_page + 1])
    more = len(page_lines) > per_page
    rows = list(journal_rows(year, lines=page_lines[:per_page]))
    totals = found.aggregate(d=Sum("debit"), c=Sum("credit"))
    rows.append(
        Row([_("Total"), "", "", "", totals["d"] or ZERO, totals["c"] or ZERO], kind="total", key="total")
    )
    journal = Journal.objects.filter(pk=journal_id).first() if journal_id else None
    table = Table(title=str(journal) if journal else _("All journals"), columns=journal_columns(), rows=rows)
    return Report(
        key="journal",
        title=_("Journal"),
        subtitle=str(year),
        tables=[table],
        facts={"more": more, "page": page},
    )


def ledger_lines(year: FiscalYear, *, account_id: int | None = None):
    found = selectors.posted_lines(year)
    if account_id:
        found = found.filter(account_id=account_id)
    return found.order_by("account__code", "date", "entry_id", "position", "id")


def ledger_rows(year: FiscalYear, *, account_id: int | None = None) -> Iterator[Row]:
    """Every account's lines with a running balance, a heading and a subtotal per account."""
    runner = LedgerRunner()
    yield from runner.rows(line_values(ledger_lines(year, account_id=account_id)).iterator(CHUNK))
    yield from runner.end()


class LedgerRunner:
    """Turns ledger lines (in account order) into rows, carrying the running balance; its state
    can be saved between the steps of a long export (`state()` / `LedgerRunner(state)`)."""

    def __init__(self, state: dict | None = None) -> None:
        state = state or {}
        self.account_id = state.get("account_id")
        self.code = state.get("code", "")
        self.balance = Decimal(state.get("balance", "0.00"))
        self.debit = Decimal(state.get("debit", "0.00"))
        self.credit = Decimal(state.get("credit", "0.00"))

    def state(self) -> dict:
        return {"account_id": self.account_id, "code": self.code, "balance": str(self.balance),
                "debit": str(self.debit), "credit": str(self.credit)}  # fmt: skip

    def rows(self, values_iter) -> Iterator[Row]:
        for values in values_iter:
            if values["account_id"] != self.account_id:
                yield from self.end()
                self.account_id, self.code = values["account_id"], values["account__code"]
                self.balance = self.debit = self.credit = ZERO
                title = f"{values['account__code']} {_name(values)}"
                yield Row([title, "", "", None, None, None], kind="heading", key=values["account__code"])
            self.balance += values["debit"] - values["credit"]
            self.debit += values["debit"]
            self.credit += values["credit"]
            yield Row(
                [values["entry__date"], _number(values), values["label"] or values["entry__label"],
                 values["debit"] or None, values["credit"] or None, self.balance]
            )  # fmt: skip

    def end(self) -> Iterator[Row]:
        if self.account_id is not None:
            yield Row(
                [_("Total %(code)s") % {"code": self.code}, "", "", self.debit, self.credit, self.balance],
                kind="subtotal",
                key=self.code,
            )
            self.account_id = None


def ledger_report(year: FiscalYear, *, account_id: int | None, page: int = 1, per_page: int = 200) -> Report:
    """One account's lines, a page at a time; the balance carried into the page is summed in SQL."""
    account = Account.objects.filter(pk=account_id).first() if account_id else None
    table = Table(title=str(account) if account else _("General ledger"), columns=ledger_columns())
    facts = {"page": page, "more": False}
    if account is not None:
        found = ledger_lines(year, account_id=account.pk)
        page_lines = list(line_values(found)[(page - 1) * per_page : page * per_page + 1])
        facts["more"] = len(page_lines) > per_page
        page_lines = page_lines[:per_page]
        balance = ZERO
        if page_lines and page > 1:
            first = page_lines[0]
            before = found.filter(
                Q(date__lt=first["entry__date"])
                | Q(date=first["entry__date"], entry_id__lt=first["entry_id"])
                | Q(entry_id=first["entry_id"], position__lt=first["position"])
                | Q(entry_id=first["entry_id"], position=first["position"], id__lt=first["id"])
            ).aggregate(d=Sum("debit"), c=Sum("credit"))
            balance = (before["d"] or ZERO) - (before["c"] or ZERO)
            table.rows.append(Row([_("Carried forward"), "", "", None, None, balance], kind="subtotal"))
        for values in page_lines:
            balance += values["debit"] - values["credit"]
            table.rows.append(
                Row([values["entry__date"], _number(values), values["label"] or values["entry__label"],
                     values["debit"] or None, values["credit"] or None, balance])
            )  # fmt: skip
        totals = found.aggregate(d=Sum("debit"), c=Sum("credit"))
        facts.update(
            total_debit=totals["d"] or ZERO,
            total_credit=totals["c"] or ZERO,
            balance=(totals["d"] or ZERO) - (totals["c"] or ZERO),
        )
    return Report(key="ledger", title=_("General ledger"), subtitle=str(year), tables=[table], facts=facts)


def accounts_with_lines(year: FiscalYear) -> list[Account]:
    ids = selectors.posted_lines(year).values("account_id").distinct().order_by()
    return list(Account.objects.filter(pk__in=ids).order_by("code"))


def line_count(year: FiscalYear) -> int:
    return selectors.posted_lines(year).count()
