"""Entry point for background work: `TenantTask` opens the scope of the association it is given.

Every tenant task takes `association_id` as a keyword argument and is safe to run twice.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.utils import translation

from associations.audit import audit_verify_association
from associations.models import Association
from associations.tenancy import ScopeError, association_scope


class TenantTask(Task):
    abstract = True

    def __call__(self, *args, **kwargs):
        association_id = kwargs.get("association_id")
        if not isinstance(association_id, int):
            raise ScopeError(f"Task {self.name} needs association_id=<int> as a keyword argument.")
        language = kwargs.pop("language", None) or settings.LANGUAGE_CODE
        with association_scope(association_id), translation.override(language):
            return super().__call__(*args, **kwargs)


@shared_task(base=TenantTask, name="associations.audit_chain_verify")
def audit_chain_verify(*, association_id: int) -> dict:
    """Recompute one association's audit chain (read-only, so safe to run any number of times)."""
    association = Association.objects.get(pk=association_id)
    broken = audit_verify_association(association)
    if broken is None:
        return {"association": association.slug, "intact": True}
    return {"association": association.slug, "intact": False, "seq": broken.seq, "reason": broken.reason}
