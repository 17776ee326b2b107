"""Mark an association dirty when its data changes; beat sweeps the marks (ministry.tasks).

Every service writes one audit event per change (STYLE.md), so an audit event marks its
association whatever module wrote it, bulk imports included; the few models saved outside a
service are listed too. Officers' logins are picked up by the nightly rebuild.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _mark(sender, instance, **kwargs):
    association_id = getattr(instance, "association_id", None)
    if association_id is None:
        return
    from ministry.rollup import mark_dirty

    transaction.on_commit(lambda: mark_dirty(association_id))


def connect() -> None:
    from associations.models import AuditEvent
    from finance.models import Entry
    from members.models import Member
    from training.models import Course, Enrolment

    for model in (AuditEvent, Member, Entry, Course, Enrolment):
        post_save.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-{model._meta.label}")
        post_delete.connect(_mark, sender=model, dispatch_uid=f"ministry-dirty-del-{model._meta.label}")
