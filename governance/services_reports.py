"""The annual report pack for an ordinary assembly (rendered by a job: governance/packs.py), and
starting the declaration pack's job."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from governance.models import AnnualReport, Assembly, AssemblyKind, Declaration

MAX_TEXT = 60_000


def _pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@transaction.atomic
def annual_report_create(*, actor, assembly_id, fiscal_year_id, next_fiscal_year_id=None) -> AnnualReport:
    from finance.models import FiscalYear

    assembly = Assembly.objects.filter(pk=_pk(assembly_id), kind=AssemblyKind.ORDINARY).first()
    if assembly is None:
        raise WaslError(_("Choose an ordinary assembly of the association."), field="assembly")
    year = FiscalYear.objects.filter(pk=_pk(fiscal_year_id)).first()
    if year is None:
        raise WaslError(_("Choose a fiscal year of the association."), field="fiscal_year")
    next_year = None
    if next_fiscal_year_id not in (None, ""):
        next_year = FiscalYear.objects.filter(pk=_pk(next_fiscal_year_id)).first()
        if next_year is None:
            raise WaslError(_("Choose a fiscal year of the association."), field="next_fiscal_year")
        if next_year.start_date <= year.start_date:
            raise WaslError(_("The next year must come after the year reported."), field="next_fiscal_year")
    if AnnualReport.objects.filter(assembly=assembly).exists():
        raise WaslError(_("This assembly already has its annual report."), field="assembly", code="exists")
    report = AnnualReport.objects.create(
        assembly=assembly, fiscal_year=year, next_fiscal_year=next_year, created_by=actor
    )
    audit_record(actor=actor, action="governance.annual_report.created", target=report, changes={})
    return report


@transaction.atomic
def annual_report_write(*, actor, report_id, moral_report_ar: str, moral_report_fr: str) -> AnnualReport:
    """The board writes (or rewrites) its moral report; a pack generated before must be generated again."""
    report = AnnualReport.objects.select_for_update().filter(pk=_pk(report_id)).first()
    if report is None:
        raise NotFound()
    moral_report_ar, moral_report_fr = (moral_report_ar or "").strip(), (moral_report_fr or "").strip()
    if not moral_report_ar and not moral_report_fr:
        raise WaslError(_("Write the moral report in Arabic, French or both."), field="moral_report_ar")
    for field, text in (("moral_report_ar", moral_report_ar), ("moral_report_fr", moral_report_fr)):
        if len(text) > MAX_TEXT:
            raise WaslError(_("The moral report is too long."), field=field)
    report.moral_report_ar, report.moral_report_fr = moral_report_ar, moral_report_fr
    report.updated_at = timezone.now()
    report.save(update_fields=["moral_report_ar", "moral_report_fr", "updated_at"])
    audit_record(actor=actor, action="governance.annual_report.written", target=report, changes={})
    return report


def annual_report_generate(*, actor, role_kind: str | None, report_id):
    from jobs.services import job_start

    report = AnnualReport.objects.filter(pk=_pk(report_id)).first()
    if report is None:
        raise NotFound()
    if not (report.moral_report_ar or report.moral_report_fr):
        raise WaslError(_("The board must write the moral report first."), code="no_moral_report")
    return job_start(
        actor=actor, role_kind=role_kind, kind="governance.annual_report", params={"report_id": report.pk}
    )


def declaration_pack_generate(*, actor, role_kind: str | None, declaration_id):
    from jobs.services import job_start

    declaration = Declaration.objects.filter(pk=_pk(declaration_id)).first()
    if declaration is None:
        raise NotFound()
    return job_start(
        actor=actor,
        role_kind=role_kind,
        kind="governance.declaration_pack",
        params={"declaration_id": declaration.pk},
    )
