"""Dues, payments and receipts on PostgreSQL: (1) dues generation for many members, (2) W concurrent
writers recording payments with receipts (the transactional part: entry posted, receipt numbered,
outbox row; the PDF is rendered after commit and not counted), numbers checked gap-free, (3) the
receipt PDF: median / p95 rendering time and peak memory.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_dues \
      .venv/bin/python bench/receipts.py
    # BENCH_MEMBERS=100000 BENCH_WRITERS=32 BENCH_PAYMENTS=640 BENCH_PDFS=20
    # BENCH_WARM_PAYMENTS=1000: payments recorded first, then ANALYZE, so the writers' connections plan
    # on the statistics of a ledger in use; with an empty ledger their cached plans (triggers' and
    # foreign keys' included) are made for tiny tables and a payment's backend CPU grows with every one
    # recorded (3.4 -> 6.4 ms over 3,000; flat at 3.0 ms once planned afresh). 0: start from empty.
    # BENCH_PROCESSES=1: the writers are processes, as web workers are (default: threads of one process)
    # BENCH_CONNECT_FIRST=0: each writer opens its connection after the start (default: before it, as a
    # web worker's connection is open already: CONN_MAX_AGE=60 s); its statements are prepared after it
    # either way (the first payment of each writer is shown apart)
    # BENCH_PHASES=1: each statement's and the commit's time, and the stretches between them (the year's
    # lock is held from the locking statement's end to the commit's), and the payments ended each second
    # BENCH_SERVER_BINDING=1: every statement bound on the server and prepared (not the default: the settings
    # prepare only the hot write statements, associations/hot_sql.py; DATABASE_PREPARED_STATEMENTS=0: none)
"""

import itertools
import os
import re
import resource
import statistics
import sys
import threading
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

if os.environ.get("BENCH_SERVER_BINDING") == "1":  # psycopg server-side binding + prepared statements
    from django.conf import settings

    settings.DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
WRITERS = int(os.environ.get("BENCH_WRITERS", "32"))
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "640"))
PDFS = int(os.environ.get("BENCH_PDFS", "20"))
PROCESSES = os.environ.get("BENCH_PROCESSES") == "1"  # writers as processes (default: threads)
WARM = int(os.environ.get("BENCH_WARM_PAYMENTS", "1000"))  # recorded before the writers, not counted
PHASES = os.environ.get("BENCH_PHASES") == "1"  # where a payment's time goes under contention
CONNECT_FIRST = os.environ.get("BENCH_CONNECT_FIRST", "1") == "1"  # writers connected before the start


class _Phases:
    """Times each statement and the commit of a writer's payments (`BENCH_PHASES=1`): under contention the
    year lock is held from the locking statement's end to the commit's end, so the stretches after it say
    what the queue waits for."""

    def __init__(self, conn) -> None:
        self.marks: list[tuple[str, float, float]] = []
        self.payments: list[list[tuple[str, float, float]]] = []
        commit = conn.commit

        def timed_commit():
            t0 = time.perf_counter()
            commit()
            self.marks.append(("COMMIT", t0, time.perf_counter()))

        conn.commit = timed_commit
        conn.execute_wrappers.append(self)

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            head = re.sub(r'"s\d+_x\d+"', "s", " ".join(sql.split()))[:40]
            self.marks.append((head, t0, time.perf_counter()))

    def next_payment(self, began: float, ended: float) -> None:
        self.payments.append([("START", began, began), *self.marks, ("END", ended, ended)])
        self.marks = []


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot (Linux /proc/stat; zeros elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _host_speed() -> str:
    """Two fixed pieces of work, timed (best of three): how fast this host is today. Hosts of one kind
    differ: the same code recorded 194 payments/s with one writer on one and 79/s on another, so a
    figure means little without this line beside it."""
    python = postgresql = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for n in range(2_000_000):
            total += n
        python = min(python, time.perf_counter() - started)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1, 2000000)")
            cursor.fetchone()
            postgresql = min(postgresql, time.perf_counter() - started)
    return (
        f"host speed: Python, 2M additions in {python * 1000:.0f} ms; "
        f"PostgreSQL, a count of 2M generated rows in {postgresql * 1000:.0f} ms"
    )


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        import documents.tasks
        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, UserFactory
        from documents.services import document_pdf_bytes
        from finance.models import Due, DuesSchedule, FiscalYear, Payment, Receipt
        from finance.services.dues import dues_generate
        from finance.services.payments import payment_record
        from members.models import Member, MemberCategory

        # The PDF is rendered after commit by a task: measured on its own below, not in the writers' time.
        documents.tasks.document_render.delay = lambda **kwargs: None
        print(f"vendor={connection.vendor} load={os.getloadavg()}")
        print(_host_speed())
        association = AssociationFactory(fiscal_year_start_month=1)
        treasurer = UserFactory()
        today = timezone.localdate()
        with association_scope(association):
            year = FiscalYear.objects.filter(
                start_date=date(today.year, 1, 1)
            ).first() or FiscalYear.objects.create(
                start_date=date(today.year, 1, 1), end_date=date(today.year, 12, 31)
            )
            category = MemberCategory.objects.create(
                name_ar="أعضاء", name_fr="Membres", annual_dues=Decimal("100")
            )
            DuesSchedule.objects.create(
                fiscal_year=year, category=category, amount=Decimal("100.00"), due_date=year.start_date
            )
            started = time.perf_counter()
            batch = []
            for n in range(1, MEMBERS + 1):
                batch.append(
                    Member(
                        number=n,
                        first_name_latin=f"M{n}",
                        last_name_latin="Bench",
                        category=category,
                        join_date=date(2020, 1, 1),
                        status="active",
                        search_text=f"m{n} bench",
                    )
                )
                if len(batch) == 5000:
                    Member.objects.bulk_create(batch)
                    batch = []
            if batch:
                Member.objects.bulk_create(batch)
            print(f"setup: {MEMBERS} members in {time.perf_counter() - started:.1f} s")
        connection.cursor().execute("ANALYZE")

        # (1) Dues generation (the job's work, in one transaction), then a rerun that creates nothing.
        for run in ("first", "rerun"):
            with association_scope(association), transaction.atomic():
                started = time.perf_counter()
                created = dues_generate(actor=treasurer, fiscal_year_id=year.pk)
                elapsed = time.perf_counter() - started
            print(f"dues generation ({run}): {created} dues created for {MEMBERS} members in {elapsed:.1f} s")

        # (2) Concurrent writers.
        with association_scope(association):
            member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True)[: WARM + PAYMENTS])
        warm_ids, member_ids = member_ids[:WARM], member_ids[WARM:]
        if warm_ids:
            started = time.perf_counter()
            for member_id in warm_ids:
                with association_scope(association):
                    payment_record(actor=treasurer, amount="100.00", method="cash", date=today,
                                   payer_member_id=member_id, send_receipt=False)  # fmt: skip
            connection.cursor().execute("ANALYZE")
            print(f"warm-up: {len(warm_ids)} payments in {time.perf_counter() - started:.1f} s, then ANALYZE")
        chunks = [member_ids[i::WRITERS] for i in range(WRITERS)]
        errors: list[str] = []
        durations: list[float] = []

        def writer(ids, barrier, report):
            mine, error, began = [], "", time.time()
            phases = _Phases(connection) if PHASES else None
            try:
                if CONNECT_FIRST:  # as a web worker's connection, kept for CONN_MAX_AGE (60 s)
                    connection.ensure_connection()
                barrier.wait(timeout=60)
                began = time.time()
                for member_id in ids:
                    t0 = time.perf_counter()
                    with association_scope(association):
                        payment_record(
                            actor=treasurer,
                            amount="100.00",
                            method="cash",
                            date=today,
                            payer_member_id=member_id,
                            send_receipt=False,
                        )
                    mine.append(time.perf_counter() - t0)
                    if phases:
                        phases.next_payment(t0, time.perf_counter())
            except Exception as exc:
                error = repr(exc)
            finally:
                connection.close()
            report((mine, error, began, time.time(), phases.payments if phases else []))

        results = []
        cpu_before, times_before = _cpu_ticks(), os.times()
        if PROCESSES:  # as web workers are: one Python interpreter each
            import multiprocessing

            connection.close()
            context = multiprocessing.get_context("fork")
            barrier, queue = context.Barrier(WRITERS), context.Queue()
            children = [context.Process(target=writer, args=(chunk, barrier, queue.put)) for chunk in chunks]
            for child in children:
                child.start()
            results = [queue.get() for _ in children]
            for child in children:
                child.join()
        else:  # threads of this process (as measured before: one interpreter, one GIL)
            barrier = threading.Barrier(WRITERS)
            threads = [
                threading.Thread(target=writer, args=(chunk, barrier, results.append)) for chunk in chunks
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        cpu_after, times_after = _cpu_ticks(), os.times()
        # From the start barrier to the last commit (process start-up not counted).
        elapsed = max(r[3] for r in results) - min(r[2] for r in results)
        durations = [d for r in results for d in r[0]]
        errors = [r[1] for r in results if r[1]]
        with association_scope(association):
            numbers = sorted(
                Receipt.objects.filter(series="dues", fiscal_year=year).values_list("number", flat=True)
            )
            payments = Payment.objects.count()
            paid = Due.objects.filter(paid__gte=1).count()
        gap_free = numbers == list(range(1, len(numbers) + 1))
        measured = len(numbers) - len(warm_ids)
        print(
            f"writers={WRITERS} ({'processes' if PROCESSES else 'threads'}): {measured} receipts in "
            f"{elapsed:.1f} s = {measured / elapsed:.1f} receipts/s (numbers 1-{len(numbers)}); "
            f"gap-free={gap_free}; payments={payments}; dues paid={paid}; errors={len(errors)}"
            + (f" (first: {errors[0]})" if errors else "")
        )
        busy, total = (a - b for a, b in zip(cpu_after, cpu_before, strict=True))
        # The whole machine (writers, PostgreSQL, anything else), the writers' start-up included.
        if total and measured:
            ticks = os.sysconf("SC_CLK_TCK")
            # The writers' own CPU (Python, Django, the driver): the reaped child processes', or this
            # process's for threads; the rest is PostgreSQL's backends, the OS and anything else.
            if PROCESSES:
                writers_cpu = sum(times_after[2:4]) - sum(times_before[2:4])
            else:
                writers_cpu = sum(times_after[:2]) - sum(times_before[:2])
            print(
                f"  CPU: {busy / total:.0%} busy over {os.cpu_count()} CPUs, "
                f"{busy / ticks / measured * 1000:.1f} ms of CPU per payment: "
                f"{writers_cpu / measured * 1000:.1f} ms in the writers, "
                f"{(busy / ticks - writers_cpu) / measured * 1000:.1f} ms elsewhere (PostgreSQL, the OS)"
            )
        if durations:
            firsts = sorted(r[0][0] for r in results if r[0])
            durations.sort()

            def at(share):
                return durations[max(0, int(len(durations) * share) - 1)] * 1000

            print(
                f"  per payment: median {statistics.median(durations) * 1000:.0f} ms, p90 {at(0.90):.0f} ms, "
                f"p95 {at(0.95):.0f} ms, p99 {at(0.99):.0f} ms, max {durations[-1] * 1000:.0f} ms; "
                f"each writer's first payment (connection, first statements): median "
                f"{statistics.median(firsts) * 1000:.0f} ms, max {firsts[-1] * 1000:.0f} ms"
            )
            spans = sorted(r[3] - r[2] for r in results)
            print(f"  writers' own spans: shortest {spans[0]:.1f} s, longest {spans[-1]:.1f} s")
        if PHASES:  # each mark's own time, and the gap from its end to the next mark's start, in ms
            stretches: dict[str, list[float]] = {}
            for payment in (p for r in results for p in r[4][1:]):  # each writer's first one left out
                for (name, start, end), (after, _s, _e) in itertools.pairwise(payment):
                    stretches.setdefault(f"[{name}]", []).append((end - start) * 1000)
                    stretches.setdefault(f"[{name}] -> [{after}]", []).append((_s - end) * 1000)
            ends = sorted(p[-1][1] for r in results for p in r[4])
            per_second = [0] * (int(ends[-1] - ends[0]) + 1)
            for end in ends:
                per_second[int(end - ends[0])] += 1
            print(f"  payments ended in each second: {per_second}")
            for name, values in stretches.items():
                values.sort()
                print(
                    f"  {name[:90]:90} n={len(values):5} median {statistics.median(values):7.2f} "
                    f"mean {statistics.fmean(values):7.2f} p90 {values[int(len(values) * 0.9)]:7.2f} ms"
                )

        # (3) Receipt PDFs.
        with association_scope(association):
            receipts = list(Receipt.objects.select_related("document").order_by("pk")[:PDFS])
            document_pdf_bytes(receipts[0].document)  # warm-up: fonts, templates
            times = []
            for receipt in receipts:
                t0 = time.perf_counter()
                pdf = document_pdf_bytes(receipt.document)
                times.append(time.perf_counter() - t0)
            # Memory on a separate render: tracemalloc slows rendering several times over, so the
            # times above are taken without it.
            tracemalloc.start()
            document_pdf_bytes(receipts[0].document)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        times.sort()
        print(
            f"receipt PDF ({len(pdf)} bytes): median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {times[max(0, int(len(times) * 0.95) - 1)] * 1000:.0f} ms, Python peak {peak / 1e6:.1f} MB, "
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        connection.close()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
