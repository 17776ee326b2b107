"""Mark an association dirty when one of its rows is saved outside a service; beat sweeps the marks
(ministry.tasks).

Every service writes one audit event per change (STYLE.md), in the change's transaction, so the
sweep finds those changes by the audit chain's head having moved (`ministry.rollup.refresh_dirty`,
`SweptAudit`), whatever module wrote them, bulk imports included: they write nothing here. The
models whose rows can be saved outside a service are listed and marked after commit (entries are
written by the finance services only, each posting audited). Officers' logins are picked up by the
nightly rebuild.
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

    # Once per association and transaction: one mark after commit is enough. A pending hook counts
    # only if it was registered inside the current savepoint (Django drops it with a rolled-back
    # one), so whoever runs the hooks of a block (tests capture them) finds the mark among them.
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
    from members.models import Member
    from training.models import Course, Enrolment

    for model in (Member, Course, Enrolment):
        post_save.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-{model._meta.label}")
        post_delete.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-del-{model._meta.label}")
