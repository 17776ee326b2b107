"""Export of the register (CSV or XLSX of a filter), always as a background job.

Always, not above a threshold: an export of 200,000 members took 77 s inside a request, holding a
web worker all along; as a job it runs on the bulk workers, within the association's job limit,
and its file is a private download kept with the job. One path for every size also means one
behaviour to learn and to test, and every export (the CIN ones above all) is on record with its
requester and time. A small export costs one more page, the job's, which is ready at once.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations.audit import audit_record
from associations.capabilities import has_capability
from associations.errors import WaslError
from associations.models import Association
from associations.selectors import role_of
from associations.spreadsheets import XlsxSheet, csv_writer
from associations.tenancy import current_association_id
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, register_job_kind
from jobs.services import job_start
from members.importing import IMPORT_FIELDS
from members.models import MemberStatus
from members.selectors import member_search

EXPORT_FIELDS = [
    "number",
    "last_name_latin",
    "first_name_latin",
    "last_name_ar",
    "first_name_ar",
    "gender",
    "birth_date",
    "birth_place",
    "nationality",
    "phone",
    "email",
    "address",
    "profession",
    "category",
    "join_date",
    "status",
    "status_since",
]
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROGRESS_EVERY = 1000  # rows between two progress reports


def export_rows(members, with_cin: bool):
    fields = EXPORT_FIELDS + (["cin"] if with_cin else [])
    yield [str(IMPORT_FIELDS.get(f, f)) for f in fields]
    # Labels translated once per export, not once per row (get_status_display() rebuilds the
    # translated choices on every call: half the time of a 10,000-row export).
    status_labels = {value: str(label) for value, label in MemberStatus.choices}
    for member in members.iterator(chunk_size=2000):
        row = []
        for f in fields:
            if f == "category":
                value = member.category.name_fr if member.category_id else ""
            elif f == "status":
                value = status_labels.get(member.status, member.status)
            else:
                value = getattr(member, f)
            row.append("" if value is None else str(value))
        yield row


@transaction.atomic
def member_export_start(*, actor, role_kind: str | None, filters: dict, file_format: str) -> Job:
    """Queue the export of a filter; the CIN column only for roles allowed to see it (audited)."""
    if file_format not in FORMATS:
        raise WaslError(_("Choose CSV or XLSX."), field="format")
    with_cin = has_capability(role_kind, "members.view_sensitive")
    kind = MEMBER_EXPORT_CIN if with_cin else MEMBER_EXPORT
    job = job_start(
        actor=actor,
        role_kind=role_kind,
        kind=kind.key,
        params={
            "query": filters.get("query") or "",
            "status": filters.get("status") or "",
            "category_id": filters.get("category_id"),
            "format": file_format,
        },
    )
    if with_cin:
        audit_record(
            actor=actor,
            action="members.cin.exported",
            target=job,
            # Which filters, not their values: a search may be a CIN, and the audit trail is forever.
            changes={"filtered_by": sorted(k for k in ("query", "status", "category_id") if filters.get(k))},
        )
    return job


def run_export(*, job, params: dict, progress) -> JobOutcome:
    with_cin = job.kind == MEMBER_EXPORT_CIN.key
    if with_cin:
        # The role is checked again when the job runs: it may have changed since it was queued.
        role = role_of(user=job.requested_by)
        if not has_capability(role.kind if role else None, "members.view_sensitive"):
            raise WaslError(_("Your role no longer allows exporting CIN numbers."))
    members = member_search(
        query=params.get("query", ""),
        status=params.get("status", ""),
        category_id=params.get("category_id"),
        can_search_cin=with_cin,
    ).order_by("number", "id")
    count = members.count()
    progress.total(count)
    file_format = params.get("format", "csv")
    rows = export_rows(members, with_cin)
    content = _xlsx(rows, progress) if file_format == "xlsx" else _csv(rows, progress)
    slug = Association.objects.get(pk=current_association_id()).slug
    stamp = timezone.localdate().strftime("%Y%m%d")
    return JobOutcome(
        summary=ngettext("%(count)s member exported.", "%(count)s members exported.", count)
        % {"count": count},
        applied=count,
        file=JobResult(
            content=content,
            filename=f"members-{slug}-{stamp}.{file_format}",
            content_type=FORMATS[file_format],
        ),
    )


def _counted(rows, progress):
    """The rows, reporting progress every PROGRESS_EVERY members (the header is not one)."""
    pending = 0
    for position, row in enumerate(rows):
        yield row
        if position:
            pending += 1
            if pending == PROGRESS_EVERY:
                progress.advance(pending)
                pending = 0
    if pending:
        progress.advance(pending)


def _csv(rows, progress) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # formulas neutralised (associations/spreadsheets.py)
    writer.writerows(_counted(rows, progress))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(rows, progress) -> bytes:
    # Write-only (XlsxSheet): rows stream to a temporary file instead of building every cell in
    # memory; formulas neutralised, text typed as text.
    sheet = XlsxSheet("members")
    for row in _counted(rows, progress):
        sheet.append(row)
    return sheet.to_bytes()


MEMBER_EXPORT = register_job_kind(
    JobKind(
        key="members.export",
        label=gettext_lazy("Member list export"),
        capability="members.view",
        handler=run_export,
        personal_data=True,  # names, phones, addresses: deleted on erasure, expire with the others
    )
)
# Its own kind, so that only roles allowed to see CIN numbers may follow it and download its file.
MEMBER_EXPORT_CIN = register_job_kind(
    JobKind(
        key="members.export_cin",
        label=gettext_lazy("Member list export (with CIN numbers)"),
        capability="members.view_sensitive",
        handler=run_export,
        personal_data=True,  # names, phones, addresses: deleted on erasure, expire with the others
    )
)
