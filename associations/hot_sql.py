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

import re
import secrets

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


# --- Text a locking statement completes ---------------------------------------------------------
# A hash chain's next link hashes a canonical JSON holding values only the chain's lock gives (the
# entry's number, the audit event's seq, the previous hash). To hash it in the locking statement
# itself, Python writes the JSON as ever with a hole for each such value, and PostgreSQL fills the
# holes and hashes it: one round trip fewer while the lock is held. The text around the holes is
# Python's own output, so the hash is the one Python computes (`audit_verify`, `verify_books`).

_HOLE = r'(")?(?:\\u0000|\x00)hole-{nonce}-(\d+)(?:\\u0000|\x00)(")?'


class SqlText:
    """A text (a JSON document, a label) with holes that one SQL statement fills.

        text = SqlText("ev")
        payload = {"seq": text.hole("h.last_seq + 1", whole=True), "label": f"CA-{text.hole('k.n')}"}
        expression = text.sql(json.dumps(payload))  # run with text.params among the statement's

    `hole(sql)` returns a marker to put in the text where the value of the SQL expression `sql`
    goes; `whole=True`: the value replaces the JSON string holding the marker, quotes included (a
    number, or a JSON text made by the statement). Markers survive `json.dumps` (NULs, which JSON
    escapes) and carry a random nonce, so no text a user typed can pass for one. `sql(text)`: the
    SQL expression of the completed text; `params`: the text around the holes, named after
    `prefix`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.holes: list[tuple[str, bool]] = []
        self.params: dict[str, str] = {}
        self._nonce = secrets.token_hex(8)
        self._pattern = re.compile(_HOLE.format(nonce=self._nonce))

    def hole(self, sql: str, *, whole: bool = False) -> str:
        self.holes.append((sql, whole))
        return f"\x00hole-{self._nonce}-{len(self.holes) - 1}\x00"

    def sql(self, text: str) -> str:
        parts, start = [], 0
        for found in self._pattern.finditer(text):
            sql, whole = self.holes[int(found.group(2))]
            begin, end = found.span()
            if not whole:  # the quotes around it, if any, stay in the text
                begin += len(found.group(1) or "")
                end -= len(found.group(3) or "")
            elif not (found.group(1) and found.group(3)):
                raise ValueError("A whole-value hole must be a JSON string of its own.")
            parts.append(self._fragment(text[start:begin]))
            parts.append(f"({sql})::text")
            start = end
        parts.append(self._fragment(text[start:]))
        return "(" + " || ".join(parts) + ")"

    def values(self) -> str:
        """SQL of every hole's value, as text (an array, for `fill`)."""
        return "ARRAY[" + ", ".join(f"({sql})::text" for sql, _whole in self.holes) + "]::text[]"

    def fill(self, text: str, values: list[str]) -> str:
        """`text` with its holes filled in Python from `values` (what `values()` returned)."""

        def value(found):
            filled = values[int(found.group(2))]
            if self.holes[int(found.group(2))][1]:  # whole: the value is the JSON
                return filled
            return (found.group(1) or "") + filled + (found.group(3) or "")

        return self._pattern.sub(value, text)

    def _fragment(self, text: str) -> str:
        name = f"{self.prefix}_{len(self.params)}"
        self.params[name] = text
        return f"%({name})s::text"
