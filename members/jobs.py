"""Background jobs of the members module (registered in MembersConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from jobs.registry import JobKind, JobOutcome, register_job_kind
from members.importing import import_members, import_report_record, member_import_table
from members.models import MemberImport


def run_import(*, job, params: dict, progress) -> JobOutcome:
    """Check or import an uploaded list. The job fails when a row is refused (or a conflict is
    left undecided), and its per-row report is kept on the import either way (`record_import`)."""
    member_import = MemberImport.objects.get(pk=params["import_id"])
    table = member_import_table(member_import, params["mapping"])
    progress.total(len(table.rows))
    report = import_members(
        actor=job.requested_by,
        table=table,
        mapping=params["mapping"],
        dry_run=params["dry_run"],
        progress=progress.advance,
        can_use_cin=params.get("can_use_cin", False),
        decisions=params.get("decisions"),
        on_conflict=params.get("on_conflict"),
        expected_plan=None if params["dry_run"] else params.get("plan", ""),
    )
    return JobOutcome(
        summary=report.summary(),
        applied=report.created + report.updated if report.written else 0,
        refused=report.refused,
        check_only=params["dry_run"],
        details={"report": report, "mapping": params["mapping"]},
    )


def record_import(*, job, outcome: JobOutcome) -> None:
    import_report_record(
        member_import=MemberImport.objects.get(pk=job.params["import_id"]),
        report=outcome.details["report"],
        mapping=outcome.details["mapping"],
    )


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
