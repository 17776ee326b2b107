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
    # BENCH_SERVER_BINDING=1: every statement bound on the server and prepared (not the default: the settings
    # prepare only the hot write statements, associations/hot_sql.py; DATABASE_PREPARED_STATEMENTS=0: none)
"""

import os
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
            try:
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
            except Exception as exc:
                error = repr(exc)
            finally:
                connection.close()
            report((mine, error, began, time.time()))

        results = []
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
