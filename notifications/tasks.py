"""Celery tasks of the outbox. Beat runs the two sweeps; each fans out one task per association
that has work, found with a read-only, ids-only cross-tenant query."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from associations.tasks import TenantTask
from associations.tenancy import cross_tenant_read
from notifications.models import Message
from notifications.reminders import reminder_rules, reminders_sweep
from notifications.services import outbox_dispatch, outbox_release_stale_claims


@shared_task(name="notifications.dispatch_due")
def dispatch_due() -> int:
    """Beat, every minute: dispatch each association that has due or stuck messages."""
    with cross_tenant_read(reason="which associations have messages due (ids only)"):
        association_ids = list(
            Message.objects.filter(
                status__in=[Message.Status.QUEUED, Message.Status.SENDING],
                next_attempt_at__lte=timezone.now(),
            )
            .order_by()
            .values_list("association_id", flat=True)
            .distinct()
        )
    return sum(dispatch_soon(association_id) for association_id in association_ids)


def dispatch_soon(association_id: int) -> bool:
    """Queue a dispatch of one association's due messages, unless its backlog is already being
    worked through (a task of its chain is running or waiting in the queue): no second chain."""
    if cache.get(_chain_key(association_id)) is not None:
        return False
    dispatch_association.delay(association_id=association_id)
    return True


def _chain_key(association_id: int) -> str:
    return f"wasl:outbox-chain:{association_id}"


@shared_task(name="notifications.dispatch_association")
def dispatch_association(*, association_id: int) -> dict:
    """Send one association's due messages for at most WASL_OUTBOX_TASK_SECONDS; if some are still
    due, queue a new task for the rest at the end of the messages queue, so a large announcement
    never holds back another association's single message for longer than that. Opens its own
    short scopes (one per claim and per outcome), so it is not a TenantTask: a claim must be
    committed before the message leaves."""
    budget = settings.WASL_OUTBOX_TASK_SECONDS
    released = outbox_release_stale_claims(association_id=association_id)
    result = outbox_dispatch(association_id=association_id, limit=500, budget_seconds=budget)
    if result.more:
        # Marks the chain for a while (beat then starts no second one); it lapses on its own if
        # the queued task is lost.
        cache.set(_chain_key(association_id), 1, timeout=max(120, budget * 6))
        dispatch_association.delay(association_id=association_id)
    else:
        cache.delete(_chain_key(association_id))
    return {**result.__dict__, "released": released}


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders() -> int:
    """Beat, hourly: run the reminder rules in each association that has candidate records."""
    association_ids: set[int] = set()
    with cross_tenant_read(reason="which associations have reminder candidates (ids only)"):
        for rule in reminder_rules():
            association_ids.update(
                rule.candidates().order_by().values_list("association_id", flat=True).distinct()
            )
    for association_id in sorted(association_ids):
        sweep_association_reminders.delay(association_id=association_id)
    return len(association_ids)


@shared_task(base=TenantTask, name="notifications.sweep_association_reminders")
def sweep_association_reminders(*, association_id: int) -> int:
    return reminders_sweep()
