"""Follow a background job: a page with a progress bar that HTMX refreshes, then a download."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from associations.decorators import requires
from documents.files import serve_private_file
from jobs import selectors
from jobs.models import Job
from jobs.registry import job_kind
from jobs.services import job_progress, job_result_expires_at


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
