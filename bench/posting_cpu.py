"""Where the CPU goes in one posting and one payment with receipt (PostgreSQL, one writer, no
contention): milliseconds of CPU per operation in this Python process and in its PostgreSQL
backend (read from /proc, so the database must run on this machine), statements per operation.
On a machine of C cores, C × 1000 / (Python + backend CPU ms) is the most operations per second
any number of concurrent writers can reach, whatever the locking.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/posting_cpu.py
    # BENCH_OPS=300 (after 30 warm-up operations), BENCH_WHAT=posting,payment, BENCH_PROFILE=FILE (cProfile),
    # BENCH_SQL=1 (print the statements; with BENCH_OPS=1), BENCH_SERVER_BINDING=1 (every statement
    # bound on the server and prepared: OPTIONS server_side_binding=True, prepare_threshold=2; not the default,
    # see bench/ledger_scale.py), DATABASE_PREPARED_STATEMENTS=0 (the hot statements not prepared either),
    # BENCH_FUNCTIONS=1 (time per operation in each PL/pgSQL function: the triggers; needs
    # track_functions = 'pl' on the server), BENCH_OTHER_ASSOCIATIONS=N (N other associations of
    # BENCH_OTHER_MEMBERS=30 members with their dues first: with the bench's association alone the
    # statistics make every prepared statement's generic plan look as good as a custom one; among
    # associations of other sizes, as in production, PostgreSQL may plan some anew at every call),
    # BENCH_STATEMENTS=1 (the backend's CPU per operation in each statement, from /proc/PID/schedstat;
    # what is left is the COMMIT: deferred triggers, foreign keys, WAL)
"""

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

if os.environ.get("BENCH_SERVER_BINDING") == "1":
    from django.conf import settings

    _options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    _options |= {"server_side_binding": True, "prepare_threshold": 2}

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

OPS = int(os.environ.get("BENCH_OPS", "300"))
WARM_UP = 30
WHAT = (os.environ.get("BENCH_WHAT") or "posting,payment").split(",")
SHOW_SQL = os.environ.get("BENCH_SQL") == "1"  # print every statement (with BENCH_OPS=1)
TICK = os.sysconf("SC_CLK_TCK")
FUNCTIONS = os.environ.get("BENCH_FUNCTIONS") == "1"
STATEMENTS = os.environ.get("BENCH_STATEMENTS") == "1"


def _functions() -> dict:
    """PL/pgSQL functions' calls and self time (ms) so far, this backend's included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # (the backend's counters reach the view at its next flush)
        cursor.execute("SELECT funcname, calls, self_time FROM pg_stat_user_functions")
        return {name: (calls, self_time) for name, calls, self_time in cursor.fetchall()}


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of one process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def backend_ns(pid: int) -> int:
    """CPU nanoseconds of one process so far, from /proc/PID/schedstat (finer than /proc/PID/stat)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from _dues_books import dues_books

        from associations.tenancy import association_scope
        from finance.services.entries import LineInput, entry_create
        from finance.services.payments import payment_record

        for _other in range(int(os.environ.get("BENCH_OTHER_ASSOCIATIONS", "0"))):
            dues_books(int(os.environ.get("BENCH_OTHER_MEMBERS", "30")))
        books = dues_books(OPS + WARM_UP)
        association, treasurer, today = books.association, books.treasurer, books.today
        member_ids, cash, dues, journal = books.member_ids, books.cash, books.dues, books.journal
        connection.cursor().execute("ANALYZE")

        def posting(n):
            entry_create(actor=treasurer, journal_id=journal.pk, date=today, label=f"Bench {n}",
                         lines=[LineInput(cash.pk, debit=Decimal("100")), LineInput(dues.pk, credit=Decimal("100"))],
                         post=True)  # fmt: skip

        def payment(n):
            payment_record(actor=treasurer, amount="100.00", method="cash", date=today,
                           payer_member_id=member_ids[n], send_receipt=False)  # fmt: skip

        count = [0]
        statements: dict[str, int] = {}  # (BENCH_STATEMENTS) nanoseconds of backend CPU by statement

        def counting(execute, sql, params, many, context):
            count[0] += 1
            if SHOW_SQL:
                print("   ", " ".join(sql.split())[:160])
            if not STATEMENTS:
                return execute(sql, params, many, context)
            before = backend_ns(pid)
            try:
                return execute(sql, params, many, context)
            finally:
                key = " ".join(sql.split())[:70]
                key = (
                    "SAVEPOINT"
                    if key.startswith("SAVEPOINT")
                    else "RELEASE"
                    if key.startswith("RELEASE")
                    else key
                )
                statements[key] = statements.get(key, 0) + backend_ns(pid) - before

        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        for what in WHAT:
            one = {"posting": posting, "payment": payment}[what]
            for n in range(WARM_UP):
                with association_scope(association):
                    one(n)
            count[0] = 0
            profile = None
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                profile = cProfile.Profile(time.process_time)  # CPU time: the machine may be busy
            functions = _functions() if FUNCTIONS else {}
            wall, cpu, db = time.perf_counter(), time.process_time(), backend_cpu(pid)
            with connection.execute_wrapper(counting):
                if profile:
                    profile.enable()
                for n in range(WARM_UP, WARM_UP + OPS):
                    with association_scope(association):
                        one(n)
                if profile:
                    profile.disable()
            wall, cpu, db = time.perf_counter() - wall, time.process_time() - cpu, backend_cpu(pid) - db
            if profile:
                profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{what}")
            if FUNCTIONS:
                for name, (calls, self_ms) in sorted(_functions().items()):
                    before = functions.get(name, (0, 0.0))
                    if calls > before[0]:
                        print(f"    {name}: {(calls - before[0]) / OPS:.1f} calls, "
                              f"{(self_ms - before[1]) / OPS:.3f} ms self per operation")  # fmt: skip
            per = 1000 / OPS
            if STATEMENTS:
                for key, ns in statements.items():
                    print(f"    {ns / OPS / 1e6:.3f} ms  {key}")
                rest = db * per - sum(statements.values()) / OPS / 1e6
                print(f"    {rest:.3f} ms  the rest (COMMIT, mostly)")
                statements.clear()
            print(
                f"{what}: {OPS} in {wall:.2f} s: per operation {wall * per:.1f} ms wall, CPU {cpu * per:.1f} ms "
                f"Python + {db * per:.1f} ms PostgreSQL backend = {(cpu + db) * per:.1f} ms; "
                f"{count[0] / OPS:.1f} statements; CPU ceiling on {os.cpu_count()} cores "
                f"{os.cpu_count() * OPS / (cpu + db):.0f}/s (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
