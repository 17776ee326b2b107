"""Planning's PDF reports as background jobs (jobs app): a project sheet, and a plan report.

A plan report of many projects is rendered in steps of PROJECTS_PER_STEP projects, each step a
task of its own that stores a part file; the finish joins the parts with pypdf (as finance's
ledger PDF does), so a plan of 200 projects never holds a worker near the broker's visibility
timeout. The job ends "done" only once the joined file exists: a rendering that fails fails the
job, with nothing kept (jobs.services)."""

from __future__ import annotations

import io
import math

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.errors import WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, JobSteps, register_job_kind
from jobs.services import job_start
from planning.models import Plan, Project
from planning.output_pdf import plan_part_pdf, project_sheet_pdf
from planning.output_reports import plan_projects, projects_loaded

# Who may ask for, follow and download planning's reports.
CAPABILITY = "planning.view"
PROJECTS_PER_STEP = 20
PDF = "application/pdf"


def _int(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


def _year_or_none(year_id):
    from finance.models import FiscalYear
    from finance.selectors import current_year

    if year_id in (None, ""):
        return current_year()
    return FiscalYear.objects.filter(pk=_int(year_id) or 0).first()


def _checked_year(year_id) -> int | None:
    """The fiscal year's id (the current one when none is chosen; None when the books have none)."""
    year = _year_or_none(year_id)
    if year is None and year_id not in (None, ""):
        raise WaslError(_("Choose a fiscal year."), field="year")
    return year.pk if year else None


@transaction.atomic
def project_sheet_start(*, actor, role_kind: str | None, planning_project_id, year_id=None) -> Job:
    """Queue a project sheet; its parameters are checked now, so the job cannot fail on them."""
    project = Project.objects.filter(pk=_int(planning_project_id) or 0).first()
    if project is None:
        raise WaslError(_("This project does not exist."), field="project")
    return job_start(
        actor=actor,
        role_kind=role_kind,
        kind=PROJECT_SHEET.key,
        params={"planning_project_id": project.pk, "year_id": _checked_year(year_id)},
    )


@transaction.atomic
def plan_report_start(*, actor, role_kind: str | None, plan_id, year_id=None) -> Job:
    plan = Plan.objects.filter(pk=_int(plan_id) or 0).first()
    if plan is None:
        raise WaslError(_("This plan does not exist."), field="plan")
    return job_start(
        actor=actor,
        role_kind=role_kind,
        kind=PLAN_REPORT.key,
        params={"plan_id": plan.pk, "year_id": _checked_year(year_id)},
    )


def _job_year(params: dict):
    from finance.models import FiscalYear

    if not params.get("year_id"):
        return None
    year = FiscalYear.objects.filter(pk=params["year_id"]).first()
    if year is None:
        raise WaslError(_("This fiscal year no longer exists."))
    return year


def _slug() -> str:
    return Association.objects.only("slug").get(pk=current_association_id()).slug


# --- Project sheet -----------------------------------------------------------------------------


def run_project_sheet(*, job, params: dict, progress) -> JobOutcome:
    project = projects_loaded(Project.objects.filter(pk=params.get("planning_project_id") or 0)).first()
    if project is None:
        return JobOutcome(summary=_("This project no longer exists."), refused=1)
    year = _job_year(params)
    progress.total(1)
    pdf = project_sheet_pdf(project, year=year, language=job.language)
    progress.advance()
    return JobOutcome(
        summary=_("The project sheet is ready."),
        applied=1,
        file=JobResult(
            content=pdf, filename=f"project-{project.finance_project.code}-{_slug()}.pdf", content_type=PDF
        ),
    )


PROJECT_SHEET = register_job_kind(
    JobKind(
        key="planning.project_sheet",
        label=gettext_lazy("Project sheet (PDF)"),
        capability=CAPABILITY,
        handler=run_project_sheet,
    )
)


# --- Plan report, in steps ----------------------------------------------------------------------


def _plan(params: dict) -> Plan | None:
    return Plan.objects.filter(pk=params.get("plan_id") or 0).first()


def _batch(plan: Plan, index: int) -> list[Project]:
    ids = list(
        plan_projects(plan)
        .order_by("pk")
        .values_list("pk", flat=True)[index * PROJECTS_PER_STEP : (index + 1) * PROJECTS_PER_STEP]
    )
    return list(projects_loaded(Project.objects.filter(pk__in=ids)))


def _plan_outcome(plan: Plan, content: bytes, count: int) -> JobOutcome:
    return JobOutcome(
        summary=_("The plan report is ready."),
        applied=count,
        file=JobResult(
            content=content, filename=f"plan-{plan.pk}-v{plan.version}-{_slug()}.pdf", content_type=PDF
        ),
    )


def run_plan_report(*, job, params: dict, progress):
    plan = _plan(params)
    if plan is None:
        return JobOutcome(summary=_("This plan no longer exists."), refused=1)
    year = _job_year(params)
    count = plan_projects(plan).count()
    progress.total(count + 1)
    if count > PROJECTS_PER_STEP:
        return JobSteps(count=math.ceil(count / PROJECTS_PER_STEP), state={"parts": [], "projects": count})
    pdf = plan_part_pdf(
        plan, _batch(plan, 0), year=year, language=job.language, with_cover=True, part_index=0
    )
    progress.advance(count + 1)
    return _plan_outcome(plan, pdf, count)


def _part_name(job, index: int) -> str:
    return f"associations/{job.association_id}/jobs/plan-report-{job.pk}-part-{index:05d}.pdf"


def plan_report_step(*, job, state: dict, index: int, progress) -> dict:
    """Render part `index`: the cover with the first batch, then one batch of projects each."""
    from documents.files import private_storage

    plan = _plan(job.params)
    if plan is None:
        raise WaslError(_("This plan no longer exists."))
    projects = _batch(plan, index)
    pdf = plan_part_pdf(
        plan, projects, year=_job_year(job.params), language=job.language, with_cover=index == 0,
        part_index=index,
    )  # fmt: skip
    storage = private_storage()
    name = _part_name(job, index)
    storage.delete(name)  # a repeated step writes the same name
    stored = storage.save(name, ContentFile(pdf))
    progress.advance(len(projects) + (1 if index == 0 else 0))
    return {"parts": [*state["parts"][:index], stored]}


def plan_report_finish(*, job, state: dict, progress) -> JobOutcome:
    from pypdf import PdfReader, PdfWriter

    from documents.files import private_storage

    plan = _plan(job.params)
    if plan is None:
        return JobOutcome(summary=_("This plan no longer exists."), refused=1)
    storage = private_storage()
    writer = PdfWriter()
    for name in state["parts"]:
        with storage.open(name, "rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    buffer = io.BytesIO()
    writer.write(buffer)
    return _plan_outcome(plan, buffer.getvalue(), state["projects"])


def plan_report_cleanup(*, job, state: dict, succeeded: bool) -> None:
    from documents.files import private_storage

    storage = private_storage()
    for name in {*state.get("parts", []), *(_part_name(job, i) for i in range(job.steps_total or 0))}:
        storage.delete(name)


PLAN_REPORT = register_job_kind(
    JobKind(
        key="planning.plan_report",
        label=gettext_lazy("Plan report (PDF)"),
        capability=CAPABILITY,
        handler=run_plan_report,
        step=plan_report_step,
        finish=plan_report_finish,
        cleanup=plan_report_cleanup,
    )
)
