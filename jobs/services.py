"""Start and run background jobs.

A job's effects happen in one transaction: a job that fails half-way leaves nothing behind. Its
progress therefore cannot be read from the (uncommitted) row while it runs; it goes to the cache
(`job_progress`), which the progress page polls, and is written to the row at the end.

A job's final state is derived from the `JobOutcome` its handler returns (see jobs.registry): a
job whose effect was refused fails, and nothing it wrote is kept.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.capabilities import has_capability
from associations.errors import WaslError
from associations.tenancy import association_scope
from documents.files import private_storage, save_private_file
from jobs.models import Job
from jobs.registry import JobOutcome, Progress, job_kind, job_kinds

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
# A task is redelivered only after the broker's visibility timeout: a job still "running" after
# that long was interrupted (jobs must finish within it).
STALE_RUN = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])


def _progress_key(job_id: int) -> str:
    return f"wasl:job-progress:{job_id}"


def job_progress(job: Job) -> tuple[int, int]:
    """(done, total): live from the cache while the job runs, from the row otherwise."""
    if job.status == Job.Status.RUNNING:
        cached = cache.get(_progress_key(job.pk))
        if cached:
            return cached
    return job.progress_done, job.progress_total


@transaction.atomic
def job_start(*, actor, role_kind: str | None, kind: str, params: dict | None = None) -> Job:
    job_type = job_kind(kind)
    if not has_capability(role_kind, job_type.capability):
        raise WaslError(_("Your role does not allow this."), code="permission_denied")
    job = Job.objects.create(
        kind=kind, requested_by=actor, params=params or {}, language=translation.get_language() or "ar"
    )
    audit_record(actor=actor, action="jobs.job.started", target=job, changes={"kind": kind})
    association_id = job.association_id

    def run_later():
        from jobs.tasks import job_run

        job_run.delay(association_id=association_id, job_id=job.pk)

    transaction.on_commit(run_later)
    return job


class _RollBack(Exception):
    """Leaves the handler's transaction without keeping anything it wrote."""


def _final_status(outcome: JobOutcome) -> str:
    """The job's state, derived from what its handler says it did (never chosen by the handler)."""
    if outcome.refused:
        return Job.Status.FAILED
    if outcome.check_only:
        return Job.Status.CHECKED
    return Job.Status.SUCCEEDED


def _finish(job: Job, outcome: JobOutcome, status: str, progress: Progress, saved: list[str]) -> None:
    """Record the outcome and end the job, in the caller's transaction."""
    logger.info(
        "Job %s (%s) %s: %s applied, %s refused", job.pk, job.kind, status, outcome.applied, outcome.refused
    )
    kind = job_kind(job.kind)
    if kind.record is not None:
        kind.record(job=job, outcome=outcome)
    result = {}
    if outcome.file is not None and status != Job.Status.FAILED:
        saved.append(save_private_file("jobs", outcome.file.filename, outcome.file.content))
        result = {
            "result_file": saved[-1],
            "result_name": outcome.file.filename,
            "result_content_type": outcome.file.content_type,
        }
    Job.objects.filter(pk=job.pk).update(
        status=status,
        summary=outcome.summary if status != Job.Status.FAILED else "",
        error_message=outcome.summary if status == Job.Status.FAILED else "",
        finished_at=timezone.now(),
        progress_done=progress.done,
        progress_total=progress.count,
        **result,
    )


def job_run(*, association_id: int, job_id: int) -> str:
    """Run a job once. Each step is its own short scope. The handler runs in one transaction,
    which also ends the job when its effect took place; a refused or check-only outcome rolls that
    transaction back and is recorded in a transaction of its own."""
    with association_scope(association_id):
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
        job = Job.objects.get(pk=job_id)
    if not claimed:
        # Already run or running: a duplicated task does nothing. But a task redelivered after its
        # worker died finds its job "running" long past any real run: tell the requester.
        if (
            job.status == Job.Status.RUNNING
            and job.started_at
            and job.started_at < timezone.now() - STALE_RUN
        ):
            with translation.override(job.language), association_scope(association_id):
                Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                    status=Job.Status.FAILED,
                    finished_at=timezone.now(),
                    error_message=_("The job was interrupted. Nothing was changed; start it again."),
                )
            return Job.Status.FAILED
        return job.status

    def report(done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (done, total), PROGRESS_TTL)

    progress = Progress(report)
    saved: list[str] = []  # result files stored, removed again if the job fails after all
    status = Job.Status.FAILED
    try:
        with translation.override(job.language):
            try:
                with association_scope(association_id):
                    outcome = job_kind(job.kind).handler(job=job, params=job.params, progress=progress)
                    if not isinstance(outcome, JobOutcome):
                        raise TypeError(
                            f"The handler of job kind {job.kind!r} returned {type(outcome).__name__}, "
                            "not a JobOutcome saying what it did."
                        )
                    status = _final_status(outcome)
                    if status != Job.Status.SUCCEEDED:
                        raise _RollBack
                    _finish(job, outcome, status, progress, saved)
            except _RollBack:
                with association_scope(association_id):
                    _finish(job, outcome, status, progress, saved)
    except Exception as exc:
        for name in saved:
            private_storage().delete(name)
        with translation.override(job.language):
            if isinstance(exc, WaslError):
                message = exc.message
            else:
                logger.exception("Job %s (%s) failed", job_id, job.kind)
                message = _("The job stopped because of an unexpected error. Nothing was changed.")
        with association_scope(association_id):
            Job.objects.filter(pk=job_id).update(
                status=Job.Status.FAILED,
                error_message=message,
                finished_at=timezone.now(),
                progress_done=progress.done,
                progress_total=progress.count,
            )
        cache.delete(_progress_key(job_id))
        return Job.Status.FAILED
    cache.delete(_progress_key(job_id))
    return status


# --- Result files are not kept for ever ------------------------------------------------------


def _results_delete(jobs, *, reason: str) -> int:
    """Delete the result files of these jobs from the private storage and say so on their rows.

    Each file is deleted before its row is marked, inside the caller's transaction: if that rolls
    back, the row still names a file that is gone (its download answers 404) and the next sweep
    marks it; a personal file must never outlive a row that says it was deleted."""
    storage = private_storage()
    now = timezone.now()
    deleted = []
    for job_id, name in jobs.exclude(result_file="").values_list("pk", "result_file"):
        storage.delete(name)
        deleted.append(job_id)
    if deleted:
        Job.objects.filter(pk__in=deleted).update(
            result_file="", result_deleted_at=now, result_deleted_reason=reason
        )
    return len(deleted)


def job_result_expires_at(job: Job):
    """When the job's result file is deleted (None when it has none)."""
    if not job.result_file:
        return None
    return job.created_at + timedelta(days=settings.WASL_JOB_RESULT_RETENTION_DAYS)


@transaction.atomic
def job_results_expire(*, now=None) -> int:
    """Delete the current association's result files older than WASL_JOB_RESULT_RETENTION_DAYS.
    Safe to run twice: an expired job has no file left."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WASL_JOB_RESULT_RETENTION_DAYS)
    count = _results_delete(Job.objects.filter(created_at__lt=cutoff), reason=Job.ResultDeletion.EXPIRED)
    if count:
        audit_record(actor=None, action="jobs.results.expired", changes={"files": count})
    return count


@transaction.atomic
def job_results_erase(*, since) -> int:
    """A person's data is being erased: delete every result file of the current association that
    may hold it, i.e. of a kind with personal data (or no longer known) that did not finish before
    `since` (when the person was first registered). A result file does not record whom it lists,
    so this errs on the side of deleting; results expire within days anyway."""
    without_personal_data = [kind.key for kind in job_kinds() if not kind.personal_data]
    jobs = Job.objects.exclude(kind__in=without_personal_data).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=since)
    )
    count = _results_delete(jobs, reason=Job.ResultDeletion.ERASED)
    if count:
        audit_record(actor=None, action="jobs.results.erased", changes={"files": count})
    return count
