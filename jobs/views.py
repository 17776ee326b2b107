"""Start a background job, then follow it: a page with a progress bar that HTMX refreshes, then a
download."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from associations.decorators import requires
from associations.errors import WaslError
from documents.files import serve_private_file
from jobs import selectors
from jobs.models import Job
from jobs.registry import job_kind, startable_job_kind
from jobs.services import job_progress, job_result_expires_at, job_start


def _job_or_404(request, job_id: int) -> Job:
    job = selectors.job_visible_to(job_id=job_id, user=request.user, role_kind=request.role.kind)
    if job is None:
        raise Http404
    return job


def _context(job: Job) -> dict:
    done, total = job_progress(job)
    percent = int(done * 100 / total) if total else (100 if job.finished else 0)
    kind = job_kind(job.kind)
    result_url = kind.result_url(job) if kind.result_url and job.finished else None
    return {
        "job": job,
        "kind": kind,
        "done": done,
        "total": total,
        "percent": percent,
        "result_url": result_url,
        "result_expires_at": job_result_expires_at(job),
    }


@requires("association.view")  # the kind's own capability is checked by job_start
@require_POST
def job_start_view(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Start a registered kind from a form (`kind` and its own fields), and follow it. The tenant
    core's pages start their jobs here, so the core never calls the jobs service itself."""
    kind = startable_job_kind(request.POST.get("kind", ""))
    if kind is None:
        raise Http404
    try:
        job = job_start(
            actor=request.user,
            role_kind=request.role.kind,
            kind=kind.key,
            params=kind.start_params(request.POST),
        )
    except WaslError as exc:
        if exc.code == "permission_denied":
            raise PermissionDenied from exc
        messages.error(request, exc.message)
        return redirect("jobs:list", association_slug=association_slug)
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


@requires("jobs.view")
@require_GET
def job_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    jobs = selectors.job_list_for(user=request.user)[:50]
    return render(request, "jobs/list.html", {"jobs": [_context(job) for job in jobs]})


@requires("jobs.view")
@require_GET
def job_detail(request: HttpRequest, association_slug: str, job_id: int) -> HttpResponse:
    context = _context(_job_or_404(request, job_id))
    template = "jobs/detail.html#progress" if request.htmx else "jobs/detail.html"
    return render(request, template, context)


@requires("jobs.view")
@require_GET
def job_download(request: HttpRequest, association_slug: str, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if job.status not in (Job.Status.SUCCEEDED, Job.Status.CHECKED) or not job.result_file:
        raise Http404
    return serve_private_file(
        job.result_file, download_name=job.result_name, content_type=job.result_content_type
    )
