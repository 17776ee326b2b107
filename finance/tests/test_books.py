"""The books: seeding, posting (numbers, chain, freeze), reversal, closing, allocation, verification."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from associations.errors import WaslError
from associations.models import AuditEvent
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory
from finance import selectors
from finance.models import Account, Entry, EntryKind, EntryLine, EntryStatus, FiscalYear, Journal, YearStatus
from finance.seeding import reference_chart
from finance.services.entries import LineInput, entry_create, entry_post, entry_reverse
from finance.services.years import fiscal_year_close, result_allocate
from finance.tests.helpers import account, journal, simple_entry, year_of
from finance.verify import verify_books

D = Decimal


@pytest.mark.django_db
def test_a_new_association_gets_its_chart_journals_and_year():
    association = AssociationFactory(fiscal_year_start_month=7)
    with association_scope(association):
        seeded = {row["code"] for row in reference_chart() if row["use"] in ("core", "optional")}
        assert set(Account.objects.values_list("code", flat=True)) == seeded
        assert not Account.objects.filter(origin="rare").exists()
        assert account("5161").role == "cash" and account("5141").role == "bank"
        assert set(Journal.objects.values_list("code", flat=True)) == {"CAI", "BNQ", "OD", "AN"}
        assert journal("CAI").account == account("5161")
        year = FiscalYear.objects.get()
        assert year.start_date.month == 7 and year.start_date.day == 1
        assert (year.end_date - year.start_date).days in (364, 365)


def test_posting_numbers_chains_and_freezes(books):
    association, treasurer = books
    first = simple_entry(treasurer, date(2025, 3, 1), "5161", "7152", "150.00", journal_code="CAI")
    second = simple_entry(treasurer, date(2025, 3, 2), "6147", "5141", "12.50", journal_code="BNQ")
    third = simple_entry(treasurer, date(2025, 3, 3), "5161", "7171", "80", journal_code="CAI")
    assert (first.number, second.number, third.number) == (1, 1, 2)  # per journal and year
    assert [e.chain_index for e in (first, second, third)] == [1, 2, 3]  # one chain per year
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    year = year_of(date(2025, 3, 1))
    assert year.chain_length == 3 and year.chain_hash == third.hash
    assert first.status == EntryStatus.POSTED == "posted"
    with pytest.raises(WaslError, match="already posted"):
        entry_post(actor=treasurer, entry_id=first.pk)
    assert AuditEvent.objects.filter(action="finance.entry.posted").count() == 3
    assert verify_books(association) is None


def test_a_draft_gets_no_number_until_posted(books):
    _association, treasurer = books
    draft = simple_entry(treasurer, date(2025, 5, 1), "6142", "5161", "40", journal_code="CAI", post=False)
    assert draft.number is None and draft.status == "draft"
    posted = entry_post(actor=treasurer, entry_id=draft.pk)
    assert posted.number == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([("5161", "100", "0"), ("7152", "0", "90")], "does not balance"),
        ([("5161", "0", "0"), ("7152", "0", "0")], "above zero"),
        ([("5161", "-5", "0"), ("7152", "0", "-5")], "negative"),
        ([("5161", "10", "10"), ("7152", "10", "10")], "not both"),
        ([("5161", "10", "0")], "at least two lines"),
        ([("5161", "10.005", "0"), ("7152", "0", "10.005")], "two decimals"),
        ([("5161", "abc", "0"), ("7152", "0", "1")], "as a number"),
        ([("51", "10", "0"), ("7152", "0", "10")], "heading"),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(books, lines, message):
    _association, treasurer = books
    before = (Entry.objects.count(), EntryLine.objects.count())
    with pytest.raises(WaslError, match=message):
        entry_create(
            actor=treasurer,
            journal_id=journal("OD").pk,
            date=date(2025, 4, 1),
            label="bad",
            lines=[LineInput(account(code).pk, debit=d, credit=c) for code, d, c in lines],
        )
    assert (Entry.objects.count(), EntryLine.objects.count()) == before


def test_a_date_without_an_open_year_is_refused(books):
    _association, treasurer = books
    with pytest.raises(WaslError, match="No fiscal year covers"):
        simple_entry(treasurer, date(2019, 1, 1), "5161", "7152", "10")


def test_reversal_links_both_ways_and_cancels(books):
    association, treasurer = books
    original = simple_entry(treasurer, date(2025, 6, 1), "5161", "7171", "300", journal_code="CAI")
    reversal = entry_reverse(actor=treasurer, entry_id=original.pk, date=date(2025, 6, 2))
    assert reversal.reverses == original
    original.refresh_from_db()
    assert original.reversed_by == reversal
    assert reversal.status == "posted" and reversal.number == 2
    balances = {row.code: row.balance for row in selectors.trial_balance(year_of(date(2025, 6, 1))).rows}
    assert balances["5161"] == 0 and balances["7171"] == 0
    with pytest.raises(WaslError, match="already been reversed"):
        entry_reverse(actor=treasurer, entry_id=original.pk, date=date(2025, 6, 3))
    with pytest.raises(WaslError, match="itself a reversal"):
        entry_reverse(actor=treasurer, entry_id=reversal.pk, date=date(2025, 6, 3))
    assert AuditEvent.objects.filter(action="finance.entry.reversed").count() == 1
    assert verify_books(association) is None


def test_closing_moves_the_result_carries_the_balance_sheet_and_locks(books):
    association, treasurer = books
    simple_entry(treasurer, date(2025, 1, 10), "5141", "1111", "1000", journal_code="BNQ")  # fund brought in
    simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "500", journal_code="CAI")  # dues
    simple_entry(treasurer, date(2025, 2, 5), "6142", "5161", "120", journal_code="CAI")  # transport
    simple_entry(treasurer, date(2025, 3, 1), "5141", "71612", "2000", journal_code="BNQ")  # commune grant
    simple_entry(treasurer, date(2025, 4, 1), "6183", "5141", "1400", journal_code="BNQ")  # aid
    year = year_of(date(2025, 1, 1))
    assert selectors.year_result(year) == D("980.00")
    draft = simple_entry(treasurer, date(2025, 5, 1), "6147", "5141", "5", journal_code="BNQ", post=False)
    with pytest.raises(WaslError, match="draft"):
        fiscal_year_close(actor=treasurer, year_id=year.pk)
    draft.lines.all().delete()
    draft.delete()

    closed = fiscal_year_close(actor=treasurer, year_id=year.pk)
    assert closed.status == YearStatus.CLOSED and closed.result == D("980.00")
    # The statements of the closed year read as before closing.
    tb = selectors.trial_balance(closed)
    assert tb.balanced
    assert {r.code: r.balance for r in tb.rows}["5141"] == D("1600.00")
    # With the closing entries, every account of the year is back to zero.
    assert all(r.balance == 0 for r in selectors.trial_balance(closed, include_closing=True).rows)
    # The next year opens with the balance sheet; the result waits in 1181.
    next_year = FiscalYear.objects.get(start_date=date(2026, 1, 1))
    opening = Entry.objects.get(fiscal_year=next_year, kind=EntryKind.OPENING)
    assert opening.journal.code == "AN" and opening.number == 1 and opening.date == date(2026, 1, 1)
    opened = {line.account.code: line.debit - line.credit for line in opening.lines.all()}
    assert opened == {"5141": D("1600.00"), "5161": D("380.00"), "1111": D("-1000.00"), "1181": D("-980.00")}
    # A closed year accepts nothing.
    with pytest.raises(WaslError, match="closed"):
        simple_entry(treasurer, date(2025, 12, 1), "5161", "7152", "10")
    with pytest.raises(WaslError, match="already closed"):
        fiscal_year_close(actor=treasurer, year_id=year.pk)
    assert AuditEvent.objects.filter(action="finance.year.closed").count() == 1

    # The assembly allocates the surplus: 500 to reserves, 480 carried forward.
    with pytest.raises(WaslError, match="add up"):
        result_allocate(
            actor=treasurer, year_id=year.pk, date=date(2026, 6, 30),
            allocations=[(account("1151").pk, "500")],
        )  # fmt: skip
    allocation = result_allocate(
        actor=treasurer, year_id=year.pk, date=date(2026, 6, 30), reference="AG 2026-06-30",
        allocations=[(account("1151").pk, "500"), (account("1161").pk, "480")],
    )  # fmt: skip
    assert allocation.kind == EntryKind.ALLOCATION and allocation.allocates == closed
    balances = {r.code: r.balance for r in selectors.trial_balance(next_year).rows}
    assert (
        balances.get("1181", D(0)) == 0
        and balances["1151"] == D("-500.00")
        and balances["1161"] == D("-480.00")
    )
    with pytest.raises(WaslError, match="already been allocated"):
        result_allocate(
            actor=treasurer, year_id=year.pk, date=date(2026, 7, 1), allocations=[(account("1161").pk, "980")]
        )
    assert verify_books(association) is None


def test_a_deficit_waits_in_1189(books):
    _association, treasurer = books
    simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "100", journal_code="CAI")
    simple_entry(treasurer, date(2025, 2, 2), "6142", "5161", "250", journal_code="CAI")
    year = fiscal_year_close(actor=treasurer, year_id=year_of(date(2025, 2, 1)).pk)
    assert year.result == D("-150.00")
    opening = Entry.objects.get(kind=EntryKind.OPENING)
    assert {line.account.code: line.debit - line.credit for line in opening.lines.all()}["1189"] == D(
        "150.00"
    )


def test_years_close_in_order(books):
    _association, treasurer = books
    later = FiscalYear.objects.get(start_date=date(2026, 1, 1))
    with pytest.raises(WaslError, match="earlier"):
        fiscal_year_close(actor=treasurer, year_id=later.pk)


def test_ledger_verify_names_the_first_fault(books):
    association, treasurer = books
    simple_entry(treasurer, date(2025, 3, 1), "5161", "7152", "150.00", journal_code="CAI")
    entry = simple_entry(treasurer, date(2025, 3, 2), "5161", "7152", "20.00", journal_code="CAI")
    call_command("ledger_verify", "--association", association.slug)
    if not _on_postgres():  # PostgreSQL refuses this change of a posted entry (test_ledger_triggers.py)
        Entry.objects.filter(pk=entry.pk).update(label="changed")
        with pytest.raises(CommandError, match="content does not match its hash"):
            call_command("ledger_verify", "--association", association.slug)
        Entry.objects.filter(pk=entry.pk).update(label="x")
    call_command("ledger_verify", "--association", association.slug)
    # The head of an open year can be written (it moves with each posting): a forged head is found.
    FiscalYear.objects.filter(pk=entry.fiscal_year_id).update(chain_hash="f" * 64)
    with pytest.raises(CommandError, match="chain head does not match"):
        call_command("ledger_verify", "--association", association.slug)


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
