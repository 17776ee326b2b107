from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from associations.tasks import TenantTask
from associations.tenancy import cross_tenant_read
from jobs.models import Job
from jobs.services import job_results_expire
from jobs.services import job_run as run_service


@shared_task(name="jobs.run")
def job_run(*, association_id: int, job_id: int) -> str:
    """Run one job. Not a TenantTask: it opens its own short scopes (claim, work, outcome), so the
    claim and the outcome are committed even when the work rolls back. Safe to run twice."""
    return run_service(association_id=association_id, job_id=job_id)


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
