"""Pages to ask for planning's PDF reports (/a/<slug>/planning/reports/…). Asking queues a job and
leads to the job's page (jobs app), which shows its progress and offers the file only once the job
has produced it: nothing here says the report is ready."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from associations.decorators import requires
from associations.errors import WaslError
from planning.models import Plan, Project
from planning.output_jobs import CAPABILITY, plan_report_start, project_sheet_start
from planning.output_reports import plan_projects


def _years():
    from finance.selectors import current_year, fiscal_years

    return list(fiscal_years()), current_year()


@requires(CAPABILITY)
@require_GET
def reports(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The plans and the projects whose report may be asked for."""
    plans = list(Plan.objects.order_by("-starts_year", "-version", "-pk")[:50])
    projects = list(Project.objects.select_related("finance_project").order_by("finance_project__code", "pk"))
    return render(request, "planning/output_reports.html", {"plans": plans, "projects": projects})


def _request_page(request, *, start, template: str, context: dict, **ids) -> HttpResponse:
    years, current = _years()
    error = ""
    if request.method == "POST":
        try:
            job = start(
                actor=request.user, role_kind=request.role.kind, year_id=request.POST.get("year", ""), **ids
            )
        except WaslError as exc:
            if exc.code == "permission_denied":
                raise PermissionDenied from exc
            error = exc.message
        else:
            return redirect("jobs:detail", association_slug=request.association.slug, job_id=job.pk)
    return render(
        request,
        template,
        {**context, "years": years, "current_year": current, "error": error},
        status=400 if error else 200,
    )


@requires(CAPABILITY)
@require_http_methods(["GET", "POST"])
def project_sheet(request: HttpRequest, association_slug: str, planning_project_id: int) -> HttpResponse:
    project = Project.objects.select_related("finance_project").filter(pk=planning_project_id).first()
    if project is None:
        raise Http404
    return _request_page(
        request,
        start=project_sheet_start,
        template="planning/output_request.html",
        context={"project": project},
        planning_project_id=project.pk,
    )


@requires(CAPABILITY)
@require_http_methods(["GET", "POST"])
def plan_report(request: HttpRequest, association_slug: str, plan_id: int) -> HttpResponse:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return _request_page(
        request,
        start=plan_report_start,
        template="planning/output_request.html",
        context={"plan": plan, "project_count": plan_projects(plan).count()},
        plan_id=plan.pk,
    )
