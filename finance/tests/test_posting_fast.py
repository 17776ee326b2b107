"""The PostgreSQL posting path (one read, entry and lines in one statement, the year, counter and
audit head locked together, entry, year head, audit event and audit head written together) gives
the same entries, numbers and hashes as the ORM path: `ledger_verify` and the audit verification
recompute them; and the deferred balance check, now queued once per posted entry (migration 0016),
still refuses every bad case, concurrent ones included."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from associations.audit import audit_batch, audit_verify_association
from associations.models import AuditEvent
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance.chain import entry_hash
from finance.models import Entry, FiscalYear
from finance.services.entries import LineInput, entry_create, entry_post, entry_write_to_post
from finance.tests.helpers import account, journal
from finance.tests.test_ledger_triggers import draft, refused, sql
from finance.verify import verify_books

pytestmark = pytest.mark.postgres


@pytest.fixture
def raw_books(db):
    association = AssociationFactory(fiscal_year_start_month=1)
    with association_scope(association):
        assert sql("SELECT current_user")[0][0] == "wasl_app"
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        yield association, year


def _lines(amount="25.50"):
    amount = Decimal(amount)
    return [
        LineInput(account("5161").pk, debit=amount, label="cash"),
        LineInput(account("7152").pk, credit=amount),
    ]


def test_the_fast_posting_hashes_verify_as_the_orm_would(raw_books):
    association, year = raw_books
    treasurer = UserFactory()
    first = entry_create(actor=treasurer, journal_id=journal("CAI").pk, date=date(2025, 2, 1), label="Dues",
                         lines=_lines(), post=True)  # fmt: skip
    drafted = entry_create(actor=treasurer, journal_id=journal("CAI").pk, date=date(2025, 2, 2), label="Gift",
                           lines=_lines("10"), reference="R-1")  # fmt: skip
    assert drafted.status == "draft" and drafted.number is None
    second = entry_post(actor=treasurer, entry_id=drafted.pk)
    with audit_batch():  # inside a batch, the event waits for the batch's end (the long way)
        third = entry_write_to_post(actor=treasurer, journal=journal("CAI"), year=year, date=date(2025, 2, 3),
                                    label="Batch", lines=_lines("3")).post()  # fmt: skip
    assert [first.number, second.number, third.number] == [1, 2, 3]
    for returned in (first, second, third):
        stored = Entry.objects.get(pk=returned.pk)
        assert (stored.status, stored.number, stored.hash, stored.prev_hash) == (
            "posted", returned.number, returned.hash, returned.prev_hash,
        )  # fmt: skip
        lines = list(stored.lines.select_related("account").order_by("position", "pk"))
        assert entry_hash(stored, lines, prev_hash=stored.prev_hash) == stored.hash
        assert {line.entry_status for line in lines} == {"posted"}
    assert FiscalYear.objects.get(pk=year.pk).chain_hash == third.hash
    events = list(AuditEvent.objects.filter(action="finance.entry.posted").order_by("seq"))
    assert [event.target_id for event in events] == [str(first.pk), str(second.pk), str(third.pk)]
    assert events[0].target_label == str(first) and events[0].changes["amount"] == "25.50"
    assert verify_books(association) is None
    assert audit_verify_association(association) is None


def test_the_fast_path_refuses_what_the_orm_path_refuses(raw_books):
    from associations.errors import WaslError

    _association, year = raw_books
    treasurer = UserFactory()
    cases = [
        ({"journal_id": 999999}, "journal"),
        ({"date": date(2031, 1, 1)}, "No fiscal year"),
        ({"label": " "}, "label"),
        ({"lines": _lines()[:1]}, "two lines"),
        ({"lines": [*_lines(), LineInput(account("6142").pk, debit=Decimal("1"))]}, "balance"),
        ({"lines": [LineInput(999999, debit=Decimal("1")), LineInput(account("7152").pk, credit=Decimal("1"))]},
         "account"),
    ]  # fmt: skip
    for change, match in cases:
        arguments = {"actor": treasurer, "journal_id": journal("CAI").pk, "date": date(2025, 2, 1), "label": "x",
                     "lines": _lines(), "post": True} | change  # fmt: skip
        with pytest.raises(WaslError, match=match):
            entry_create(**arguments)
    sql("UPDATE finance_fiscalyear SET status = 'closed' WHERE id = %s", [year.pk])
    with pytest.raises(WaslError, match="closed"):
        entry_create(actor=treasurer, journal_id=journal("CAI").pk, date=date(2025, 2, 1), label="x",
                     lines=_lines(), post=True)  # fmt: skip
    assert not Entry.objects.exists()


# -- the deferred check, queued once per entry (migration 0016) -----------------------------------

INSERT_POSTED = (
    "INSERT INTO finance_entry (association_id, journal_id, fiscal_year_id, date, label, reference, status, kind,"
    " number, chain_index, prev_hash, hash, created_at)"
    " VALUES (%s, %s, %s, %s, 'raw', '', 'posted', 'standard', 1, 1, '', '', now())"
)


def test_an_entry_inserted_posted_is_checked(raw_books):
    association, year = raw_books
    refused(INSERT_POSTED, [association.pk, journal("OD").pk, year.pk, year.start_date], match="fewer than two",
            deferred=True)  # fmt: skip


def _insert_line(association, entry_id, code, debit, credit, status="posted"):
    sql(
        "INSERT INTO finance_entryline (association_id, entry_id, position, account_id, debit, credit, label,"
        " entry_status) VALUES (%s, %s, 9, %s, %s, %s, '', %s)",
        [association.pk, entry_id, account(code).pk, debit, credit, status],
    )


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        ([("5161", 10, 0), ("7152", 0, 9)], "does not balance"),
        ([("5161", 10, 0)], "fewer than two lines"),
        ([("5161", 10, 0), ("7152", 0, 10), ("6142", 0, 0)], "both or neither"),
    ],
)
def test_lines_written_posted_then_their_entry_posted_in_one_transaction(raw_books, lines, match):
    """The fast path's shape: draft entry, lines already marked posted, then the entry's UPDATE —
    all in one (sub)transaction: the entry's own check refuses a bad one."""
    association, year = raw_books

    def statements():
        entry_id = draft(association, year)
        for code, debit, credit in lines:
            _insert_line(association, entry_id, code, debit, credit)
        sql(
            "UPDATE finance_entry SET status = 'posted', number = 1, chain_index = 1 WHERE id = %s",
            [entry_id],
        )
        sql("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        statements()


def test_lines_marked_posted_under_a_draft_left_unposted_are_refused(raw_books):
    association, year = raw_books

    def statements():
        entry_id = draft(association, year)
        _insert_line(association, entry_id, "5161", 10, 0)
        _insert_line(association, entry_id, "7152", 0, 10)
        sql("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError, match="disagree"), transaction.atomic():
        statements()


def test_a_line_changed_in_one_savepoint_and_the_entry_posted_in_another(raw_books):
    """Different writers (savepoints): the line's check runs the entry's full check too."""
    association, year = raw_books

    def statements():
        entry_id = draft(association, year, ("5161", 10, 0), ("7152", 0, 10))
        with transaction.atomic():
            sql("UPDATE finance_entryline SET entry_status = 'posted', debit = debit + 1 WHERE entry_id = %s"
                " AND debit > 0", [entry_id])  # fmt: skip
            sql("UPDATE finance_entryline SET entry_status = 'posted' WHERE entry_id = %s", [entry_id])
        with transaction.atomic():
            sql(
                "UPDATE finance_entry SET status = 'posted', number = 1, chain_index = 1 WHERE id = %s",
                [entry_id],
            )
        sql("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        statements()


@pytest.mark.django_db(transaction=True)
def test_a_line_added_while_another_transaction_posts_the_entry_is_refused():
    """T1 adds a line (marked posted) to a draft; T2 posts the draft as it stands and commits; T1's
    commit must be refused: the entry was posted by another writer, so T1's line check runs the
    entry's full check, which counts T1's line."""
    association = AssociationFactory(fiscal_year_start_month=1)
    with association_scope(association):
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        with transaction.atomic():
            entry_id = draft(association, year, ("5161", 10, 0), ("7152", 0, 10))
    line_added, posted = threading.Event(), threading.Event()
    outcome = {}

    def adder():
        try:
            with association_scope(association), transaction.atomic():
                _insert_line(association, entry_id, "6142", 5, 0)
                line_added.set()
                posted.wait(timeout=20)
        except DatabaseError as exc:
            outcome["adder"] = str(exc)
        else:
            outcome["adder"] = "committed"
        finally:
            connection.close()

    def poster():
        try:
            line_added.wait(timeout=20)
            with association_scope(association), transaction.atomic():
                sql("UPDATE finance_entryline SET entry_status = 'posted' WHERE entry_id = %s", [entry_id])
                sql("UPDATE finance_entry SET status = 'posted', number = 1, chain_index = 1 WHERE id = %s",
                    [entry_id])  # fmt: skip
            outcome["poster"] = "committed"
        except DatabaseError as exc:
            outcome["poster"] = str(exc)
        finally:
            posted.set()
            connection.close()

    threads = [threading.Thread(target=adder), threading.Thread(target=poster)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome["poster"] == "committed"
    assert "does not balance" in outcome["adder"]
    with association_scope(association):
        assert Entry.objects.get(pk=entry_id).lines.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_posting_lock_serialises_postings_and_closing_but_not_new_entries():
    """The posting's year lock is FOR NO KEY UPDATE: while one writer holds it, another writer's entry
    insert (its foreign-key check takes KEY SHARE on the year) goes on — with FOR UPDATE it queued
    behind every holder, and each commit woke all of them — while a second posting's lock and the
    closing's (FOR UPDATE) still wait."""
    from finance.services.entries import _LOCK_AND_NUMBER

    association = AssociationFactory(fiscal_year_start_month=1)
    with association_scope(association):
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        cash = journal("CAI").pk
    held, done = threading.Event(), threading.Event()
    outcome = {}

    def holder():
        try:
            with association_scope(association), transaction.atomic():
                sql(_LOCK_AND_NUMBER, {"association": association.pk, "year": year.pk, "journal": cash})
                held.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    def other(name, statement):
        try:
            with association_scope(association), transaction.atomic():
                sql("SET LOCAL lock_timeout = '1s'")
                statement()
            outcome[name] = "went on"
        except DatabaseError as exc:
            outcome[name] = "waited" if "lock timeout" in str(exc) else str(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(timeout=20)
        for name, statement in [
            ("new entry", lambda: draft(association, year, ("5161", 10, 0), ("7152", 0, 10))),
            ("posting", lambda: sql(_LOCK_AND_NUMBER, {"association": association.pk, "year": year.pk, "journal": cash})),
            ("closing", lambda: sql("SELECT id FROM finance_fiscalyear WHERE id = %s FOR UPDATE", [year.pk])),
        ]:
            worker = threading.Thread(target=other, args=(name, statement))
            worker.start()
            worker.join()
    finally:
        done.set()
        thread.join()
    assert outcome == {"new entry": "went on", "posting": "waited", "closing": "waited"}
