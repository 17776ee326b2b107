"""Payments: the entry posted with the payment, allocations oldest first, family payments, credit,
bad input, receipts numbered gap-free, cancellation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from associations.errors import WaslError
from finance import selectors
from finance.models import Allocation, Due, Entry, EntryStatus, Payment, Receipt
from finance.services.payments import payment_record
from finance.services.receipts import receipt_cancel
from finance.tests.dues_helpers import due, member, year
from finance.tests.helpers import account
from notifications.models import Message

DAY = date(2025, 6, 10)


@pytest.fixture
def dues_books(books):
    association, treasurer = books
    y2024 = year(date(2024, 1, 1), date(2024, 12, 31))
    y2025 = year(date(2025, 1, 1), date(2025, 12, 31))
    return association, treasurer, y2024, y2025


def _lines(entry):
    return sorted(
        (line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")
    )


@pytest.mark.django_db
def test_a_payment_settles_the_oldest_dues_first_and_posts_its_entry(dues_books):
    _association, treasurer, y2024, y2025 = dues_books
    amal = member(treasurer, email="amal@example.ma")
    old = due(amal, y2024, "100.00", due_date=date(2024, 3, 31))
    new = due(amal, y2025, "120.00", due_date=date(2025, 3, 31))
    payment = payment_record(
        actor=treasurer, amount="150.00", method="cash", date=DAY, payer_member_id=amal.pk
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.paid, new.paid) == (Decimal("100.00"), Decimal("50.00"))
    assert payment.entry.status == EntryStatus.POSTED
    assert _lines(payment.entry) == [
        ("5161", Decimal("150.00"), Decimal("0.00")),
        ("7152", Decimal("0.00"), Decimal("150.00")),
    ]
    receipt = payment.receipts.get()
    assert (receipt.series, receipt.number, receipt.label) == ("dues", 1, "C2025-00001")
    assert receipt.document.snapshot["amount_words_ar"] == "مائة وخمسون درهماً"
    assert receipt.document.snapshot["amount_words_fr"] == "cent cinquante dirhams"
    # Sent through the outbox, by e-mail since the member has an address.
    message = Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}")
    assert message.channel == "email" and message.to_address == "amal@example.ma"
    standing = selectors.member_standing(amal, DAY)
    assert standing.owed == Decimal("70.00") and standing.owed_by_year == (("2025", Decimal("70.00")),)
    second = payment_record(
        actor=treasurer, amount="70", method="transfer", date=DAY, payer_member_id=amal.pk
    )
    assert second.receipts.get().number == 2
    assert _lines(second.entry)[0][0] == "5141"  # a transfer goes to the bank
    assert selectors.member_standing(amal, DAY).up_to_date


@pytest.mark.django_db
def test_a_family_payment_settles_each_members_due(dues_books):
    _association, treasurer, _y2024, y2025 = dues_books
    parent, child_1, child_2 = (
        member(treasurer, "Parent"),
        member(treasurer, "Kid1"),
        member(treasurer, "Kid2"),
    )
    dues = [due(row, y2025, "100.00", due_date=date(2025, 3, 31)) for row in (parent, child_1, child_2)]
    payment = payment_record(
        actor=treasurer, amount="300.00", method="cheque", cheque_number="0042", bank_name="CIH", date=DAY,
        payer_member_id=parent.pk, member_ids=[parent.pk, child_1.pk, child_2.pk],
    )  # fmt: skip
    assert Allocation.objects.filter(payment=payment).count() == 3
    for row in dues:
        row.refresh_from_db()
        assert row.is_paid
    assert selectors.member_ids_owing(on_date=DAY) == set()
    assert payment.credit_left == 0
    assert len(payment.receipts.get().document.snapshot["allocations"]) == 3


@pytest.mark.django_db
def test_an_overpayment_is_kept_as_credit_and_a_partial_one_leaves_the_rest_owed(dues_books):
    _association, treasurer, _y2024, y2025 = dues_books
    amal, badr = member(treasurer), member(treasurer, "Badr")
    due(amal, y2025, "100.00")
    due(badr, y2025, "100.00")
    assert payment_record(
        actor=treasurer, amount="130", method="cash", date=DAY, payer_member_id=amal.pk
    ).credit_left == Decimal("30.00")
    payment_record(
        actor=treasurer, amount="40", method="wallet", reference="W-1", date=DAY, payer_member_id=badr.pk
    )
    assert selectors.member_standing(badr, DAY).owed == Decimal("60.00")


@pytest.mark.django_db
def test_a_purpose_payment_credits_its_account_in_its_own_series(dues_books):
    _association, treasurer, _y2024, _y2025 = dues_books
    payment = payment_record(
        actor=treasurer, amount="500", method="transfer", date=DAY, payer_name="Société Exemple SARL",
        purpose="Don pour la bibliothèque", credit_account_id=account("7171").pk, series="donations",
    )  # fmt: skip
    assert _lines(payment.entry)[1] == ("7171", Decimal("0.00"), Decimal("500.00"))
    assert payment.receipts.get().label == "D2025-00001"


BAD = [
    ({"amount": "-5"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "10.005"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"method": "cheque"}, "cheque_number"),
    ({"method": "bitcoin"}, "method"),
    ({"date": date(2031, 1, 1)}, "date"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_refused_and_changes_nothing(dues_books, change, field):
    _association, treasurer, _y2024, y2025 = dues_books
    amal = member(treasurer)
    due(amal, y2025, "100.00")
    before = (
        Entry.objects.count(),
        Payment.objects.count(),
        Receipt.objects.count(),
        Message.objects.count(),
    )
    kwargs = {
        "actor": treasurer,
        "amount": "50",
        "method": "cash",
        "date": DAY,
        "payer_member_id": amal.pk,
        **change,
    }
    with pytest.raises(WaslError) as error:
        payment_record(**kwargs)
    assert error.value.field == field and error.value.message
    assert (
        Entry.objects.count(),
        Payment.objects.count(),
        Receipt.objects.count(),
        Message.objects.count(),
    ) == before
    assert Due.objects.get().paid == 0


@pytest.mark.django_db
def test_paying_a_waived_due_is_refused(dues_books):
    _association, treasurer, _y2024, y2025 = dues_books
    amal = member(treasurer)
    waived = due(amal, y2025, "100.00", waived_at=timezone.now(), waived_reason="hardship")
    with pytest.raises(WaslError, match="waived"):
        payment_record(actor=treasurer, amount="100", method="cash", date=DAY, payer_member_id=amal.pk,
                       allocations=[(waived.pk, "100")])  # fmt: skip
    assert Payment.objects.count() == 0 and Receipt.objects.count() == 0


@pytest.mark.django_db
def test_a_non_member_cannot_leave_credit(dues_books):
    _association, treasurer, _y2024, y2025 = dues_books
    amal = member(treasurer)
    due(amal, y2025, "100.00")
    with pytest.raises(WaslError) as error:
        payment_record(
            actor=treasurer, amount="150", method="cash", date=DAY, payer_name="Uncle", member_ids=[amal.pk]
        )
    assert error.value.field == "amount"
    payment = payment_record(
        actor=treasurer, amount="100", method="cash", date=DAY, payer_name="Uncle", member_ids=[amal.pk]
    )
    assert payment.payer_member is None and selectors.member_standing(amal, DAY).up_to_date


@pytest.mark.django_db
def test_cancelling_a_receipt_reverses_the_entry_and_restores_the_due_once(dues_books):
    _association, treasurer, _y2024, y2025 = dues_books
    amal = member(treasurer)
    row = due(amal, y2025, "100.00")
    payment = payment_record(actor=treasurer, amount="100", method="cash", date=DAY, payer_member_id=amal.pk)
    receipt = payment.receipts.get()
    cancellation = receipt_cancel(actor=treasurer, receipt_id=receipt.pk, reason="wrong member", day=DAY)
    assert cancellation.kind == "cancellation" and cancellation.cancels == receipt
    assert cancellation.number == 2 and cancellation.series == "dues"  # the number is never reused
    payment.refresh_from_db()
    row.refresh_from_db()
    assert payment.is_cancelled and payment.reversal_entry.reverses_id == payment.entry_id
    assert row.paid == 0
    assert Receipt.objects.count() == 2 and Allocation.objects.count() == 1  # nothing deleted
    receipt.document.refresh_from_db()
    assert receipt.document.cancelled_at is not None
    with pytest.raises(WaslError, match="already been cancelled"):
        receipt_cancel(actor=treasurer, receipt_id=receipt.pk, reason="again", day=DAY)
    with pytest.raises(WaslError):
        receipt_cancel(actor=treasurer, receipt_id=cancellation.pk, reason="again", day=DAY)
    assert Receipt.objects.count() == 2
    nxt = payment_record(actor=treasurer, amount="100", method="cash", date=DAY, payer_member_id=amal.pk)
    assert nxt.receipts.get().number == 3
