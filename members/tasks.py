from celery import shared_task

from associations.models import Association
from associations.tasks import TenantTask
from members.services import former_members_anonymise


@shared_task(name="members.anonymise_former_members")
def anonymise_former_members() -> int:
    """Beat, daily: one task per association (each keeps its own retention period)."""
    count = 0
    for association_id in Association.objects.filter(is_active=True).values_list("pk", flat=True).iterator():
        anonymise_association.delay(association_id=association_id)
        count += 1
    return count


@shared_task(base=TenantTask, name="members.anonymise_association")
def anonymise_association(*, association_id: int) -> int:
    return former_members_anonymise()
