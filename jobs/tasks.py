from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from associations.tasks import TenantTask
from associations.tenancy import cross_tenant_read
from jobs import services
from jobs.models import Job
from jobs.services import job_results_expire
from jobs.services import job_run as run_service


@shared_task(name="jobs.run")
def job_run(*, association_id: int, job_id: int) -> str:
    """Run one job. Not a TenantTask: it opens its own short scopes (claim, work, outcome), so the
    claim and the outcome are committed even when the work rolls back. Safe to run twice."""
    return run_service(association_id=association_id, job_id=job_id)


@shared_task(bind=True, name="jobs.run_step")
def job_run_step(self, *, association_id: int, job_id: int, index: int) -> int | None:
    """Run one step of a job in steps, then queue the next one behind whatever else waits.
    Not a TenantTask, for the same reason as jobs.run. Safe to run twice."""
    next_index = services.job_run_step(association_id=association_id, job_id=job_id, index=index)
    # Without a broker (eager: `make run`, tests) the steps run here one after the other, rather
    # than each inside the previous one's call.
    while next_index is not None and self.app.conf.task_always_eager:
        next_index = services.job_run_step(association_id=association_id, job_id=job_id, index=next_index)
    if next_index is not None:
        job_run_step.delay(association_id=association_id, job_id=job_id, index=next_index)
    return next_index


@shared_task(name="jobs.sweep")
def sweep() -> int:
    """Beat, every minute: each association with waiting or silent running jobs is swept (the
    message that should have started a job may have been lost; a worker may have died)."""
    with cross_tenant_read(reason="which associations have waiting or stale jobs (ids only)"):
        association_ids = list(
            Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .filter(created_at__lt=timezone.now() - services.SWEEP_GRACE)
            .order_by()
            .values_list("association_id", flat=True)
            .distinct()
        )
    for association_id in association_ids:
        sweep_association.delay(association_id=association_id)
    return len(association_ids)


@shared_task(name="jobs.sweep_association")
def sweep_association(*, association_id: int) -> dict:
    return services.jobs_sweep_association(association_id=association_id)


@shared_task(name="jobs.expire_results")
def expire_results() -> int:
    """Beat, hourly: one task per association that has result files past the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.WASL_JOB_RESULT_RETENTION_DAYS)
    with cross_tenant_read(reason="which associations have job results to expire (ids only)"):
        association_ids = list(
            Job.objects.filter(created_at__lt=cutoff)
            .exclude(result_file="")
            .order_by()
            .values_list("association_id", flat=True)
            .distinct()
        )
    for association_id in association_ids:
        expire_association_results.delay(association_id=association_id)
    return len(association_ids)


@shared_task(base=TenantTask, name="jobs.expire_association_results")
def expire_association_results(*, association_id: int) -> int:
    return job_results_expire()
