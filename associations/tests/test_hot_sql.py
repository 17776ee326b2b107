"""hot_cursor(): the prepared cursor for the hot write statements, or Django's own cursor;
atomic_keeping_savepoint(): atomic, without RELEASE SAVEPOINT at the end of a nested block."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from associations.errors import WaslError
from associations.hot_sql import atomic_keeping_savepoint, hot_cursor


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
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%hot_sql test%"]
            )
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


def _rows() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM hot_sql_kept ORDER BY n")
        return [row[0] for row in cursor.fetchall()]


def _insert(n: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO hot_sql_kept (n) VALUES (%s)", [n])


@pytest.fixture
def kept_table(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE hot_sql_kept (n integer)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE hot_sql_kept")


@atomic_keeping_savepoint
def _write(n: int, *, fail: bool = False, hook=None) -> None:
    _insert(n)
    if hook is not None:
        transaction.on_commit(hook)
    if fail:
        raise WaslError("refused after writing")


def test_a_nested_block_that_succeeds_keeps_its_writes_without_releasing_its_savepoint(kept_table):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _write(1)
        assert _rows() == [1]  # the enclosing transaction goes on
    sql = [q["sql"] for q in queries.captured_queries]
    assert any(s.startswith("SAVEPOINT") for s in sql)
    assert not any(s.startswith("RELEASE SAVEPOINT") for s in sql)
    assert _rows() == [1]


def test_a_nested_block_that_fails_rolls_back_to_its_savepoint_and_drops_its_hooks(kept_table):
    ran = []
    with transaction.atomic():
        _insert(0)
        with pytest.raises(WaslError):
            _write(1, fail=True, hook=lambda: ran.append("failed block"))
        assert _rows() == [0]  # nothing of the block, the transaction still usable
        hooks = [hook for _sids, hook, _robust in connection.run_on_commit]
    assert hooks == [] and ran == []


def test_rolling_back_an_enclosing_savepoint_takes_a_kept_one_and_its_hooks_along(kept_table):
    with transaction.atomic():
        _insert(0)

        @transaction.atomic
        def enclosing():
            _write(1, hook=lambda: None)
            _write(2, hook=lambda: None)  # (nests in the first one's savepoint)
            assert _rows() == [0, 1, 2]
            raise RuntimeError("the enclosing block fails")

        with pytest.raises(RuntimeError):
            enclosing()
        assert _rows() == [0]
        assert connection.run_on_commit == []
        _write(3)  # and the transaction goes on
        assert _rows() == [0, 3]


@pytest.mark.django_db(transaction=True)
def test_outermost_it_commits_or_rolls_back_as_atomic_does():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE hot_sql_kept (n integer)")
    try:
        ran = []
        _write(1, hook=lambda: ran.append(1))
        with pytest.raises(WaslError):
            _write(2, fail=True, hook=lambda: ran.append(2))
        assert _rows() == [1] and ran == [1]
        assert not connection.in_atomic_block
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE hot_sql_kept")
