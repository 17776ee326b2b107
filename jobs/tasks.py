from celery import shared_task

from jobs.services import job_run as run_service


@shared_task(name="jobs.run")
def job_run(*, association_id: int, job_id: int) -> str:
    """Run one job. Not a TenantTask: it opens its own short scopes (claim, work, outcome), so the
    claim and the outcome are committed even when the work rolls back. Safe to run twice."""
    return run_service(association_id=association_id, job_id=job_id)
