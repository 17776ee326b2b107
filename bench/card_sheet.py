"""Member card sheets: time (wall clock, and CPU time of this process, which a busy machine
disturbs less) to produce the A4 sheets of 10, 100 and 1,000 cards, through the real
job (job_start → the "members.cards" job kind: one card document per member, the PDF, stored),
with Celery eager as in `make run`, so every task the job queues runs here, one after another.

    .venv/bin/python bench/card_sheet.py                     # SQLite, sizes 10,100,1000
    BENCH_SIZES=10,100 .venv/bin/python bench/card_sheet.py
    BENCH_PROFILE=1 BENCH_SIZES=100 .venv/bin/python bench/card_sheet.py   # + the 25 costliest calls
    BENCH_SAVE=/tmp BENCH_SIZES=10 .venv/bin/python bench/card_sheet.py      # keep the PDFs

Creates and drops its own test database (DATABASE_URL for PostgreSQL, SQLite otherwise).
"""

import cProfile
import io
import os
import pstats
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from pypdf import PdfReader  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10,100,1000").split(",")]
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
LAST = ["Alaoui", "Bennani", "Chraibi", "Idrissi", "Tazi", "Berrada", "El Fassi", "Ouazzani"]
LAST_AR = ["العلوي", "بناني", "الشرايبي", "الإدريسي", "التازي", "برادة", "الفاسي", "الوزاني"]


def populate(size: int) -> None:
    from members.models import Member, MemberCategory, MemberNumberCounter
    from members.text import member_search_text

    category = MemberCategory.objects.create(name_fr="Membre actif", name_ar="عضو نشيط")
    batch = []
    for i in range(1, size + 1):
        member = Member(
            number=i,
            first_name_latin=f"Prenom{i}",
            last_name_latin=LAST[i % 8],
            first_name_ar="أمينة",
            last_name_ar=LAST_AR[i % 8],
            phone=f"+2126{10000000 + i:08d}",
            category=category,
            status="active",
        )
        member.search_text = member_search_text(member)
        batch.append(member)
    Member.objects.bulk_create(batch, batch_size=2000)
    MemberNumberCounter.objects.create(last_number=size)


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from django.utils import translation

        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
        from jobs.models import Job
        from jobs.services import job_start

        print(f"{connection.vendor}; card sheets through the members.cards job (Celery eager), seconds")
        for size in SIZES:
            association = AssociationFactory(
                slug=f"bench-cards-{size}",
                name_fr="Association Al Amal pour le développement",
                name_ar="جمعية الأمل للتنمية",
            )
            president = UserFactory()
            RoleFactory(association=association, user=president)
            with association_scope(association):
                populate(size)
            profiler = cProfile.Profile() if PROFILE else None
            start, cpu_start = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            with association_scope(association), translation.override("fr"):
                job = job_start(actor=president, role_kind="president", kind="members.cards", params={})
            if profiler:
                profiler.disable()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            with association_scope(association):
                job.refresh_from_db()
                pdf = b""
                if job.result_file:
                    from documents.files import private_storage

                    with private_storage().open(job.result_file, "rb") as handle:
                        pdf = handle.read()
            pages = len(PdfReader(io.BytesIO(pdf)).pages) if pdf else 0
            if os.environ.get("BENCH_SAVE"):  # a folder: keep each sheet to look at it
                Path(os.environ["BENCH_SAVE"], f"cards-{size}.pdf").write_bytes(pdf)
            assert job.status == Job.Status.SUCCEEDED, (job.status, job.error_message)
            print(
                f"{size:>6} cards: {elapsed:8.1f} s wall, {cpu:8.1f} s CPU ({cpu / size * 1000:4.0f} ms CPU per "
                f"card; PDF {len(pdf) / 1024:,.0f} KiB, {pages} pages)"
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
                print(out.getvalue())
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak RSS {maxrss:.0f} MiB")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
