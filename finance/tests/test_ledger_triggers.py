"""The books' invariants hold in PostgreSQL itself: raw SQL as the application role (wasl_app, bound
by row-level security, no superuser) cannot unbalance, change or delete posted entries, nor write
into a closed year. Deferred triggers are checked at COMMIT; `SET CONSTRAINTS ALL IMMEDIATE` makes
them fire inside the test's transaction."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance.models import Entry, FiscalYear
from finance.tests.helpers import account, journal, simple_entry
from finance.verify import verify_books

pytestmark = pytest.mark.postgres


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _run(statement, params, deferred):
    with transaction.atomic():
        sql(statement, params)
        if deferred:
            sql("SET CONSTRAINTS ALL IMMEDIATE")


def refused(statement, params=(), *, match: str, deferred: bool = False):
    with pytest.raises(DatabaseError, match=match):
        _run(statement, params, deferred)


def draft(association, year, *lines) -> int:
    (entry_id,) = sql(
        "INSERT INTO finance_entry (association_id, journal_id, fiscal_year_id, date, label, reference, status, kind,"
        " prev_hash, hash, created_at) VALUES (%s, %s, %s, %s, 'raw', '', 'draft', 'standard', '', '', now())"
        " RETURNING id",
        [association.pk, journal("OD").pk, year.pk, year.start_date],
    )[0]
    for position, (code, debit, credit) in enumerate(lines):
        sql(
            "INSERT INTO finance_entryline (association_id, entry_id, position, account_id, debit, credit, label)"
            " VALUES (%s, %s, %s, %s, %s, %s, '')",
            [association.pk, entry_id, position, account(code).pk, debit, credit],
        )
    return entry_id


POST = "UPDATE finance_entry SET status = 'posted', number = 900 + id, chain_index = 900 + id WHERE id = %s"


@pytest.fixture
def raw_books(db):
    association = AssociationFactory(fiscal_year_start_month=1)
    with association_scope(association):
        assert sql("SELECT current_user")[0][0] == "wasl_app"
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        yield association, year


def test_a_balanced_entry_posts(raw_books):
    association, year = raw_books
    entry_id = draft(association, year, ("5161", 10, 0), ("7152", 0, 10))
    with transaction.atomic():
        sql(POST, [entry_id])
        sql("SET CONSTRAINTS ALL IMMEDIATE")
    assert Entry.objects.get(pk=entry_id).status == "posted"


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([("5161", 10, 0), ("7152", 0, 9)], "does not balance"),
        ([("5161", 10, 0)], "fewer than two lines"),
        ([("5161", 10, 10), ("7152", 10, 10)], "both or neither"),
        ([("5161", 10, 0), ("7152", 0, 10), ("6142", 0, 0)], "both or neither"),
    ],
)
def test_the_deferred_trigger_refuses_a_bad_posted_entry_at_commit(raw_books, lines, match):
    association, year = raw_books
    entry_id = draft(association, year, *lines)
    refused(POST, [entry_id], match=match, deferred=True)


def test_posted_entries_and_their_lines_are_frozen(raw_books):
    association, _year = raw_books
    treasurer = UserFactory()
    entry = simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "25")
    line_id = entry.lines.first().pk
    refused("UPDATE finance_entry SET label = 'changed' WHERE id = %s", [entry.pk], match="frozen")
    refused("UPDATE finance_entry SET status = 'draft' WHERE id = %s", [entry.pk], match="frozen")
    refused("DELETE FROM finance_entry WHERE id = %s", [entry.pk], match="frozen")
    refused("UPDATE finance_entryline SET debit = 26 WHERE id = %s", [line_id], match="frozen")
    refused("DELETE FROM finance_entryline WHERE id = %s", [line_id], match="frozen")
    refused(
        "INSERT INTO finance_entryline (association_id, entry_id, position, account_id, debit, credit, label)"
        " VALUES (%s, %s, 9, %s, 1, 0, '')",
        [association.pk, entry.pk, account("5161").pk],
        match="no line may be added",
    )
    assert verify_books(association) is None


def test_a_closed_year_accepts_nothing(raw_books):
    association, year = raw_books
    sql("UPDATE finance_fiscalyear SET status = 'closed' WHERE id = %s", [year.pk])
    refused(
        "INSERT INTO finance_entry (association_id, journal_id, fiscal_year_id, date, label, reference, status, kind,"
        " prev_hash, hash, created_at) VALUES (%s, %s, %s, %s, 'late', '', 'draft', 'standard', '', '', now())",
        [association.pk, journal("OD").pk, year.pk, year.start_date],
        match="closed",
    )
    refused("UPDATE finance_fiscalyear SET status = 'open' WHERE id = %s", [year.pk], match="closed")
    refused("DELETE FROM finance_fiscalyear WHERE id = %s", [year.pk], match="closed")


def test_an_entry_dated_outside_its_year_is_refused(raw_books):
    association, year = raw_books
    refused(
        "INSERT INTO finance_entry (association_id, journal_id, fiscal_year_id, date, label, reference, status, kind,"
        " prev_hash, hash, created_at) VALUES (%s, %s, %s, '2031-01-01', 'x', '', 'draft', 'standard', '', '', now())",
        [association.pk, journal("OD").pk, year.pk],
        match="outside its fiscal year",
    )


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_posters_get_unique_gap_free_numbers():
    association = AssociationFactory(fiscal_year_start_month=1)
    treasurer = UserFactory()
    with association_scope(association):
        FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    barrier = threading.Barrier(16)
    numbers, errors = [], []

    def poster(i):
        try:
            barrier.wait(timeout=10)
            for j in range(5):
                with association_scope(association):
                    entry = simple_entry(
                        treasurer, date(2025, 3, 1 + j), "5161", "7152", f"{i + 1}.{j}0", journal_code="CAI"
                    )
                numbers.append(entry.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poster, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 81))
    assert verify_books(association) is None
