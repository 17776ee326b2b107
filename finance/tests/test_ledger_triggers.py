"""The books' invariants hold in PostgreSQL itself: raw SQL as the application role (wasl_app, bound
by row-level security, no superuser) cannot unbalance, change or delete posted entries, nor write
into a closed year. Deferred triggers are checked at COMMIT; `SET CONSTRAINTS ALL IMMEDIATE` makes
them fire inside the test's transaction."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

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
        for one in [statement] if isinstance(statement, str) else statement:
            sql(one, params)
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


# Posting by hand: the lines' copy of the status first (a posted entry's lines are frozen), then the entry.
POST = [
    "UPDATE finance_entryline SET entry_status = 'posted' WHERE entry_id = %s",
    "UPDATE finance_entry SET status = 'posted', number = 900 + id, chain_index = 900 + id WHERE id = %s",
]


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
    _run(POST, [entry_id], deferred=True)
    assert Entry.objects.get(pk=entry_id).status == "posted"


def test_the_line_guard_sets_the_lines_copies_from_their_entry(raw_books):
    association, year = raw_books
    entry_id = draft(association, year, ("5161", 10, 0), ("7152", 0, 10))
    sql(
        "UPDATE finance_entryline SET fiscal_year_id = NULL, date = '2025-06-30', entry_kind = 'closing'"
        " WHERE entry_id = %s",
        [entry_id],
    )
    rows = sql(
        "SELECT DISTINCT fiscal_year_id, date, entry_status, entry_kind FROM finance_entryline WHERE entry_id = %s",
        [entry_id],
    )
    assert rows == [(year.pk, year.start_date, "draft", "standard")]


@pytest.mark.parametrize(
    ("statements", "match"),
    [
        # The entry posted without its lines' copy of the status.
        (POST[1:], "disagree"),
        # Lines marked posted while their entry stays a draft (they would count in the balances).
        (POST[:1], "disagree"),
        # A draft's date changed without its lines.
        (["UPDATE finance_entry SET date = '2025-03-01' WHERE id = %s"], "disagree"),
    ],
)
def test_the_deferred_trigger_refuses_lines_that_disagree_with_their_entry(raw_books, statements, match):
    association, year = raw_books
    entry_id = draft(association, year, ("5161", 10, 0), ("7152", 0, 10))
    refused(statements, [entry_id], match=match, deferred=True)


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


@pytest.mark.django_db(transaction=True)
def test_closing_a_year_while_officers_post_into_it():
    """Closing and posting race on the year's row lock, taken by posting only for its numbering at
    the end: every entry is either posted before the closing (and counted in the result and the
    closed balances) or refused as "closed"; nothing lands in the year after it is closed."""
    from decimal import Decimal

    from associations.errors import WaslError
    from finance.selectors import trial_balance
    from finance.services.years import fiscal_year_close

    association = AssociationFactory(fiscal_year_start_month=1)
    treasurer = UserFactory()
    with association_scope(association):
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        FiscalYear.objects.get_or_create(
            start_date=date(2026, 1, 1), defaults={"end_date": date(2026, 12, 31)}
        )
    barrier = threading.Barrier(9)
    posted, refusals, errors = [], [], []

    def poster(i):
        translation.activate("en")  # a thread starts in the default language (Arabic)
        try:
            barrier.wait(timeout=10)
            for j in range(6):
                try:
                    with association_scope(association):
                        simple_entry(
                            treasurer, date(2025, 5, 1 + j), "5161", "7152", f"{i + 1}.00", journal_code="CAI"
                        )
                    posted.append(Decimal(f"{i + 1}.00"))
                except WaslError as exc:
                    refusals.append(str(exc))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def closer():
        try:
            barrier.wait(timeout=10)
            with association_scope(association):
                fiscal_year_close(actor=treasurer, year_id=year.pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poster, args=(i,)) for i in range(8)] + [
        threading.Thread(target=closer)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(posted) + len(refusals) == 48
    assert all("closed" in reason for reason in refusals)
    with association_scope(association):
        year.refresh_from_db()
        assert year.status == "closed"
        assert year.result == sum(posted, Decimal("0.00"))
        # Closed: every class 1-7 account is back to zero once the closing entries are counted.
        closed = trial_balance(year, include_closing=True)
        assert all(row.balance == 0 for row in closed.rows if row.account_class in (1, 2, 3, 4, 5, 6, 7))
        numbers = sorted(
            FiscalYear.objects.get(pk=year.pk)
            .entries.filter(journal__code="CAI")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(posted) + 1))
    assert verify_books(association) is None
