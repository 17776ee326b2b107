"""How long one payment (or one posting) holds its association's ledger year lock, on PostgreSQL.

Receipts are numbered gap-free per association, year and series, and entries chained per year, so
every payment of one association passes, one at a time, through the stretch between the year's
`SELECT … FOR UPDATE` and COMMIT. That stretch bounds the receipts per second of one association,
whatever the number of web workers: ceiling = 1 / (time the lock is held). One writer, no
contention: this measures the stretch itself, and prints the statements inside it for the last
payment (which ones could move before the lock, or out of the transaction).

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/payment_locks.py
    # BENCH_PAYMENTS=120 (the first 20 are warm-up)
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "120"))
# "payment": a member's dues paid, entry posted, receipt numbered (issue 11);
# "posting": a two-line entry written and posted at once (issue 10's posting throughput).
WHAT = os.environ.get("BENCH_WHAT", "payment")
WARM_UP = 20


def _locks_the_year(sql: str) -> bool:
    """A statement that locks a fiscal year row: read from that table FOR [NO KEY] UPDATE, or a join
    that locks every table it reads (without OF)."""
    sql = sql.replace("FOR NO KEY UPDATE", "FOR UPDATE")
    if "FOR UPDATE" not in sql or "finance_fiscalyear" not in sql:
        return False
    return sql.lstrip().startswith('SELECT "finance_fiscalyear"') or "FOR UPDATE OF" not in sql


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from _dues_books import dues_books

        from associations.tenancy import association_scope
        from finance.services.entries import LineInput, entry_create
        from finance.services.payments import payment_record

        books = dues_books(PAYMENTS)
        association, treasurer, today = books.association, books.treasurer, books.today
        member_ids, cash, dues, journal = books.member_ids, books.cash, books.dues, books.journal

        def one(member_id: int) -> None:
            if WHAT == "posting":
                entry_create(actor=treasurer, journal_id=journal.pk, date=today, label=f"Bench {member_id}",
                             lines=[LineInput(cash.pk, debit=Decimal("100")), LineInput(dues.pk, credit=Decimal("100"))],
                             post=True)  # fmt: skip
            else:
                payment_record(actor=treasurer, amount="100.00", method="cash", date=today,
                               payer_member_id=member_id, send_receipt=False)  # fmt: skip

        log: list[tuple[float, float, str]] = []

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                log.append((started, time.perf_counter(), sql))

        totals, held, statements, inside = [], [], [], []
        ended = locked = 0.0
        for n, member_id in enumerate(member_ids):
            log.clear()
            started = time.perf_counter()
            with connection.execute_wrapper(timed), association_scope(association):
                one(member_id)
            # The transaction ends before the first after-commit statement (the ministry's mark).
            ended = next((s for s, _e, sql in log if "ministry_dirtyassociation" in sql), time.perf_counter())
            locked = next((s for s, _e, sql in log if _locks_the_year(sql)), None)
            if locked is None or n < WARM_UP:
                continue
            totals.append(ended - started)
            held.append(ended - locked)
            statements.append(len(log))
            inside.append(sum(1 for s, _e, _sql in log if locked <= s < ended))
        for s, e, sql in log:
            if locked <= s < ended:
                print(f"  {1000 * (e - s):6.2f} ms  {' '.join(sql.split())[:120]}")
        median_held = statistics.median(held)
        print(
            f"{WHAT}: median {1000 * statistics.median(totals):.1f} ms over {statistics.median(statements):.0f} "
            f"statements; year lock held: median {1000 * median_held:.1f} ms over "
            f"{statistics.median(inside):.0f} statements → ceiling {1 / median_held:.0f}/s per association "
            f"(load {os.getloadavg()[0]:.1f})"
        )
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
