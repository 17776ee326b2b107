"""Thirty-two payments at once in one association (PostgreSQL): receipt numbers unique and
gap-free, every payment's entry posted, no receipt without its payment."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance.models import Due, Entry, EntryStatus, FiscalYear, Payment, Receipt
from finance.services.payments import payment_record
from finance.tests.dues_helpers import member

pytestmark = pytest.mark.postgres

WRITERS = 32


@pytest.mark.django_db(transaction=True)
def test_thirty_two_concurrent_payments_get_gap_free_receipts():
    association = AssociationFactory(fiscal_year_start_month=1)
    treasurer = UserFactory()
    with association_scope(association):
        year = FiscalYear.objects.filter(start_date=date(2025, 1, 1)).first() or FiscalYear.objects.create(
            start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
        )
        members = [member(treasurer, f"Writer{n}") for n in range(WRITERS)]
        for row in members:
            Due.objects.create(
                member=row, fiscal_year=year, amount=Decimal("100.00"), due_date=date(2025, 3, 31)
            )
    barrier = threading.Barrier(WRITERS)
    errors: list[Exception] = []

    def writer(member_id: int, index: int):
        try:
            barrier.wait(timeout=30)
            with association_scope(association):
                payment_record(
                    actor=treasurer,
                    amount="100.00",
                    method="cash" if index % 2 else "transfer",
                    date=date(2025, 6, 1),
                    payer_member_id=member_id,
                    send_receipt=False,
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(row.pk, n)) for n, row in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with association_scope(association):
        numbers = sorted(Receipt.objects.filter(series="dues").values_list("number", flat=True))
        assert numbers == list(range(1, WRITERS + 1))
        payments = Payment.objects.select_related("entry")
        assert payments.count() == WRITERS
        assert all(p.entry.status == EntryStatus.POSTED for p in payments)
        assert Receipt.objects.filter(payment__isnull=True).count() == 0
        assert set(Receipt.objects.values_list("payment_id", flat=True)) == {p.pk for p in payments}
        assert (
            Entry.objects.filter(status=EntryStatus.POSTED, pk__in=[p.entry_id for p in payments]).count()
            == WRITERS
        )
        assert all(d.is_paid for d in Due.objects.all())
