"""The reconciliation report of a bank account: the bank's balance on the last statement date
beside the books' balance that day, and what explains the difference (statement lines not yet in
the books, ledger lines the bank has not shown yet)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from finance.models import Account, BankLine, BankStatement
from finance.reports.base import Column, Report, Row, Table
from finance.services.bank import _candidates, book_balance

ZERO = Decimal("0.00")
MAX_ROWS = 500


def reconciliation_report(account: Account) -> Report:
    last = (
        BankStatement.objects.filter(account=account, status=BankStatement.Status.IMPORTED)
        .exclude(last_date=None)
        .order_by("-last_date", "-pk")
        .first()
    )
    facts: dict = {"account": str(account)}
    summary = Table(
        title=_("Balances"),
        columns=[Column("", key="label"), Column(_("Amount"), numeric=True, key="amount")],
    )
    unmatched_bank = Table(
        title=_("Statement lines not reconciled"),
        columns=[
            Column(_("Date"), key="date"),
            Column(_("Label"), key="label"),
            Column(_("Amount"), numeric=True, key="amount"),
        ],
    )
    unmatched_books = Table(
        title=_("Ledger lines not on a statement yet"),
        columns=[
            Column(_("Date"), key="date"),
            Column(_("Number"), key="number"),
            Column(_("Label"), key="label"),
            Column(_("Amount"), numeric=True, key="amount"),
        ],
    )
    open_lines = BankLine.objects.filter(account=account, entry_line=None).order_by("date", "position")
    for line in open_lines[:MAX_ROWS]:
        unmatched_bank.rows.append(Row([line.date, line.label, line.amount]))
    reconciled = BankLine.objects.filter(account=account).exclude(entry_line=None).count()
    facts.update(reconciled_lines=reconciled, open_statement_lines=open_lines.count())
    if last is not None:
        books = book_balance(account, on=last.last_date)
        facts.update(statement_date=last.last_date, books_balance=books)
        summary.rows.append(
            Row([_("Books balance on %(date)s") % {"date": last.last_date.isoformat()}, books], key="books")
        )
        if last.closing_balance is not None:
            facts.update(statement_balance=last.closing_balance, difference=last.closing_balance - books)
            summary.rows.append(Row([_("Bank balance on the statement"), last.closing_balance], key="bank"))
            summary.rows.append(
                Row([_("Difference"), last.closing_balance - books], kind="total", key="difference")
            )
        pending = (
            _candidates(account.pk).filter(entry__date__lte=last.last_date).order_by("entry__date", "pk")
        )
        for line in pending[:MAX_ROWS]:
            unmatched_books.rows.append(
                Row([line.entry.date, str(line.entry), line.label or line.entry.label, line.amount])
            )
    return Report(
        key="reconciliation",
        title=_("Bank reconciliation"),
        subtitle=str(account),
        tables=[summary, unmatched_bank, unmatched_books],
        facts=facts,
    )
