"""The audit-trail export: a job kind of the tenant core's audit trail, registered here because the
core sits below the jobs service (imported from JobsConfig.ready through jobs/contributions.py)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations.audit_text import describe
from associations.models import Association
from associations.selectors import audit_event_list
from associations.spreadsheets import csv_writer
from associations.tenancy import current_association_id
from jobs.registry import JobKind, JobOutcome, JobResult, register_job_kind

BATCH = 500


def audit_export(*, job, params: dict, progress) -> JobOutcome:
    """The audit trail (optionally filtered by action) as CSV, oldest first, with its hashes: each
    event as the audit page tells it, in the language of the person who asked, and its action code."""
    events = audit_event_list(action=params.get("action", "")).order_by("seq")
    progress.total(events.count())
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [
            _("Sequence"),
            _("Time (UTC)"),
            _("Actor"),
            _("Action"),
            _("What happened"),
            _("Details"),
            _("Action code"),
            _("Hash"),
            _("Previous hash"),
        ]
    )
    pending = exported = 0
    for event in events.iterator(chunk_size=2000):
        line = describe(event)  # in the language of the person who started the export
        writer.writerow(
            [
                event.seq,
                event.created_at.isoformat(),
                event.actor_label,
                line.action_label,
                line.text,
                line.details_text,
                event.action,
                event.hash,
                event.prev_hash,
            ]
        )
        pending += 1
        exported += 1
        if pending == BATCH:
            progress.advance(pending)
            pending = 0
    progress.advance(pending)
    slug = Association.objects.get(pk=current_association_id()).slug
    # A UTF-8 byte-order mark, so spreadsheet programs read the Arabic correctly.
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return JobOutcome(
        summary=ngettext("%(count)s event exported.", "%(count)s events exported.", exported)
        % {"count": exported},
        applied=exported,
        file=JobResult(
            content=content,
            filename=f"audit-{slug}-{timezone.localdate():%Y%m%d}.csv",
            content_type="text/csv",
        ),
    )


AUDIT_EXPORT = register_job_kind(
    JobKind(
        key="associations.audit_export",  # the key stored on existing jobs: kept from the core's days
        label=gettext_lazy("Audit trail export (CSV)"),
        capability="audit.view",
        handler=audit_export,
        # The audit trail names no member (their events record which fields changed, under a
        # neutral label) and is kept as it is: erasing a member's data leaves its export alone.
        personal_data=False,
        # Started from the audit page through jobs:start, filtered like the page.
        start_params=lambda data: {"action": data.get("action", "")[:80]},
    )
)
