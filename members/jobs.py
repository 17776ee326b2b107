"""Background jobs of the members module (registered in MembersConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents.files import private_storage
from jobs.registry import JobKind, JobResult, register_job_kind
from members.importing import import_members, read_table
from members.models import MemberImport


def run_import(*, job, params: dict, progress) -> JobResult | None:
    """Check or import an uploaded list; the report is kept on the MemberImport row."""
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
    member_import.report = report.as_dict() | {"at": timezone.now().isoformat()}
    member_import.mapping = params["mapping"]
    if not report.error_count:
        member_import.status = (
            MemberImport.Status.CHECKED if params["dry_run"] else MemberImport.Status.IMPORTED
        )
    member_import.save(update_fields=["report", "mapping", "status"])
    return None


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
    )
)
