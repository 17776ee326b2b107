"""Planning at scale (PostgreSQL): one association with 200 projects, 5,000 activities and 20,000
measurements (600 indicators), its books carrying the projects (a budget line and a posted entry
each), among BENCH_ASSOCIATIONS other associations with a few projects each.

Measures:
- the plan report PDF (every project's logframe, activities and budget against the books) through
  its job, in steps of PROJECTS_PER_STEP projects joined with pypdf: the time of the whole job in
  this process (wall clock, and CPU time: on a shared machine the CPU time is the steadier figure), then, in a separate run in a forked child, the peak resident memory of the process
  that runs it (ru_maxrss of the child; no tracemalloc, so the timing is not slowed by it);
- one project sheet PDF (time);
- the median and p95 over BENCH_RUNS requests of the project list (`planning:projects`), the
  timeline (`planning_tracking:timeline`) and the reports page (`planning_outputs:reports`), through
  the Django test client as the president (a page whose URL is not there yet is reported so).

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/planning.py

Creates and drops its own test database. BENCH_PROJECTS=200 BENCH_ACTIVITIES=5000
BENCH_MEASUREMENTS=20000 BENCH_ASSOCIATIONS=20 BENCH_RUNS=20. BENCH_KEEP=1 keeps the test database,
and a later run with BENCH_KEEP=1 reuses it (no loading). BENCH_PARTS=pdf,memory,pages chooses what
to measure (default: all).
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "200"))
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "5000"))
MEASUREMENTS = int(os.environ.get("BENCH_MEASUREMENTS", "20000"))
INDICATORS_PER_PROJECT = 3
ASSOCIATIONS = int(os.environ.get("BENCH_ASSOCIATIONS", "20"))
OTHER_PROJECTS = 5
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
PARTS = set((os.environ.get("BENCH_PARTS") or "pdf,memory,pages").split(","))
# The pages measured by the "pages" part (BENCH_PAGES=planning:projects for the project list alone).
PAGES = (
    os.environ.get("BENCH_PAGES") or "planning:projects,planning_tracking:timeline,planning_outputs:reports"
).split(",")
YEAR = 2026
SLUG = "big-plan"


def stats(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def load_planning(association, president, *, projects: int, activities: int, measurements: int, rng):
    """A plan (4 objectives, 8 programmes), `projects` finance projects with their planning side, a
    budget line and one posted expense each; activities and measurements spread over the projects
    and their indicators. Bulk-inserted inside the association's scope (row-level security on)."""
    from associations.tenancy import association_scope
    from finance.models import Account, BudgetLine, FiscalYear
    from finance.models import Project as FinanceProject
    from finance.services.entries import LineInput, entry_create
    from finance.tests.helpers import journal
    from planning.models import Activity, Indicator, Measurement, Objective, Plan, Programme, Project

    with association_scope(association):
        year, _ = FiscalYear.objects.get_or_create(
            start_date=date(YEAR, 1, 1), defaults={"end_date": date(YEAR, 12, 31)}
        )
        plan = Plan.objects.create(
            title_ar="الخطة الاستراتيجية 2026-2028", title_fr="Plan stratégique 2026-2028",
            vision_fr="Des villages où chaque foyer a l'eau et l'école.", starts_year=YEAR, ends_year=YEAR + 2,
        )  # fmt: skip
        objectives = [
            Objective.objects.create(
                plan=plan,
                code=f"O{i}",
                position=i,
                text_ar=f"هدف استراتيجي رقم {i}",
                text_fr=f"Objectif stratégique {i} : améliorer l'accès aux services de base",
            )
            for i in range(1, 5)
        ]
        programmes = [
            Programme.objects.create(
                objective=objectives[i % 4], code=f"P{i}", title_ar=f"برنامج {i}", title_fr=f"Programme {i}"
            )
            for i in range(8)
        ]
        finance_projects = FinanceProject.objects.bulk_create(
            [
                FinanceProject(
                    code=f"PR{i:03d}",
                    name_ar=f"مشروع تنموي رقم {i}",
                    name_fr=f"Projet de développement {i}",
                    starts_on=date(YEAR, 1, 1),
                    ends_on=date(YEAR + 1, 12, 31),
                    budget=Decimal("100000"),
                )
                for i in range(projects)
            ]
        )
        planned = Project.objects.bulk_create(
            [
                Project(
                    finance_project=fp,
                    programme=programmes[i % len(programmes)],
                    commune="Ait Ourir",
                    target_group="Femmes rurales et jeunes",
                    beneficiaries_planned=500,
                    beneficiaries_reached=rng.randint(0, 500),
                    status="running",
                    partners="Commune, Direction provinciale de l'éducation",
                )
                for i, fp in enumerate(finance_projects)
            ]
        )
        expense = Account.objects.get(code="6131")
        cash = Account.objects.get(code="5161")
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(fiscal_year=year, account=expense, project=fp, amount=Decimal("50000"))
                for fp in finance_projects
            ]
        )
        od = journal("OD")
        for i, fp in enumerate(finance_projects):
            amount = Decimal(rng.randint(1000, 40000))
            entry_create(
                actor=president,
                journal_id=od.pk,
                date=date(YEAR, 1 + i % 12, 1 + i % 28),
                label=f"Dépense {i}",
                lines=[
                    LineInput(expense.pk, debit=amount, project_id=fp.pk),
                    LineInput(cash.pk, credit=amount),
                ],
                post=True,
            )
        levels = ["goal", "purpose", "output"]
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    project=p,
                    level=levels[k],
                    name_ar=f"مؤشر {k}",
                    name_fr=f"Indicateur {k} du projet",
                    unit="number",
                    baseline=Decimal("10"),
                    target=Decimal("400"),
                    means_of_verification="Rapports trimestriels, listes de présence",
                    assumptions="Les partenaires tiennent leurs engagements",
                )
                for p in planned
                for k in range(INDICATORS_PER_PROJECT)
            ]
        )
        start = date(YEAR, 1, 1)
        Activity.objects.bulk_create(
            [
                Activity(
                    project=planned[i % len(planned)],
                    title_ar=f"نشاط {i}",
                    title_fr=f"Atelier de sensibilisation {i}",
                    starts_on=start + timedelta(days=(i * 7) % 600),
                    ends_on=start + timedelta(days=(i * 7) % 600 + rng.randint(1, 60)),
                    status=rng.choice(["planned", "running", "done", "done"]),
                )
                for i in range(activities)
            ],
            batch_size=2000,
        )
        Measurement.objects.bulk_create(
            [
                Measurement(
                    indicator=indicators[i % len(indicators)],
                    measured_on=start + timedelta(days=(i // len(indicators)) * 20),
                    value=Decimal(rng.randint(10, 400)),
                )
                for i in range(measurements)
            ],
            batch_size=5000,
        )
    return plan


def load(rng):
    from associations.capabilities import RoleKind
    from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory

    t0 = time.perf_counter()
    for _ in range(ASSOCIATIONS):
        other = AssociationFactory(fiscal_year_start_month=1)
        user = UserFactory()
        RoleFactory(association=other, user=user, kind=RoleKind.PRESIDENT)
        load_planning(other, user, projects=OTHER_PROJECTS, activities=50, measurements=100, rng=rng)
    print(
        f"{ASSOCIATIONS} other associations with {OTHER_PROJECTS} projects each in {time.perf_counter() - t0:.0f} s"
    )
    association = AssociationFactory(slug=SLUG, fiscal_year_start_month=1)
    president = UserFactory(email="bench-planning@example.ma")
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    t0 = time.perf_counter()
    load_planning(
        association, president, projects=PROJECTS, activities=ACTIVITIES, measurements=MEASUREMENTS, rng=rng
    )
    print(
        f"{PROJECTS} projects, {ACTIVITIES} activities, {MEASUREMENTS} measurements loaded in "
        f"{time.perf_counter() - t0:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return association, president


def plan_report_job(association, president):
    """Run the plan report job (eager tasks: its steps run one after the other here); (seconds, job)."""
    from associations.tenancy import association_scope
    from planning.models import Plan
    from planning.output_jobs import plan_report_start

    start = time.perf_counter()
    with association_scope(association):  # the scope's transaction: the job runs at its commit
        plan = Plan.objects.get()
        job = plan_report_start(actor=president, role_kind="president", plan_id=plan.pk)
    elapsed = time.perf_counter() - start
    with association_scope(association):
        job.refresh_from_db()
    return elapsed, job


def pages_of(association, job) -> int:
    import io

    from pypdf import PdfReader

    from associations.tenancy import association_scope
    from documents.files import private_storage

    with association_scope(association), private_storage().open(job.result_file, "rb") as handle:
        return len(PdfReader(io.BytesIO(handle.read())).pages)


def measure_pdf(association, president) -> None:
    from django.utils import translation

    from associations.tenancy import association_scope
    from planning.output_jobs import PROJECTS_PER_STEP
    from planning.output_pdf import project_sheet_pdf
    from planning.output_reports import projects_loaded

    cpu = time.process_time()
    with translation.override("ar"):
        elapsed, job = plan_report_job(association, president)
    cpu = time.process_time() - cpu
    if job.status != "succeeded":
        print(f"plan report job: status {job.status} {job.error_message!r}")
        return
    print(
        f"plan report PDF job (ar): {elapsed:.1f} s wall clock, {cpu:.1f} s CPU of this process, "
        f"{job.steps_total} steps of {PROJECTS_PER_STEP} projects, {pages_of(association, job)} pages"
    )
    from planning.models import Project

    with association_scope(association), translation.override("ar"):
        project = projects_loaded(Project.objects.all()).first()
        samples, cpu_samples = [], []
        for _ in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            project_sheet_pdf(project, year=None, language="ar")
            samples.append(time.perf_counter() - start)
            cpu_samples.append(time.process_time() - cpu)
    print(
        f"project sheet PDF (25 activities, 3 indicators): median {statistics.median(samples):.2f} s "
        f"wall clock, {statistics.median(cpu_samples):.2f} s CPU"
    )


def measure_memory(association, president) -> None:
    """The same job again in a forked child: its peak resident memory is its own."""
    import resource

    from django.utils import translation

    connection.close()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with translation.override("ar"):
                _elapsed, job = plan_report_job(association, president)
            code = 0 if job.status == "succeeded" else 1
        except Exception as exc:
            print(f"plan report job failed: {exc!r}")
        finally:
            sys.stdout.flush()
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = children.ru_maxrss / 1024
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"plan report PDF job, separate run: exit {os.waitstatus_to_exitcode(status)}, peak RSS of the "
        f"job's process {peak:.0f} MiB (bench process before the fork: {parent:.0f} MiB), CPU "
        f"{children.ru_utime + children.ru_stime:.0f} s"
    )


def measure_pages(association, president) -> None:
    if os.environ.get("BENCH_PROJECTS_PER_PAGE"):  # e.g. 200: the project list as it was before paging
        from planning import views

        views.PROJECTS_PER_PAGE = int(os.environ["BENCH_PROJECTS_PER_PAGE"])
    client = Client()
    client.force_login(president)
    for page in PAGES:  # a URL name, optionally with a query string: planning:projects?page=4
        name, _sep, query = page.partition("?")
        try:
            url = reverse(name, kwargs={"association_slug": association.slug}) + (
                f"?{query}" if query else ""
            )
        except NoReverseMatch:
            print(f"{name}: no such page on this branch (merge the part that adds it)")
            continue
        client.get(url, HTTP_ACCEPT_LANGUAGE="ar")  # warm
        samples, cpu = [], []
        size = 0
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code}")
            size = len(response.content)
        median, p95 = stats(samples)
        cpu_median, cpu_p95 = stats(cpu)
        print(
            f"{page}: median {median:.0f} ms, p95 {p95:.0f} ms over {RUNS} requests ({size // 1024} KiB); "
            f"this process's CPU median {cpu_median:.0f} ms, p95 {cpu_p95:.0f} ms"
        )


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, keepdb=KEEP, serialized_aliases=set())
    try:
        from django.contrib.auth import get_user_model

        from associations.models import Association

        rng = random.Random(16)
        association = Association.objects.filter(slug=SLUG).first() if KEEP else None
        if association is None:
            association, president = load(rng)
        else:
            president = get_user_model().objects.get(email="bench-planning@example.ma")
            print("reusing the kept database")
        if "pages" in PARTS:
            measure_pages(association, president)
        if "pdf" in PARTS:
            measure_pdf(association, president)
        if "memory" in PARTS:
            measure_memory(association, president)
    finally:
        if not KEEP:
            teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
