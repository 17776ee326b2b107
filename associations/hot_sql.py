"""The few statements the write paths run on every posting and every payment, prepared once per
connection on PostgreSQL.

Everything else in Wasl binds its parameters on the client (Django's default), so PostgreSQL plans
each query for the values it carries. That matters for reads: one association among thousands may
hold 100,000 entries, and a plan PostgreSQL caches for "an average association" made its trial
balance 6x and a late general-ledger page 20x slower (bench/ledger_scale.py with every statement
prepared). The hot writes are the opposite case: the same dozen statements, each reaching its rows
by key, whose parsing, rewriting (RLS included) and planning are most of their PostgreSQL time. So
only they are prepared, by name, through `hot_cursor()`:

    with hot_cursor() as cursor:
        cursor.execute(_INSERT_ENTRY_AND_LINES, params)

The cursor is psycopg's server-binding cursor on Django's own connection (same transaction, same
tenant scope, same query log and execute wrappers). psycopg forgets its prepared statements
on every ROLLBACK and keeps at most `prepared_max` of them per connection; PostgreSQL re-plans a
prepared statement by itself when a table it reads changes. The connection's `prepare_threshold`
(config/settings/base.py) is set so high that no other statement is ever prepared automatically:
Django's client-binding cursor never prepares, and this cursor prepares on first use. On SQLite,
`hot_cursor()` is Django's ordinary cursor.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, transaction


def _prepared_cursor_class():
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        """psycopg's server-binding cursor that prepares every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            self._query = pgq  # (psycopg keeps it only for unprepared runs; Django's query log reads it)
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparedCursor


_PREPARED_CURSOR = None


def hot_cursor():
    """A cursor for one of the hot write statements: prepared on PostgreSQL, ordinary elsewhere
    (and wherever the connection's prepare_threshold is None: prepared statements switched off)."""
    global _PREPARED_CURSOR
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    if _PREPARED_CURSOR is None:
        _PREPARED_CURSOR = _prepared_cursor_class()
    return connection._prepare_cursor(_PREPARED_CURSOR(connection.connection))


class _KeptSavepointAtomic(transaction.Atomic):
    """`transaction.Atomic`, but a block that succeeds inside an enclosing one keeps its savepoint."""

    def __exit__(self, exc_type, exc_value, traceback):
        conn = transaction.get_connection(self.using)
        kept = (
            exc_type is None
            and len(conn.atomic_blocks) > 1  # an enclosing block (else this one commits or releases)
            and conn.savepoint_ids
            and conn.savepoint_ids[-1] is not None
            and not conn.needs_rollback
            and not conn.closed_in_transaction
        )
        if not kept:
            return super().__exit__(exc_type, exc_value, traceback)
        # As Atomic.__exit__ on success, without savepoint_commit(): the block leaves Django's
        # stacks and its savepoint stays open in PostgreSQL. The on-commit hooks registered in it
        # keep its id among theirs, so rolling back an enclosing savepoint still drops them.
        conn.atomic_blocks.pop()
        conn.savepoint_ids.pop()
        return False


def atomic_keeping_savepoint(function=None, *, using=None):
    """`transaction.atomic`, one round trip fewer at the end of a nested block.

    A nested atomic block opens a savepoint and, when it succeeds, releases it: `RELEASE SAVEPOINT`,
    one round trip. A payment ends with its posting, whose locks (the year's chain head, the
    counters) are held from the locking statement to the commit, so every other payment of the
    association waits for each round trip made there. Here a block that succeeds inside an
    enclosing transaction leaves its savepoint open: PostgreSQL ends it with that transaction
    (committed with it; rolled back with it, or with an enclosing savepoint, taking the block's
    on-commit hooks along). A failed block rolls back to its savepoint as `atomic` does, so the
    caller's transaction goes on. For a block run once in a transaction (a request's payment), not
    in a loop: each kept savepoint encloses the next one."""
    atomic = _KeptSavepointAtomic(using or DEFAULT_DB_ALIAS, True, False)
    return atomic(function) if function is not None else atomic
