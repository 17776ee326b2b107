"""Start and run background jobs.

A job's effects happen in one transaction: a job that fails half-way leaves nothing behind. Its
progress therefore cannot be read from the (uncommitted) row while it runs; it goes to the cache
(`job_progress`), which the progress page polls, and is written to the row at the end.

A job's final state is derived from the `JobOutcome` its handler returns (see jobs.registry): a
job whose effect was refused fails, and nothing it wrote is kept.

Work too big for one task comes in steps (`JobSteps`): each step is a task of its own, committed
with the progress it made, and queued behind whatever else waits, so no task comes near the
broker's visibility timeout and other associations' jobs get their turn between two steps.

One association runs at most `WASL_JOBS_PER_ASSOCIATION` jobs at once: a job over the limit stays
queued, and starts when one of that association's jobs ends (or at beat's next `jobs.sweep`).
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
from associations.models import Association
from associations.tenancy import association_scope, current_association_id
from documents.files import private_storage, save_private_file
from jobs.models import Job
from jobs.registry import JobOutcome, JobSteps, Progress, job_kind, job_kinds

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
# A task is redelivered only after the broker's visibility timeout: a job still "running" after
# that long was interrupted (jobs must finish within it).
STALE_RUN = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
# Beat's sweep leaves jobs younger than this to the message that queued them, and queues a waiting
# job again at most this often (a message still waiting behind others is not lost).
SWEEP_GRACE = timedelta(minutes=2)


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

    transaction.on_commit(lambda: _enqueue_run(association_id, job.pk))
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


def _checked_outcome(job: Job, outcome) -> JobOutcome:
    if not isinstance(outcome, JobOutcome):
        raise TypeError(
            f"The handler of job kind {job.kind!r} returned {type(outcome).__name__}, "
            "not a JobOutcome saying what it did."
        )
    return outcome


def _finish(
    job: Job, outcome: JobOutcome, status: str, progress: Progress, saved: list[str], **changes
) -> None:
    """Record the outcome and end the job, in the caller's transaction (which frees the
    association's slot once committed)."""
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
        **changes,
    )
    _job_ended(job.association_id)


def _enqueue_run(association_id: int, job_id: int) -> None:
    from jobs.tasks import job_run as job_run_task

    job_run_task.delay(association_id=association_id, job_id=job_id)


def _jobs_per_association() -> int:
    return max(1, settings.WASL_JOBS_PER_ASSOCIATION)


def _running_count() -> int:
    return Job.objects.filter(status=Job.Status.RUNNING).count()


def _claim(job_id: int) -> bool:
    """Queued → running, if the association has a free slot. Inside the association's scope.

    The association's row is the lock: two workers claiming two of its jobs at once take turns, so
    the second one counts the first one's job (locking the running jobs would not do: a job that
    becomes running is not among the rows the other worker locked, and with none running there is
    nothing to lock)."""
    if not Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).exists():
        return False  # a duplicated message: no need to queue behind the lock
    Association.objects.select_for_update().filter(pk=current_association_id()).values_list("pk").first()
    if _running_count() >= _jobs_per_association():
        return False
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def _stale_filter():
    cutoff = timezone.now() - STALE_RUN
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None, started_at__lt=cutoff)


def _fail_if_stale(*, association_id: int, job: Job) -> bool:
    """A job still "running" with no sign of life for longer than the visibility timeout was
    interrupted (its worker died, its message was lost): say so, and free its slot."""
    with translation.override(job.language), association_scope(association_id):
        failed = Job.objects.filter(_stale_filter(), pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            error_message=_("The job was interrupted. Nothing was changed; start it again."),
        )
        if failed:
            transaction.on_commit(lambda: jobs_start_waiting(association_id=association_id))
    if failed:
        _cleanup(association_id=association_id, job_id=job.pk, succeeded=False)
    return bool(failed)


def _cleanup(*, association_id: int, job_id: int, succeeded: bool) -> None:
    """The kind's cleanup, after the job ended (its outcome is committed): a failing cleanup is
    logged and changes nothing about the outcome."""
    with association_scope(association_id):
        job = Job.objects.get(pk=job_id)
    kind = job_kind(job.kind)
    if kind.cleanup is None:
        return
    try:
        with translation.override(job.language), association_scope(association_id):
            kind.cleanup(job=job, state=job.state, succeeded=succeeded)
    except Exception:
        logger.exception("Cleaning up after job %s (%s) failed", job_id, job.kind)


def _job_ended(association_id: int) -> None:
    """A slot is free: start the association's waiting jobs, once the outcome is committed."""
    transaction.on_commit(lambda: jobs_start_waiting(association_id=association_id))


def jobs_start_waiting(*, association_id: int, throttled: bool = False) -> list[int]:
    """Queue the association's oldest waiting jobs, as many as it has free slots. A job already
    queued for a worker and queued again is claimed once: the second run does nothing.
    `throttled` (the sweep): a job is queued again at most once per SWEEP_GRACE."""
    with association_scope(association_id):
        free = _jobs_per_association() - _running_count()
        if free <= 0:
            return []
        waiting = list(
            Job.objects.filter(status=Job.Status.QUEUED)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:free]
        )
    if throttled:
        grace = int(SWEEP_GRACE.total_seconds())
        waiting = [job_id for job_id in waiting if cache.add(f"wasl:job-requeued:{job_id}", 1, grace)]
    for job_id in waiting:
        _enqueue_run(association_id, job_id)
    return waiting


def jobs_sweep_association(*, association_id: int) -> dict:
    """Beat's safety net (`jobs.sweep`): fail the association's running jobs that went silent,
    then start its waiting jobs if it has free slots (their messages may have been lost)."""
    with association_scope(association_id):
        stale = list(Job.objects.filter(_stale_filter(), status=Job.Status.RUNNING))
    failed = [job.pk for job in stale if _fail_if_stale(association_id=association_id, job=job)]
    return {"failed": failed, "started": jobs_start_waiting(association_id=association_id, throttled=True)}


def job_run(*, association_id: int, job_id: int) -> str:
    """Run a job once. Each step is its own short scope. The handler runs in one transaction,
    which also ends the job when its effect took place; a refused or check-only outcome rolls that
    transaction back and is recorded in a transaction of its own."""
    with association_scope(association_id):
        claimed = _claim(job_id)
        job = Job.objects.get(pk=job_id)
    if not claimed:
        # Over the association's limit, the job waits: it is started when a slot frees.
        # Already run or running: a duplicated task does nothing. But a task redelivered after its
        # worker died finds its job "running" long past any real run: tell the requester.
        if job.status == Job.Status.RUNNING and _fail_if_stale(association_id=association_id, job=job):
            return Job.Status.FAILED
        return job.status

    def report(done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (done, total), PROGRESS_TTL)

    progress = Progress(report)
    saved: list[str] = []  # result files stored, removed again if the job fails after all
    status = Job.Status.FAILED
    steps = None
    try:
        with translation.override(job.language):
            try:
                with association_scope(association_id):
                    kind = job_kind(job.kind)
                    outcome = kind.handler(job=job, params=job.params, progress=progress)
                    if isinstance(outcome, JobSteps):
                        steps = outcome
                        if kind.step is None or kind.finish is None:
                            raise TypeError(f"Job kind {kind.key} returned steps but has no step or finish.")
                        Job.objects.filter(pk=job_id).update(
                            steps_total=steps.count,
                            steps_done=0,
                            state=steps.state,
                            heartbeat_at=timezone.now(),
                            progress_done=progress.done,
                            progress_total=progress.count,
                        )
                        transaction.on_commit(lambda: _enqueue_step(association_id, job_id, 0))
                    else:
                        outcome = _checked_outcome(job, outcome)
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
            _job_ended(association_id)
        cache.delete(_progress_key(job_id))
        _cleanup(association_id=association_id, job_id=job_id, succeeded=False)
        return Job.Status.FAILED
    cache.delete(_progress_key(job_id))
    if steps is not None:
        return Job.Status.RUNNING  # the steps go on in tasks of their own
    _cleanup(association_id=association_id, job_id=job_id, succeeded=status == Job.Status.SUCCEEDED)
    return status


def _enqueue_step(association_id: int, job_id: int, index: int) -> None:
    from jobs.tasks import job_run_step as job_run_step_task

    job_run_step_task.delay(association_id=association_id, job_id=job_id, index=index)


def job_run_step(*, association_id: int, job_id: int, index: int) -> int | None:
    """Run step `index` of a job in steps (`index == steps_total`: its finish), in one transaction
    that holds the job's row, and commit it with the progress made. Returns the index of the next
    step to queue, or None when the job ended or the step was not this run's to do.

    Safe to run twice: a step already done, or a job no longer running, is left alone; a step that
    fails rolls back, and the job fails with the requester told why."""

    def report(done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (done, total), PROGRESS_TTL)

    progress = Progress(report)
    saved: list[str] = []  # result files stored, removed again if the job fails after all
    status = None
    job = None
    try:
        try:
            with association_scope(association_id):
                job = Job.objects.select_for_update().filter(pk=job_id).first()
                if job is None or job.status != Job.Status.RUNNING or job.steps_done != index:
                    return None
                kind = job_kind(job.kind)
                progress.done, progress.count = job.progress_done, job.progress_total
                with translation.override(job.language):
                    if index < job.steps_total:
                        updates = kind.step(job=job, state=job.state, index=index, progress=progress) or {}
                        Job.objects.filter(pk=job_id).update(
                            steps_done=index + 1,
                            state={**job.state, **updates},
                            heartbeat_at=timezone.now(),
                            progress_done=progress.done,
                            progress_total=progress.count,
                        )
                        return index + 1
                    # The finish obeys the same rule as any handler: its outcome decides the state.
                    outcome = _checked_outcome(job, kind.finish(job=job, state=job.state, progress=progress))
                    status = _final_status(outcome)
                    if status != Job.Status.SUCCEEDED:
                        raise _RollBack
                    _finish(
                        job,
                        outcome,
                        status,
                        progress,
                        saved,
                        steps_done=index + 1,
                        heartbeat_at=timezone.now(),
                    )
        except _RollBack:
            # The finish's writes are rolled back; the outcome is recorded on its own, if the job
            # is still this run's to end.
            with association_scope(association_id), translation.override(job.language):
                if (
                    Job.objects.select_for_update()
                    .filter(pk=job_id, status=Job.Status.RUNNING, steps_done=index)
                    .exists()
                ):
                    _finish(
                        job,
                        outcome,
                        status,
                        progress,
                        saved,
                        steps_done=index + 1,
                        heartbeat_at=timezone.now(),
                    )
                else:
                    status = None
    except Exception as exc:
        for name in saved:
            private_storage().delete(name)
        if job is None:
            raise
        with translation.override(job.language):
            if isinstance(exc, WaslError):
                message = exc.message
            else:
                logger.exception("Step %s of job %s (%s) failed", index, job_id, job.kind)
                message = _("The job stopped because of an unexpected error. Nothing was changed.")
        with association_scope(association_id):
            failed = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, error_message=message, finished_at=timezone.now()
            )
            if failed:
                _job_ended(association_id)
        cache.delete(_progress_key(job_id))
        if failed:
            _cleanup(association_id=association_id, job_id=job_id, succeeded=False)
        return None
    cache.delete(_progress_key(job_id))
    if status is not None:
        _cleanup(association_id=association_id, job_id=job_id, succeeded=status == Job.Status.SUCCEEDED)
    return None


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
