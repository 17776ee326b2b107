"""hot_cursor(): the prepared cursor for the hot write statements, or Django's own cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.hot_sql import hot_cursor


@pytest.mark.django_db
def test_it_runs_in_the_same_transaction_and_is_logged():
    with CaptureQueriesContext(connection) as queries, hot_cursor() as cursor:
        cursor.execute("SELECT %s + %s", [20, 22])
        assert cursor.fetchone()[0] == 42
    assert len(queries.captured_queries) == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_it_prepares_and_switched_off_it_does_not():
    statement = "SELECT 'hot_sql test', %s::int"

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%hot_sql test%"])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:  # Django's own cursor never prepares
        for _ in range(3):
            cursor.execute(statement, [1])
    assert prepared() == 0
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None  # DATABASE_PREPARED_STATEMENTS=0
    try:
        with hot_cursor() as cursor:
            cursor.execute(statement, [1])
        assert prepared() == 0
    finally:
        raw.prepare_threshold = threshold
    with hot_cursor() as cursor:
        cursor.execute(statement, [1])
        assert cursor.fetchone() == ("hot_sql test", 1)
    assert prepared() == 1
