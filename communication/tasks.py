"""Celery tasks of the communication module (the messages queue: they only write outbox rows).

An announcement is materialised a chunk at a time, each chunk a task of its own that queues the
next one at the end of the queue, so 50,000 recipients never hold the queue for long."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from associations.tasks import TenantTask
from associations.tenancy import cross_tenant_read
from communication.models import Announcement
from communication.services import announcement_queue_chunk, announcements_start_due
from notifications.tasks import dispatch_soon


@shared_task(base=TenantTask, name="communication.queue_announcement")
def queue_announcement(*, association_id: int, announcement_id: int) -> bool:
    more = announcement_queue_chunk(announcement_id=announcement_id)
    if more:
        transaction.on_commit(
            lambda: queue_announcement.delay(association_id=association_id, announcement_id=announcement_id)
        )
    # Start delivering what this chunk queued without waiting for beat's next minute.
    transaction.on_commit(lambda: dispatch_soon(association_id))
    return more


@shared_task(name="communication.start_due")
def start_due() -> int:
    """Beat, every minute: associations with a scheduled announcement whose time has come."""
    with cross_tenant_read(reason="which associations have scheduled announcements due (ids only)"):
        association_ids = list(
            Announcement.objects.filter(
                status=Announcement.Status.SCHEDULED, scheduled_at__lte=timezone.now()
            )
            .order_by()
            .values_list("association_id", flat=True)
            .distinct()
        )
    for association_id in association_ids:
        start_due_association.delay(association_id=association_id)
    return len(association_ids)


@shared_task(base=TenantTask, name="communication.start_due_association")
def start_due_association(*, association_id: int) -> int:
    return announcements_start_due()
