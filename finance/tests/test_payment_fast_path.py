"""The payment's fast path: the statements a payment with receipt costs (pinned on both databases),
instances built as the ORM loads them, and the posting's chain write deferred into the audit
batch's last statement (PostgreSQL) giving the same entries, hashes and audit chain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init, pre_init

from associations.audit import audit_batch, audit_verify_association
from associations.errors import WaslError
from associations.models import Association, AuditEvent
from finance.models import Account, Due, Entry, EntryStatus, FiscalYear, Journal, Payment, Project, Receipt
from finance.services.entries import LineInput, entry_write_to_post, loaded_instance
from finance.services.payments import payment_record
from finance.services.receipts import receipt_cancel
from finance.tests.dues_helpers import due, member, year
from finance.tests.helpers import account, journal
from finance.verify import verify_books
from members.models import Member

DAY = date(2025, 6, 10)


@pytest.fixture
def dues_books(books):
    association, treasurer = books
    y2025 = year(date(2025, 1, 1), date(2025, 12, 31))
    return association, treasurer, y2025


def test_no_init_signal_listens_to_the_models_built_as_loaded():
    # loaded_instance skips Model.__init__ (and so its pre_init/post_init signals): none may listen.
    for model in (Account, Journal, FiscalYear, Due, Member, Association, Project):
        assert not pre_init.has_listeners(model) and not post_init.has_listeners(model), model


@pytest.mark.django_db
def test_a_loaded_instance_is_what_the_orm_loads(dues_books):
    cash = account("5161")
    loaded = Account.objects.only("association_id", "code", "role", "archived_at").get(pk=cash.pk)
    built = loaded_instance(
        Account,
        {"id": cash.pk, "association_id": cash.association_id, "code": cash.code, "role": cash.role,
         "archived_at": None, "not_a_field": 1},
    )  # fmt: skip
    assert type(built) is Account and built == loaded
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(loaded).items() if k != "_state"
    }
    assert built.get_deferred_fields() == loaded.get_deferred_fields() != set()
    assert (built._state.adding, built._state.db) == (loaded._state.adding, loaded._state.db)
    assert built.name_fr == cash.name_fr  # a deferred field is read on access
    assert built.postable and str(built) == str(cash)


def _pay(treasurer, payer, amount="100.00"):
    return payment_record(
        actor=treasurer, amount=amount, method="cash", date=DAY, payer_member_id=payer.pk, send_receipt=False
    )


@pytest.mark.django_db
def test_a_payment_with_receipt_costs_a_fixed_number_of_statements(dues_books, django_assert_num_queries):
    _association, treasurer, y2025 = dues_books
    first, second = member(treasurer), member(treasurer)
    due(first, y2025, "100.00")
    due(second, y2025, "100.00")
    _pay(treasurer, first)  # the first of the year creates the counters (the long way)
    # PostgreSQL: SAVEPOINT, the books read (dues locked), the entry with its lines and the payment with
    # its allocation, the year locked with the journal's counter and the receipt (counter, document,
    # receipt) and the audit head, the entry's chain with the audit events. No RELEASE: the savepoint
    # ends with the enclosing transaction (atomic_keeping_savepoint).
    expected = 5 if connection.vendor == "postgresql" else 26
    with django_assert_num_queries(expected):
        payment = _pay(treasurer, second)
    assert payment.receipts.get().number == 2 and payment.entry.number == 2


@pytest.mark.django_db
def test_payments_and_a_cancellation_keep_the_books_and_the_audit_chain_verifiable(dues_books):
    association, treasurer, y2025 = dues_books
    amal, omar = member(treasurer), member(treasurer)
    due(amal, y2025, "100.00")
    due(omar, y2025, "150.00")
    first = _pay(treasurer, amal)
    second = _pay(treasurer, omar, "150.00")
    receipt_cancel(actor=treasurer, receipt_id=first.receipts.get().pk, reason="wrong member", day=DAY)
    third = _pay(treasurer, amal)
    entries = Entry.objects.order_by("number")
    assert [(e.number, e.status) for e in entries] == [(n, EntryStatus.POSTED) for n in (1, 2, 3, 4)]
    assert [e.pk for e in entries] == [first.entry_id, second.entry_id, entries[2].pk, third.entry_id]
    assert entries[2].reverses_id == first.entry_id
    assert [r.number for r in third.receipts.all()] == [4]  # 1, 2, the cancellation 3, then 4
    assert verify_books(association) is None
    assert audit_verify_association(association) is None
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["finance.entry.posted", "documents.document.issued", "finance.payment.recorded"]


@pytest.mark.django_db
def test_a_payment_refused_after_its_writes_leaves_nothing_and_the_transaction_usable(
    dues_books, monkeypatch
):
    # Everything written (entry, payment, allocation, receipt, counters) before the last step fails:
    # the payment's savepoint is rolled back, the caller's transaction goes on (a page shows the error).
    association, treasurer, y2025 = dues_books
    amal, omar = member(treasurer), member(treasurer)
    due(amal, y2025, "100.00")
    due(omar, y2025, "100.00")
    first = _pay(treasurer, amal)
    import finance.services.payments as payments

    def refuse(**kwargs):
        raise WaslError("refused at the end")

    monkeypatch.setattr(payments, "audit_record", refuse)
    counts = (
        Entry.objects.count(),
        Payment.objects.count(),
        Receipt.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(WaslError):
        _pay(treasurer, omar)
    assert (
        Entry.objects.count(), Payment.objects.count(), Receipt.objects.count(), AuditEvent.objects.count()
    ) == counts  # fmt: skip
    assert Due.objects.get(member=omar).paid == 0
    monkeypatch.undo()
    second = _pay(treasurer, omar)
    assert (second.entry.number, second.receipts.get().number) == (first.entry.number + 1, 2)  # no gap
    assert verify_books(association) is None and audit_verify_association(association) is None


def _five_dirhams():
    return [
        LineInput(account("5161").pk, debit=Decimal("5")),
        LineInput(account("7152").pk, credit=Decimal("5")),
    ]


@pytest.mark.django_db
@pytest.mark.postgres
def test_two_postings_in_one_audit_batch_chain_one_after_the_other(dues_books):
    association, treasurer, y2025 = dues_books
    lines = _five_dirhams()
    with audit_batch():
        one = entry_write_to_post(actor=treasurer, journal=journal("CAI"), year=y2025, date=DAY, label="One",
                                  lines=lines).post()  # fmt: skip
        # the second reads the year's chain head: the first's deferred write runs before it
        two = entry_write_to_post(actor=treasurer, journal=journal("CAI"), year=y2025, date=DAY, label="Two",
                                  lines=lines).post(audit=False)  # fmt: skip
        assert Entry.objects.get(pk=one.pk).status == EntryStatus.POSTED
    assert (one.number, two.number) == (1, 2) and two.prev_hash == one.hash
    assert [e.status for e in Entry.objects.order_by("number")] == [EntryStatus.POSTED] * 2
    assert verify_books(association) is None and audit_verify_association(association) is None


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_posting_deferred_in_a_batch_without_events_is_still_written(dues_books):
    association, treasurer, y2025 = dues_books
    lines = _five_dirhams()
    with audit_batch():
        entry = entry_write_to_post(actor=treasurer, journal=journal("CAI"), year=y2025, date=DAY, label="One",
                                    lines=lines).post(audit=False)  # fmt: skip
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.status, stored.number, stored.hash) == (EntryStatus.POSTED, 1, entry.hash)
    assert FiscalYear.objects.get(pk=y2025.pk).chain_hash == entry.hash
    assert verify_books(association) is None
