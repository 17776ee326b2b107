"""Only the hot write statements are prepared (associations/hot_sql.py, config/settings/base.py).

A posting's statements are prepared on their first run in a connection and reused after; the
reports never are, whatever the number of runs — a plan PostgreSQL caches for an average
association made the largest one's reports 6-20x slower (bench/ledger_scale.py). A ROLLBACK makes
psycopg forget its prepared statements (PostgreSQL's DEALLOCATE ALL); the next posting prepares
them again and still posts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from finance import selectors
from finance.models import FiscalYear
from finance.services.entries import LineInput, entry_create
from finance.tests.helpers import account, journal
from finance.tests.test_ledger_triggers import sql

pytestmark = pytest.mark.postgres


@pytest.fixture
def books(db):
    association = AssociationFactory(fiscal_year_start_month=1)
    with association_scope(association):
        year = FiscalYear.objects.create(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        yield year, UserFactory()


def _post(actor, day: int = 1):
    lines = [LineInput(account("5161").pk, debit=Decimal("12.00")), LineInput(account("7152").pk, credit=Decimal("12.00"))]
    return entry_create(actor=actor, journal_id=journal("CAI").pk, date=date(2025, 3, day), label="Dues", lines=lines,
                        post=True)  # fmt: skip


def _prepared() -> dict[str, int]:
    """The statements this connection prepared through the protocol, with how often each ran."""
    rows = sql("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE NOT from_sql")
    return dict(rows)


def test_a_postings_statements_are_prepared_once_and_reused(books):
    _year, treasurer = books
    numbers = [_post(treasurer, day).number for day in range(1, 9)]
    assert numbers == list(range(1, 9))
    prepared = _prepared()
    inserts = [runs for statement, runs in prepared.items() if "INSERT INTO finance_entry (" in " ".join(statement.split())]
    assert inserts == [8], prepared.keys()  # one prepared statement, run by all eight postings
    generic = sql("SELECT sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements WHERE NOT from_sql")[0]
    assert generic[0] > 0 and generic[1] == 0  # each planned once, for any values
    assert any("associations_auditevent" in statement for statement in prepared)


def test_the_connection_plans_prepared_statements_generically(db):
    from django.conf import settings

    assert "plan_cache_mode=force_generic_plan" in settings.DATABASES["default"]["OPTIONS"]["options"]
    assert sql("SHOW plan_cache_mode") == [("force_generic_plan",)]


def test_the_reports_are_never_prepared(books):
    year, treasurer = books
    _post(treasurer)
    before = _prepared()
    for _run in range(6):
        selectors.trial_balance(year)
        list(selectors.entries())
        selectors.treasury_position()
    assert _prepared().keys() == before.keys()


def test_after_a_rollback_the_statements_are_prepared_again_and_still_post(books):
    _year, treasurer = books
    _post(treasurer, 1)
    _post(treasurer, 2)
    assert _prepared()

    def post_then_fail():
        with transaction.atomic():  # a savepoint, rolled back
            _post(treasurer, 3)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        post_then_fail()
    assert _prepared() == {}  # psycopg deallocated them all on ROLLBACK TO SAVEPOINT
    assert _post(treasurer, 4).number == 3  # the rolled-back number was never taken
    assert _prepared()


def test_the_hot_statements_are_in_the_query_log(books):
    from django.test.utils import CaptureQueriesContext

    _year, treasurer = books
    _post(treasurer, 1)
    with CaptureQueriesContext(connection) as queries:
        _post(treasurer, 2)
    assert any("INSERT INTO finance_entry" in query["sql"] for query in queries.captured_queries)
