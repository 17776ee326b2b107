"""Two officers matching one ledger line to two statement lines at the same moment (PostgreSQL):
one wins, the other is told so; never two matches, never a server error."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from associations.errors import WaslError
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance.models import BankLine, FiscalYear
from finance.services import bank
from finance.tests.helpers import account, simple_entry

pytestmark = pytest.mark.postgres

STATEMENT = b"Date;Libelle;Debit;Credit\n03/02/2025;VIREMENT A;;500,00\n04/02/2025;VIREMENT B;;500,00\n"


@pytest.mark.django_db(transaction=True)
def test_one_ledger_line_is_matched_once_under_concurrency():
    association = AssociationFactory(fiscal_year_start_month=1)
    treasurer = UserFactory()
    with association_scope(association):
        FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        entry = simple_entry(treasurer, date(2025, 2, 3), "5141", "7171", "500", journal_code="BNQ")
        ledger_line = entry.lines.get(account__code="5141")
        statement = bank.statement_upload(
            actor=treasurer, account_id=account("5141").pk, filename="s.csv", content=STATEMENT
        )
        bank.statement_import(actor=treasurer, statement_id=statement.pk, mapping=statement.mapping)
        line_ids = list(BankLine.objects.order_by("position").values_list("pk", flat=True))
    barrier = threading.Barrier(2)
    won, refused, errors = [], [], []

    def matcher(bank_line_id):
        try:
            barrier.wait(timeout=10)
            with association_scope(association):
                bank.bank_line_match(actor=treasurer, bank_line_id=bank_line_id, entry_line_id=ledger_line.pk)
            won.append(bank_line_id)
        except WaslError:
            refused.append(bank_line_id)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=matcher, args=(line_id,)) for line_id in line_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1 and len(refused) == 1
    with association_scope(association):
        assert BankLine.objects.filter(entry_line=ledger_line).count() == 1
