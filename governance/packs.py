"""The two packs governance renders as background jobs (jobs app):

- the declaration pack for the local authority (art. 5): cover letter, bureau list with the
  particulars of art. 5 (CIN numbers included), the minutes, the attendance sheet and the statutes,
  bilingual, one PDF kept on the declaration (downloaded only by roles that may see CIN numbers);
- the annual report pack for an ordinary assembly: the board's moral report, Bilan, CPC, budget vs
  actual (finance.reports), next year's budget and the resolutions, one PDF kept on the report.

A pack that cannot be complete is refused with the reason (the job fails, nothing is kept)."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from associations.formatting import text_direction
from associations.models import Association
from associations.tenancy import current_association_id
from documents.files import private_storage, save_private_file
from documents.pdf import render_pdf
from jobs.registry import JobKind, JobOutcome, register_job_kind

BUREAU_COLUMNS = (
    gettext_noop("Office"),
    gettext_noop("Name"),
    gettext_noop("Nationality"),
    gettext_noop("Date and place of birth"),
    gettext_noop("Profession"),
    gettext_noop("Address"),
    gettext_noop("CIN number"),
)


def _association_snapshot() -> dict:
    association = Association.objects.get(pk=current_association_id())
    return {"name_ar": association.name_ar, "name_fr": association.name_fr, "acronym": association.acronym}


def _both(message: str) -> dict:
    with translation.override("fr"):
        fr = _(message)
    with translation.override("ar"):
        ar = _(message)
    return {"fr": fr, "ar": ar}


def _save(folder: str, name: str, pdf: bytes, previous: str) -> tuple[str, str]:
    stored = save_private_file(folder, name, pdf)
    if previous and previous != stored:
        private_storage().delete(previous)
    return stored, hashlib.sha256(pdf).hexdigest()


# --- Declaration pack ------------------------------------------------------------------------------


def bureau_particulars(declaration) -> list[dict]:
    """The bureau the declaration declares, with the particulars of art. 5: the mandates elected by
    its assembly, else the bureau in office."""
    from governance.models import Mandate
    from governance.models.bureau import OFFICE_ORDER
    from governance.services_bureau import current_mandates

    mandates = (
        Mandate.objects.filter(elected_by_id=declaration.assembly_id)
        if declaration.assembly_id and Mandate.objects.filter(elected_by_id=declaration.assembly_id).exists()
        else current_mandates()
    )
    rows = []
    for mandate in sorted(
        mandates.select_related("member"), key=lambda m: (OFFICE_ORDER.get(m.office, 99), m.pk)
    ):
        member = mandate.member
        rows.append(
            {
                "office": mandate.office,
                "name_latin": member.name_latin,
                "name_ar": member.name_ar,
                "nationality": member.nationality,
                "birth_date": member.birth_date.isoformat() if member.birth_date else "",
                "birth_place": member.birth_place,
                "profession": member.profession,
                "address": member.address,
                "cin": member.cin,
                "missing": [
                    label
                    for label, value in (
                        ("nationality", member.nationality),
                        ("birth_date", member.birth_date),
                        ("birth_place", member.birth_place),
                        ("profession", member.profession),
                        ("address", member.address),
                        ("cin", member.cin),
                    )
                    if not value
                ],
            }
        )
    return rows


def _attendance(assembly) -> list[dict]:
    from governance.models import Attendance, Proxy

    held: dict[int, list[str]] = {}
    for proxy in Proxy.objects.filter(assembly=assembly).select_related("grantor"):
        held.setdefault(proxy.holder_id, []).append(proxy.grantor.display_name)
    return [
        {
            "name_latin": a.member.name_latin,
            "name_ar": a.member.name_ar,
            "number": a.member.number,
            "proxies": held.get(a.member_id, []),
        }
        for a in Attendance.objects.filter(assembly=assembly)
        .select_related("member")
        .order_by("member__number", "pk")
    ]


def _statutes():
    from governance.models import StatuteRules

    return StatuteRules.objects.order_by("-version").first()


def _statutes_pdf(rules) -> bytes | None:
    if rules is None or not rules.statutes_file or not rules.statutes_file_name.lower().endswith(".pdf"):
        return None
    with private_storage().open(rules.statutes_file, "rb") as handle:
        content = handle.read()
    return content if content.startswith(b"%PDF") else None


def declaration_pack_pdf(declaration) -> tuple[bytes, list[str]]:
    """(the pack, the problems that keep it from being complete)."""
    from governance.models import DeclarationKind, Minutes, MinutesStatus
    from governance.services_minutes import minutes_snapshot

    problems: list[str] = []
    pieces = [gettext_noop("Cover letter")]
    minutes = None
    if declaration.assembly_id:
        found = Minutes.objects.filter(assembly_id=declaration.assembly_id).first()
        if found is None or found.status == MinutesStatus.DRAFT:
            problems.append(
                _("The minutes of the assembly must be signed by the president and the secretary-general.")
            )
        else:
            minutes = minutes_snapshot(found)
    bureau = []
    if declaration.kind != DeclarationKind.STATUTES:
        bureau = bureau_particulars(declaration)
        if not bureau:
            problems.append(_("The bureau register is empty: record the bureau first."))
        pieces.append(gettext_noop("Members of the bureau"))
    if minutes:
        pieces.append(gettext_noop("Minutes"))
    attendance = None
    if declaration.assembly_id:
        attendance = _attendance(declaration.assembly)
        pieces.append(gettext_noop("Attendance sheet"))
    rules = _statutes()
    statutes_pdf = _statutes_pdf(rules)
    pieces.append(gettext_noop("Statutes"))
    president = next((p for p in bureau if p["office"] == "president"), None)
    pack = {
        "kind": declaration.kind,
        "changed_on": declaration.changed_on.isoformat(),
        "branch_name": declaration.branch_name,
        "authority": declaration.authority,
        "today": timezone.localdate().isoformat(),
        "pieces": [_both(p)["fr"] for p in pieces],
        "pieces_ar": [_both(p)["ar"] for p in pieces],
        "president": president,
        "bureau": bureau,
        "bureau_columns": [_both(c) for c in BUREAU_COLUMNS],
        "attendance": attendance,
        "statutes": {
            "version": rules.version if rules else "—",
            "adopted_on": rules.adopted_on.isoformat() if rules else "—",
            "attached": statutes_pdf is not None,
        },
    }
    context = {
        "snapshot": {"association": _association_snapshot()},
        "pack": pack,
        "minutes": minutes,
        "title": "pack",
    }
    pdf = render_pdf("governance/pdf/declaration_pack.html", context, language="fr")
    if statutes_pdf:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for part in (pdf, statutes_pdf):
            writer.append(PdfReader(io.BytesIO(part)))
        buffer = io.BytesIO()
        writer.write(buffer)
        pdf = buffer.getvalue()
    return pdf, problems


def run_declaration_pack(*, job, params: dict, progress) -> JobOutcome:
    from governance.models import Declaration

    declaration = Declaration.objects.select_for_update().filter(pk=params.get("declaration_id")).first()
    if declaration is None:
        return JobOutcome(summary=_("The declaration no longer exists."), refused=1)
    progress.total(1)
    pdf, problems = declaration_pack_pdf(declaration)
    if problems:
        return JobOutcome(summary=" ".join(problems), refused=len(problems))
    declaration.pack_file, declaration.pack_sha256 = _save(
        "governance", f"declaration-{declaration.pk}.pdf", pdf, declaration.pack_file
    )
    declaration.pack_generated_at = timezone.now()
    declaration.save(update_fields=["pack_file", "pack_sha256", "pack_generated_at"])
    progress.advance()
    return JobOutcome(summary=_("The declaration pack is ready to download."), applied=1)


def _declaration_page(job) -> str:
    from django.urls import reverse

    slug = Association.objects.get(pk=job.association_id).slug
    return reverse(
        "governance:declaration",
        kwargs={"association_slug": slug, "declaration_id": job.params["declaration_id"]},
    )


DECLARATION_PACK = register_job_kind(
    JobKind(
        key="governance.declaration_pack",
        label=gettext_lazy("Declaration pack for the local authority"),
        capability="governance.convene",
        handler=run_declaration_pack,
        result_url=_declaration_page,
        personal_data=False,  # no result file: the pack is kept on the declaration
    )
)


# --- Annual report pack ----------------------------------------------------------------------------


def _report_part(report, language: str) -> dict:
    from finance.reports.render import shaped_rows

    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "tables": [
            {
                "title": table.title,
                "columns": table.columns,
                "rows": list(shaped_rows(table.rows, table.columns, language=language)),
            }
            for table in report.tables
        ],
    }


def _next_budget(year, language: str) -> dict:
    from finance.reports.base import Column, Report, Row, Table
    from finance.reports.budget import budget_lines

    if year is None:
        return _report_part(Report(key="next_budget", title=_("Next year's budget"), subtitle="—"), language)
    lines = budget_lines(year)
    tables = []
    for account_class, title in ((7, _("Income")), (6, _("Expenses"))):
        table = Table(title=title, columns=[Column(_("Account")), Column(_("Budget"), numeric=True)])
        chosen = [line for line in lines if line.account.account_class == account_class]
        table.rows = [Row([str(line.account), line.amount]) for line in chosen]
        total = sum((line.amount for line in chosen), Decimal("0.00"))
        table.rows.append(Row([_("Total"), total], kind="total"))
        tables.append(table)
    return _report_part(
        Report(key="next_budget", title=_("Next year's budget"), subtitle=str(year), tables=tables), language
    )


def annual_report_pdf(report, *, language: str) -> bytes:
    from finance.reports.budget import budget_vs_actual
    from finance.reports.statements import bilan_report, cpc_report
    from governance.models import AgendaItemKind

    year = report.fiscal_year
    assembly = report.assembly
    with translation.override(language):
        parts = [
            _report_part(bilan_report(year), language),
            _report_part(cpc_report(year), language),
            _report_part(budget_vs_actual(year), language),
            _next_budget(report.next_fiscal_year, language),
        ]
        resolutions = [
            {"title": item.title, "dir": text_direction(item.title), "description": item.description}
            for item in assembly.agenda_items.filter(kind=AgendaItemKind.RESOLUTION).order_by(
                "position", "pk"
            )
        ]
        context = {
            "title": _("Annual report"),
            "snapshot": {"association": _association_snapshot()},
            "report": {
                "year_label": str(year),
                "assembly_title": assembly.title,
                "assembly_date": timezone.localtime(assembly.first_call_at).date().isoformat(),
                "moral_ar": report.moral_report_ar,
                "moral_fr": report.moral_report_fr,
                "parts": parts,
                "resolutions": resolutions,
            },
        }
        return render_pdf("governance/pdf/annual_report.html", context, language=language)


def run_annual_report(*, job, params: dict, progress) -> JobOutcome:
    from governance.models import AnnualReport

    report = (
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to next_fiscal_year.
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("assembly", "fiscal_year", "next_fiscal_year")
        .filter(pk=params.get("report_id"))
        .first()
    )
    if report is None:
        return JobOutcome(summary=_("The annual report no longer exists."), refused=1)
    if not (report.moral_report_ar or report.moral_report_fr):
        return JobOutcome(summary=_("The board must write the moral report first."), refused=1)
    progress.total(1)
    pdf = annual_report_pdf(report, language=job.language)
    report.file, report.sha256 = _save("governance", f"annual-report-{report.pk}.pdf", pdf, report.file)
    report.generated_at = timezone.now()
    report.save(update_fields=["file", "sha256", "generated_at"])
    progress.advance()
    return JobOutcome(summary=_("The annual report is ready to download."), applied=1)


def _annual_report_page(job) -> str:
    from django.urls import reverse

    slug = Association.objects.get(pk=job.association_id).slug
    return reverse(
        "governance:annual_report", kwargs={"association_slug": slug, "report_id": job.params["report_id"]}
    )


ANNUAL_REPORT = register_job_kind(
    JobKind(
        key="governance.annual_report",
        label=gettext_lazy("Annual report pack"),
        capability="governance.convene",
        handler=run_annual_report,
        result_url=_annual_report_page,
        personal_data=False,  # no result file, and the pack names no member
    )
)
