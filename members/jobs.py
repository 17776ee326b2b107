"""Background jobs of the members module (registered in MembersConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from documents.files import private_storage
from jobs.registry import JobKind, JobOutcome, register_job_kind
from members.importing import import_members, read_table
from members.models import MemberImport


def run_import(*, job, params: dict, progress) -> JobOutcome:
    """Check or import an uploaded list. The job fails when a row is refused, and its per-row
    report is kept on the import either way (`record_import`)."""
    member_import = MemberImport.objects.get(pk=params["import_id"])
    with private_storage().open(member_import.file, "rb") as handle:
        table = read_table(handle.read())
    progress.total(len(table.rows))
    report = import_members(
        actor=job.requested_by,
        table=table,
        mapping=params["mapping"],
        dry_run=params["dry_run"],
        progress=progress.advance,
        can_use_cin=params.get("can_use_cin", False),
    )
    if report.error_count:
        summary = ngettext(
            "%(count)s row has an error: nothing was saved.",
            "%(count)s rows have errors: nothing was saved.",
            report.error_count,
        ) % {"count": report.error_count}
    else:
        summary = ngettext("%(count)s row checked.", "%(count)s rows checked.", report.total) % {
            "count": report.total
        }
    return JobOutcome(
        summary=summary,
        applied=0 if params["dry_run"] else report.created + report.updated,
        refused=report.error_count,
        check_only=params["dry_run"],
        details={"report": report, "mapping": params["mapping"]},
    )


def record_import(*, job, outcome: JobOutcome) -> None:
    report = outcome.details["report"]
    member_import = MemberImport.objects.get(pk=job.params["import_id"])
    member_import.report = report.as_dict() | {"at": timezone.now().isoformat()}
    member_import.mapping = outcome.details["mapping"]
    if not report.error_count:
        member_import.status = MemberImport.Status.CHECKED if report.dry_run else MemberImport.Status.IMPORTED
    member_import.save(update_fields=["report", "mapping", "status"])


def _import_page(job) -> str:
    from django.urls import reverse

    from associations.models import Association

    slug = Association.objects.get(pk=job.association_id).slug
    return reverse(
        "members:import_map", kwargs={"association_slug": slug, "import_id": job.params["import_id"]}
    )


MEMBER_IMPORT = register_job_kind(
    JobKind(
        key="members.import",
        label=gettext_lazy("Member list import"),
        capability="members.manage",
        handler=run_import,
        result_url=_import_page,
        record=record_import,
    )
)
