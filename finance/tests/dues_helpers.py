"""Helpers for the tests of dues, payments and receipts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finance.models import Due, FiscalYear
from members import services as member_services


def member(actor, name="Amal", **extra):
    return member_services.member_admit(
        actor=actor, first_name_latin=name, last_name_latin="Test", phone="0612345678", **extra
    )


def year(start: date, end: date) -> FiscalYear:
    found, _created = FiscalYear.objects.get_or_create(start_date=start, defaults={"end_date": end})
    return found


def due(member_row, fiscal_year, amount, *, due_date=None, kind="annual", **extra) -> Due:
    return Due.objects.create(
        member=member_row,
        fiscal_year=fiscal_year,
        kind=kind,
        amount=Decimal(str(amount)),
        due_date=due_date or fiscal_year.start_date,
        **extra,
    )
