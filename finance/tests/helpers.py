"""Small helpers for the books' tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finance.models import Account, FiscalYear, Journal
from finance.services.entries import LineInput, entry_create


def account(code: str) -> Account:
    return Account.objects.get(code=code)


def journal(code: str) -> Journal:
    return Journal.objects.get(code=code)


def year_of(day: date) -> FiscalYear:
    return FiscalYear.objects.get(start_date__lte=day, end_date__gte=day)


def simple_entry(
    actor, day: date, debit_code: str, credit_code: str, amount, *, journal_code="OD", post=True, label="x"
):
    amount = Decimal(str(amount))
    return entry_create(
        actor=actor,
        journal_id=journal(journal_code).pk,
        date=day,
        label=label,
        lines=[
            LineInput(account(debit_code).pk, debit=amount),
            LineInput(account(credit_code).pk, credit=amount),
        ],
        post=post,
    )
