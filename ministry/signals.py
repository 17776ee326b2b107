"""Mark an association dirty when its data changes; beat sweeps the marks (ministry.tasks).

Every service writes one audit event per change (STYLE.md), so an audit event marks its
association whatever module wrote it, bulk imports included; the few models saved outside a
service are listed too. Officers' logins are picked up by the nightly rebuild.
"""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _mark(sender, instance, **kwargs):
    association_id = getattr(instance, "association_id", None)
    if association_id is None:
        return
    from ministry.rollup import mark_dirty

    # Once per association and transaction: a posting saves its entry twice and appends an audit
    # event, a payment five rows; one mark after commit is enough. A pending hook counts only if
    # it was registered inside the current savepoint (Django drops it with a rolled-back one), so
    # whoever runs the hooks of a block (tests capture them) finds the mark among them.
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for savepoints, hook, _robust in connection.run_on_commit:
            if getattr(hook, "ministry_dirty", None) == association_id and current <= savepoints:
                return
    hook = functools.partial(mark_dirty, association_id)
    hook.ministry_dirty = association_id
    transaction.on_commit(hook)


def connect() -> None:
    from associations.models import AuditEvent
    from finance.models import Entry
    from members.models import Member
    from training.models import Course, Enrolment

    for model in (AuditEvent, Member, Entry, Course, Enrolment):
        post_save.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-{model._meta.label}")
        post_delete.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-del-{model._meta.label}")
