"""How the jobs service's audit events read (imported from jobs/contributions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from jobs.registry import job_kind


def kind_label(code):
    try:
        return job_kind(str(code)).label
    except KeyError:  # a kind no longer offered
        return code


def _expired(facts):
    return ngettext(
        "%(actor)s deleted %(files)s job result whose retention period had ended",
        "%(actor)s deleted %(files)s job results whose retention period had ended",
        int(facts.changes.get("files") or 0),
    )


def _erased(facts):
    return ngettext(
        "%(actor)s deleted %(files)s job result that could hold personal data being erased",
        "%(actor)s deleted %(files)s job results that could hold personal data being erased",
        int(facts.changes.get("files") or 0),
    )


for action in (
    seams.AuditAction(
        key="jobs.job.started",
        label=_("Background job started"),
        sentence=_("%(actor)s started a background job: %(kind)s"),
        values={"kind": kind_label},
    ),
    seams.AuditAction(key="jobs.results.expired", label=_("Job results expired"), sentence=_expired),
    seams.AuditAction(key="jobs.results.erased", label=_("Job results erased"), sentence=_erased),
):
    seams.register_audit_action(action)
