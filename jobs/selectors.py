from django.db.models import QuerySet

from associations.capabilities import has_capability
from jobs.models import Job
from jobs.registry import job_kind


def job_visible_to(*, job_id: int, user, role_kind: str | None) -> Job | None:
    """A job its requester may follow, or anyone whose role carries the kind's capability."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if job.requested_by_id == user.pk or has_capability(role_kind, job_kind(job.kind).capability):
        return job
    return None


def job_list_for(*, user) -> QuerySet[Job]:
    return Job.objects.filter(requested_by=user).order_by("-created_at", "-id")
