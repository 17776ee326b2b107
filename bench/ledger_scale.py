"""The books at scale (PostgreSQL): one association with 100,000 posted entries (300,000 lines)
over five years, among 1,000 associations (each seeded with its chart and a few entries).

Measures (median and p95 over BENCH_RUNS requests):
- the trial balance (selector, and the page over HTTP),
- a general-ledger page of the busiest account (first page and a late page; selector and page),
- posting throughput with 16 concurrent writers in one journal (entries/s, numbers gap-free),
- `ledger_verify` over the whole association (hash chains of 100,000 entries),
- the Bilan and the CPC with the previous year beside, and budget vs actual (report and page),
- the general ledger of the latest year as a PDF job (in steps; time, pages, peak memory of the
  process that runs it).

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/ledger_scale.py

Creates and drops its own test database. BENCH_ENTRIES=100000 BENCH_ASSOCIATIONS=1000 BENCH_RUNS=20.
BENCH_KEEP=1 keeps the test database, and a later run with BENCH_KEEP=1 reuses it (no loading).
BENCH_PARTS=reads,posting,verify,pdf chooses what to measure (default: all). BENCH_BY_CODE=1: the posters
look the journal and the two accounts up by code for every entry (as measured before 2026-11-29).
BENCH_EXPLAIN=FILE writes EXPLAIN (ANALYZE, BUFFERS) of the trial balance and ledger page queries, old
and new shape, as wasl_app. The settings prepare only the hot write statements (associations/hot_sql.py;
DATABASE_PREPARED_STATEMENTS=0 switches that off). BENCH_SERVER_BINDING=1: every statement bound on the
server and prepared from its second run (OPTIONS server_side_binding=True, prepare_threshold=2) — kept to
show why it is not the default: the reads here become 6-20x slower on generic plans.
"""

import os
import random
import statistics
import sys
import threading
import time
from datetime import date, timedelta
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

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
ASSOCIATIONS = int(os.environ.get("BENCH_ASSOCIATIONS", "1000"))
OTHER_ENTRIES = int(os.environ.get("BENCH_OTHER_ENTRIES", "20"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WRITERS = 16
KEEP = os.environ.get("BENCH_KEEP") == "1"
PARTS = set((os.environ.get("BENCH_PARTS") or "reads,posting,verify,pdf").split(","))
PER_WRITER = int(os.environ.get("BENCH_PER_WRITER", "25"))
BY_CODE = os.environ.get("BENCH_BY_CODE") == "1"  # posters look the journal and accounts up by code
YEARS = 5
FIRST_YEAR = 2021


def stats(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def timed(fn, runs=RUNS):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if getattr(result, "status_code", 200) != 200:  # a page that fails is not a figure
            raise RuntimeError(f"answered {result.status_code}")
    return stats(samples)


def load_entries(association, count: int, rng: random.Random, *, years=YEARS) -> None:
    """Bulk-load `count` posted entries of three lines in `years` fiscal years, with real numbers and
    hash chains: drafts and lines are inserted, then posted in one UPDATE per batch (the triggers
    check every entry at commit)."""
    from associations.tenancy import association_scope
    from finance.chain import entry_hash
    from finance.models import Account, Entry, EntryCounter, EntryLine, FiscalYear, Journal
    from finance.models.ledger import GENESIS_HASH
    from finance.services.entries import new_line

    with association_scope(association):
        FiscalYear.objects.all().delete()  # the seeded year of today; the bench keeps its own years
        fiscal = [
            FiscalYear.objects.create(
                start_date=date(FIRST_YEAR + i, 1, 1), end_date=date(FIRST_YEAR + i, 12, 31)
            )
            for i in range(years)
        ]
        accounts = {
            a.code: a
            for a in Account.objects.filter(
                code__in=["5161", "5141", "7152", "7171", "6142", "6125", "6183", "4411", "6147"]
            )
        }
        journals = list(Journal.objects.filter(code__in=["CAI", "BNQ", "OD"]))
        patterns = [
            ("6142", "6125", "5161"),
            ("6183", "6147", "5141"),
            ("5141", "5161", "7171"),
            ("5161", "5141", "7152"),
            ("6125", "6142", "4411"),
        ]
        per_year = count // years
        now = timezone.now()
        for year in fiscal:
            numbers = {j.pk: 0 for j in journals}
            prev, index = GENESIS_HASH, 0
            for start in range(0, per_year, 5000):
                size = min(5000, per_year - start)
                drafts = []
                for i in range(size):
                    day = year.start_date + timedelta(days=(start + i) * 365 // per_year)
                    drafts.append(
                        Entry(
                            journal=journals[(start + i) % 3],
                            fiscal_year=year,
                            date=day,
                            label=f"Opération {start + i}",
                            reference=f"PJ-{start + i}",
                        )
                    )
                with transaction.atomic():
                    Entry.objects.bulk_create(drafts)
                    lines = []
                    for entry in drafts:
                        a, b, c = patterns[rng.randrange(len(patterns))]
                        x, y = Decimal(rng.randint(100, 50000)) / 100, Decimal(rng.randint(100, 50000)) / 100
                        lines.append(
                            new_line(entry, position=1, account=accounts[a], debit=x, status="posted")
                        )
                        lines.append(
                            new_line(entry, position=2, account=accounts[b], debit=y, status="posted")
                        )
                        lines.append(
                            new_line(entry, position=3, account=accounts[c], credit=x + y, status="posted")
                        )
                    EntryLine.objects.bulk_create(lines)
                    values = []
                    for k, entry in enumerate(drafts):
                        numbers[entry.journal_id] += 1
                        index += 1
                        entry.number, entry.chain_index, entry.prev_hash = (
                            numbers[entry.journal_id],
                            index,
                            prev,
                        )
                        entry.status, entry.posted_at = "posted", now
                        entry.hash = entry_hash(entry, lines[3 * k : 3 * k + 3], prev_hash=prev)
                        prev = entry.hash
                        values.append(entry)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "UPDATE finance_entry AS e SET status = 'posted', posted_at = %s, number = v.number,"
                            " chain_index = v.chain_index, prev_hash = v.prev_hash, hash = v.hash"
                            " FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::int[]) AS number,"
                            " unnest(%s::int[]) AS chain_index, unnest(%s::text[]) AS prev_hash,"
                            " unnest(%s::text[]) AS hash) AS v WHERE e.id = v.id",
                            [
                                now,
                                [e.pk for e in values],
                                [e.number for e in values],
                                [e.chain_index for e in values],
                                [e.prev_hash for e in values],
                                [e.hash for e in values],
                            ],
                        )
            FiscalYear.objects.filter(pk=year.pk).update(chain_length=index, chain_hash=prev)
            for journal_id, last in numbers.items():
                EntryCounter.objects.create(journal_id=journal_id, fiscal_year=year, last_number=last)


def ledger_pdf_job(association, treasurer, year) -> None:
    """The latest year's general ledger of one account (BENCH_PDF_ACCOUNT, default 6147; "all" for
    the whole ledger) as a PDF, through the job (steps of LINES_PER_STEP lines), run in a forked
    child so that its peak resident memory is its own (ru_maxrss of the child)."""
    import io
    import resource

    connection.close()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child runs the job and reports through its exit status
        code = 1
        try:
            from pypdf import PdfReader

            from associations.tenancy import association_scope
            from finance.reports.exports import report_export_start
            from jobs.models import Job

            with association_scope(association):  # the scope's transaction: the job runs at its commit
                code_wanted = os.environ.get("BENCH_PDF_ACCOUNT", "6147")
                from finance.models import Account

                account_id = None if code_wanted == "all" else Account.objects.get(code=code_wanted).pk
                job = report_export_start(
                    actor=treasurer,
                    role_kind="treasurer",
                    report="ledger",
                    year_id=year.pk,
                    file_format="pdf",
                    account_id=account_id,
                )
            with association_scope(association):
                job.refresh_from_db()
                if not job.result_file:
                    print(f"ledger PDF job: status {job.status}, {job.summary!r} {job.error_message!r}")
                from documents.files import private_storage

                with private_storage().open(job.result_file, "rb") as handle:
                    pages = len(PdfReader(io.BytesIO(handle.read())).pages)
                print(f"ledger PDF job: status {job.status}, {job.steps_total} steps, {pages} pages")
                code = 0 if job.status == Job.Status.SUCCEEDED else 1
        except Exception as exc:
            print(f"ledger PDF job failed: {exc!r}")
        finally:
            sys.stdout.flush()
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ledger PDF job: {elapsed:.0f} s, exit {os.waitstatus_to_exitcode(status)}, peak RSS of the job's "
        f"process {peak:.0f} MiB (bench process before the fork: {parent:.0f} MiB)"
    )


def legacy_trial_balance(year):
    """The trial balance as it was read before the lines carried their entry's year and status:
    through a join to the entries (kept here to compare both shapes on the same data)."""
    from django.db.models import Sum

    from finance.models import EntryLine

    return list(
        EntryLine.objects.filter(entry__fiscal_year=year, entry__status="posted")
        .exclude(entry__kind="closing")
        .values(
            "account_id", "account__code", "account__name_ar", "account__name_fr", "account__account_class"
        )
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("account__code")
    )


def legacy_ledger_page(year, account, after=""):
    """The general-ledger page as it was read before (join to the entries, entry date order)."""
    from django.db.models import Q, Sum

    from finance.models import EntryLine
    from finance.selectors import _decode_cursor

    lines = EntryLine.objects.filter(
        entry__fiscal_year=year, entry__status="posted", account=account
    ).exclude(entry__kind="closing")
    cursor = _decode_cursor(after)
    if cursor:
        day, entry_id, line_id = cursor
        before = (
            Q(entry__date__lt=day)
            | Q(entry__date=day, entry_id__lt=entry_id)
            | Q(entry__date=day, entry_id=entry_id, pk__lte=line_id)
        )
        lines.filter(before).aggregate(d=Sum("debit"), c=Sum("credit"))
        page = lines.exclude(before)
    else:
        page = lines
    return list(
        page.select_related("entry", "entry__journal", "entry__fiscal_year", "project").order_by(
            "entry__date", "entry_id", "pk"
        )[:101]
    )


def explain(path, association, year, account, late_cursor) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) as the application role under row-level security, old and new."""
    from django.db.models import Q, Sum

    from associations.tenancy import association_scope
    from finance import selectors
    from finance.models import EntryLine
    from finance.selectors import _decode_cursor

    day, entry_id, line_id = _decode_cursor(late_cursor)
    with association_scope(association), open(path, "w") as out:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            out.write(f"-- as {cursor.fetchone()[0]}, row-level security on\n")
        old_tb = (
            EntryLine.objects.filter(entry__fiscal_year=year, entry__status="posted")
            .exclude(entry__kind="closing")
            .values("account_id", "account__code")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
            .order_by("account__code")
        )
        new_tb = (
            selectors.posted_lines(year)
            .values("account_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
            .order_by()
        )
        old_before = (
            Q(entry__date__lt=day)
            | Q(entry__date=day, entry_id__lt=entry_id)
            | Q(entry__date=day, entry_id=entry_id, pk__lte=line_id)
        )
        old_lines = EntryLine.objects.filter(
            entry__fiscal_year=year, entry__status="posted", account=account
        ).exclude(entry__kind="closing")
        new_before = (
            Q(date__lt=day)
            | Q(date=day, entry_id__lt=entry_id)
            | Q(date=day, entry_id=entry_id, pk__lte=line_id)
        )
        new_lines = selectors.posted_lines(year).filter(account=account)
        queries = {
            "trial balance, before (join to entries)": old_tb,
            "trial balance, after (lines' copies, covering index)": new_tb,
            "ledger page 101: carried balance, before": old_lines.filter(old_before),
            "ledger page 101: carried balance, after": new_lines.filter(date__lte=day).filter(new_before),
            "ledger page 101: rows, before": old_lines.exclude(old_before)
            .select_related("entry", "entry__journal", "entry__fiscal_year", "project")
            .order_by("entry__date", "entry_id", "pk")[:101],
            "ledger page 101: rows, after": new_lines.filter(date__gte=day)
            .exclude(new_before)
            .select_related("entry", "entry__journal", "entry__fiscal_year", "project")
            .order_by("date", "entry_id", "pk")[:101],
        }
        for name, queryset in queries.items():
            if "carried" in name:
                sql, params = (
                    queryset.values("association_id")
                    .annotate(d=Sum("debit"), c=Sum("credit"))
                    .order_by()
                    .query.sql_with_params()
                )
            else:
                sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.write(f"\n-- {name}\n{plan}\n")
    print(f"EXPLAIN ANALYZE written to {path}")


def post_concurrently(
    association, treasurer, year, *, writers, per_writer, processes: bool, tag: str
) -> None:
    """`writers` officers posting `per_writer` entries each into one journal (CAI) of the open year,
    as threads of this process or as separate processes (as web workers are); entries/s over the
    wall-clock time from the start barrier to the last commit; numbers checked gap-free."""
    import multiprocessing

    from associations.tenancy import association_scope
    from finance.models import Account, Entry, Journal
    from finance.services.entries import LineInput, entry_create
    from finance.tests.helpers import simple_entry

    with association_scope(association):
        before = set(
            Entry.objects.filter(fiscal_year=year, journal__code="CAI", status="posted").values_list(
                "number", flat=True
            )
        )
        # The ids a posting form submits, looked up once (not three lookups by code per posting,
        # which the figure counted before: finance.tests.helpers.simple_entry). Same entry shape.
        journal_id = Journal.objects.get(code="CAI").pk
        cash_id, dues_id = (Account.objects.get(code=code).pk for code in ("5161", "7152"))
    connection.close()

    def work(i, barrier, report):
        numbers, error, started = [], "", time.time()
        try:
            barrier.wait(timeout=60)
            started = time.time()
            for j in range(per_writer):
                amount = Decimal(f"{i + 1}.{j % 100:02d}")
                with association_scope(association):
                    if BY_CODE:  # as measured before: journal and accounts looked up by code each time
                        entry = simple_entry(
                            treasurer, year.start_date + timedelta(days=j % 300), "5161", "7152", amount,
                            journal_code="CAI",
                        )  # fmt: skip
                        numbers.append(entry.number)
                        continue
                    entry = entry_create(
                        actor=treasurer, journal_id=journal_id, date=year.start_date + timedelta(days=j % 300),
                        label="x", lines=[LineInput(cash_id, debit=amount), LineInput(dues_id, credit=amount)],
                        post=True,
                    )  # fmt: skip
                numbers.append(entry.number)
        except Exception as exc:
            error = repr(exc)
        finally:
            connection.close()
        report((numbers, error, started, time.time()))

    results = []
    if processes:
        context = multiprocessing.get_context("fork")
        barrier, queue = context.Barrier(writers), context.Queue()
        children = [context.Process(target=work, args=(i, barrier, queue.put)) for i in range(writers)]
        for child in children:
            child.start()
        results = [queue.get() for _ in children]
        for child in children:
            child.join()
    else:
        barrier = threading.Barrier(writers)
        threads = [threading.Thread(target=work, args=(i, barrier, results.append)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    numbers = [n for r in results for n in r[0]]
    errors = [r[1] for r in results if r[1]]
    elapsed = max(r[3] for r in results) - min(r[2] for r in results)
    with association_scope(association):
        after = set(
            Entry.objects.filter(fiscal_year=year, journal__code="CAI", status="posted").values_list(
                "number", flat=True
            )
        )
    gap_free = sorted(after) == list(range(1, len(after) + 1)) and sorted(after - before) == sorted(numbers)
    print(
        f"posting, {tag}: {writers} writers x {per_writer} = {len(numbers)} entries in {elapsed:.2f} s -> "
        f"{len(numbers) / elapsed:.0f} entries/s; errors {len(errors)} {errors[:1]}; gap-free {gap_free}"
    )


def load(rng):
    from associations.capabilities import RoleKind
    from associations.tenancy import association_scope
    from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
    from finance.models import Account, FiscalYear
    from finance.services.budget import budget_save
    from finance.services.years import fiscal_year_close

    t0 = time.perf_counter()
    others = [AssociationFactory(fiscal_year_start_month=1) for _ in range(ASSOCIATIONS - 1)]
    print(f"{ASSOCIATIONS - 1} associations created and seeded in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    for other in others if OTHER_ENTRIES else []:
        load_entries(other, OTHER_ENTRIES, rng, years=1)
    print(f"{OTHER_ENTRIES} entries each loaded in {time.perf_counter() - t0:.0f} s")
    association = AssociationFactory(slug="big-books", fiscal_year_start_month=1)
    treasurer = UserFactory(email="bench-treasurer@example.ma")
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    t0 = time.perf_counter()
    load_entries(association, ENTRIES, rng)
    print(f"{ENTRIES} entries ({3 * ENTRIES} lines) loaded in {time.perf_counter() - t0:.0f} s")
    vacuum()
    with association_scope(association):
        t0 = time.perf_counter()
        for year in FiscalYear.objects.order_by("start_date")[: YEARS - 1]:
            fiscal_year_close(actor=treasurer, year_id=year.pk)
        print(f"{YEARS - 1} years closed in {time.perf_counter() - t0:.1f} s")
        year = FiscalYear.objects.filter(status="open").order_by("start_date").first()
        budgeted = Account.objects.filter(code__in=["715", "717", "613", "618", "6131", "7152"])
        budget_save(actor=treasurer, year_id=year.pk, amounts={a.pk: "100000" for a in budgeted})
    vacuum()
    return association, treasurer


def vacuum():
    """VACUUM ANALYZE, as autovacuum would after such a load (index-only scans need the visibility map)."""
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, keepdb=KEEP, serialized_aliases=set())
    try:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        from associations.models import Association
        from associations.tenancy import association_scope
        from finance import selectors
        from finance.models import Account, Entry, EntryLine, FiscalYear
        from finance.reports.statements import bilan_report, cpc_report
        from finance.verify import verify_books

        rng = random.Random(7)
        association = Association.objects.filter(slug="big-books").first() if KEEP else None
        if association is None:
            association, treasurer = load(rng)
        else:
            treasurer = User.objects.get(email="bench-treasurer@example.ma")
            print("reusing the kept database (vacuumed after its loading)")

        with association_scope(association):
            totals = {"entries": Entry.objects.count(), "lines": EntryLine.objects.count()}
            year = FiscalYear.objects.filter(status="open").order_by("start_date").first()
        print(f"big association: {totals['entries']} entries, {totals['lines']} lines; open year {year}")

        client = Client(headers={"Accept-Language": "fr"})
        client.force_login(treasurer)
        with association_scope(association):
            busiest = Account.objects.get(code="5161")
            first_page = selectors.general_ledger_page(year, busiest)
            late_cursor = first_page.next_cursor
            for _ in range(100):  # page 101
                late_cursor = selectors.general_ledger_page(year, busiest, after=late_cursor).next_cursor
        slug = association.slug

        def in_scope(fn):
            def run():
                with association_scope(association):
                    fn()

            return run

        if os.environ.get("BENCH_EXPLAIN"):
            explain(os.environ["BENCH_EXPLAIN"], association, year, busiest, late_cursor)

        if "reads" in PARTS:
            figures = {  # each measured and printed in turn (lazily, so a long run shows progress)
                "trial balance (selector)": lambda: timed(in_scope(lambda: selectors.trial_balance(year))),
                "trial balance, old query shape (join to entries)": lambda: timed(
                    in_scope(lambda: legacy_trial_balance(year))
                ),
                "trial balance (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/trial-balance/?year={year.pk}")
                ),
                "general ledger, first page (selector)": lambda: timed(
                    in_scope(lambda: selectors.general_ledger_page(year, busiest))
                ),
                "general ledger, page 101 (selector)": lambda: timed(
                    in_scope(lambda: selectors.general_ledger_page(year, busiest, after=late_cursor))
                ),
                "general ledger, page 101, old query shape": lambda: timed(
                    in_scope(lambda: legacy_ledger_page(year, busiest, after=late_cursor))
                ),
                "general ledger, first page (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/accounts/{busiest.pk}/?year={year.pk}")
                ),
                "general ledger, page 101 (page)": lambda: timed(
                    lambda: client.get(
                        f"/a/{slug}/finance/accounts/{busiest.pk}/?year={year.pk}&after={late_cursor}"
                    )
                ),
                "journals page (baseline: shell, menu, no ledger query)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/journals/")
                ),
                "entries list (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/?year={year.pk}")
                ),
                "Bilan with previous year (report)": lambda: timed(in_scope(lambda: bilan_report(year))),
                "CPC with previous year (report)": lambda: timed(in_scope(lambda: cpc_report(year))),
                "Bilan (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/reports/bilan/?year={year.pk}")
                ),
                "CPC (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/reports/cpc/?year={year.pk}")
                ),
                "budget vs actual (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/reports/budget/?year={year.pk}")
                ),
                "cash and bank position (page)": lambda: timed(
                    lambda: client.get(f"/a/{slug}/finance/reports/treasury/?year={year.pk}")
                ),
                "Bilan (API)": lambda: timed(
                    lambda: client.get(f"/api/v1/associations/{slug}/finance/reports/bilan/?year={year.pk}")
                ),
            }
            for name, measure in figures.items():
                median, p95 = measure()
                print(f"{name:55s} median {median:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
            load_average = os.getloadavg()
            print(f"load average at the end of the reads: {load_average[0]:.1f} {load_average[1]:.1f}")

        if "posting" in PARTS:
            post_concurrently(
                association,
                treasurer,
                year,
                writers=1,
                per_writer=PER_WRITER * 4,
                processes=False,
                tag="1 writer",
            )
            if os.environ.get("BENCH_THREADS") == "1":
                post_concurrently(
                    association, treasurer, year, writers=WRITERS, per_writer=PER_WRITER, processes=False,
                    tag="threads of one process (as measured before)",
                )  # fmt: skip
            post_concurrently(
                association, treasurer, year, writers=WRITERS, per_writer=PER_WRITER, processes=True,
                tag="16 processes (as 16 web workers)",
            )  # fmt: skip
            print(f"load average: {os.getloadavg()[0]:.1f}")

        if "verify" in PARTS:
            start = time.perf_counter()
            fault = verify_books(association)
            print(
                f"ledger_verify of the big association: {time.perf_counter() - start:.1f} s, fault: {fault}"
            )

        if "pdf" in PARTS:
            ledger_pdf_job(association, treasurer, year)
    finally:
        connection.close()
        if not KEEP:
            teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
