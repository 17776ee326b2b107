"""Funding files, made by a background job (never in the request): the annual account of the use of
public support for the Court of Accounts (PDF or XLSX) and a donor's yearly statement (PDF), which
carries the tax mentions when the association is recognised of public utility."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.capabilities import has_capability
from associations.errors import WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from finance import funding_selectors
from finance.models import Donor, FiscalYear
from finance.models.funding import PUBLIC_CERTIFICATION_THRESHOLD, DonationNature, FunderType
from finance.reports.base import Column, Report, Row, Table, table_rows
from finance.reports.render import render_tables_pdf, report_xlsx
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, register_job_kind
from jobs.services import job_start

PUBLIC_SUPPORT, DONOR_STATEMENT = "public_support", "donor_statement"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ZERO = funding_selectors.ZERO


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 12 else None


# --- The reports ---------------------------------------------------------------------------------


def public_support_report(year: FiscalYear) -> Report:
    """Each agreement with a public funder: amount granted, received in the year and in all, what
    its project spent in the year, and what is left; the year's public money against the line."""
    from finance.models.funding import PUBLIC_FUNDER_TYPES

    public_types = [t for t in FunderType.values if t in PUBLIC_FUNDER_TYPES]
    grants = list(
        funding_selectors.grants()
        .filter(funder__funder_type__in=public_types)
        .order_by("funder__name", "name")
    )
    received_in_year = _received_in_year(year)
    spent = funding_selectors.project_expenses(year, [g.project_id for g in grants if g.project_id])
    table = Table(
        title=_("Agreements with public funders"),
        columns=[
            Column(_("Funder"), key="funder"),
            Column(_("Type of funder"), key="type"),
            Column(_("Agreement"), key="grant"),
            Column(_("Reference"), key="reference"),
            Column(_("Project"), key="project"),
            Column(_("Granted"), numeric=True, key="granted"),
            Column(_("Received in the year"), numeric=True, key="received_year"),
            Column(_("Received in all"), numeric=True, key="received"),
            Column(_("Spent by the project in the year"), numeric=True, key="spent"),
        ],
    )
    totals = [ZERO, ZERO, ZERO, ZERO]
    for grant in grants:
        values = (
            grant.amount_granted,
            received_in_year.get(grant.pk, ZERO),
            grant.received,
            spent.get(grant.project_id, ZERO) if grant.project_id else ZERO,
        )
        for index, value in enumerate(values):
            totals[index] += value
        table.rows.append(
            Row(
                cells=[
                    grant.funder.name,
                    grant.funder.get_funder_type_display(),
                    grant.name,
                    grant.reference,
                    str(grant.project) if grant.project else "",
                    *values,
                ]
            )
        )
    table.rows.append(Row(cells=[_("Total"), "", "", "", "", *totals], kind="total"))
    money = funding_selectors.public_money_of(year)
    facts = {
        "public_money": money.total,
        "threshold": PUBLIC_CERTIFICATION_THRESHOLD,
        "certification_needed": money.over,
        "deadline": money.court_deadline,
    }
    return Report(
        key=PUBLIC_SUPPORT,
        title=_("Account of the use of public support"),
        subtitle=str(year),
        tables=[table],
        facts=facts,
    )


def _instalments_in(year: FiscalYear):
    from finance.models import GrantInstalment

    return GrantInstalment.objects.filter(received_on__gte=year.start_date, received_on__lte=year.end_date)


def _received_in_year(year: FiscalYear) -> dict:
    from django.db.models import Sum

    rows = _instalments_in(year).values("grant_id").annotate(total=Sum("amount")).order_by()
    return {row["grant_id"]: row["total"] for row in rows}


def public_support_facts(report: Report) -> list[tuple[str, str]]:
    from associations.formatting import format_money

    facts = report.facts
    rows = [
        (_("Public money received in the year"), format_money(facts["public_money"])),
        (_("Line above which the accounts are certified"), format_money(facts["threshold"])),
        (
            _("Certification of the accounts"),
            _("needed: public money is above the line") if facts["certification_needed"] else _("not needed"),
        ),
    ]
    if facts["deadline"]:
        rows.append((_("To file with the Court of Accounts by"), facts["deadline"].strftime("%d/%m/%Y")))
    return rows


def donor_statement_report(donor: Donor, year: int, *, show_identity: bool) -> Report:
    table = Table(
        title=_("Gifts received"),
        columns=[
            Column(_("Date"), key="date"),
            Column(_("Nature"), key="nature"),
            Column(_("Description"), key="description"),
            Column(_("Entry"), key="entry"),
            Column(_("Amount or value (MAD)"), numeric=True, key="amount"),
        ],
    )
    total, cash_total = ZERO, ZERO
    for donation in funding_selectors.donor_donations(donor, year=year):
        total += donation.amount
        if donation.nature == DonationNature.CASH:
            cash_total += donation.amount
        table.rows.append(
            Row(
                cells=[
                    donation.received_on,
                    donation.get_nature_display(),
                    donation.description,
                    str(donation.entry),
                    donation.amount,
                ]
            )
        )
    table.rows.append(Row(cells=[_("Total"), "", "", "", total], kind="total"))
    return Report(
        key=DONOR_STATEMENT,
        title=_("Yearly statement of gifts"),
        subtitle=str(year),
        tables=[table],
        facts={"donor": donor, "total": total, "cash_total": cash_total, "show_identity": show_identity},
    )


def donor_statement_facts(report: Report, association: Association) -> list[tuple[str, str]]:
    from associations.formatting import format_money

    donor = report.facts["donor"]
    rows = [(_("Donor"), donor.name)]
    if donor.address:
        rows.append((_("Address"), donor.address))
    if report.facts["show_identity"]:
        if donor.cin:
            rows.append((_("CIN"), donor.cin))
        if donor.ice:
            rows.append((_("ICE"), donor.ice))
    rows.append((_("Total of the year"), format_money(report.facts["total"])))
    rows.append((_("Counterpart"), _("These gifts were made without any counterpart.")))
    if association.is_public_utility:
        rows.append(
            (
                _("Tax mention"),
                _(
                    "The association is recognised of public utility. Gifts to it are deductible under "
                    "the conditions of the General Tax Code (article 10-I-B-2° for companies; article "
                    "numbering to be confirmed by a tax adviser)."
                ),
            )
        )
        if association.final_receipt_number:
            rows.append((_("Declaration receipt"), association.final_receipt_number))
    else:
        rows.append(
            (
                _("Tax mention"),
                _(
                    "The association is not recognised of public utility: "
                    "this statement is not a tax receipt."
                ),
            )
        )
    return rows


# --- The job -------------------------------------------------------------------------------------


@transaction.atomic
def funding_file_start(
    *, actor, role_kind: str | None, file: str, file_format: str, year_id=None, donor_id=None, year=None
) -> Job:
    """Queue a funding file; every parameter is checked now so that the job cannot fail on them."""
    if file == PUBLIC_SUPPORT:
        if file_format not in CONTENT_TYPES:
            raise WaslError(_("Choose PDF or XLSX."), field="format")
        fiscal_year = FiscalYear.objects.filter(pk=_int(year_id) or 0).first()
        if fiscal_year is None:
            raise WaslError(_("Choose a fiscal year."), field="year")
        params = {"file": file, "format": file_format, "year_id": fiscal_year.pk}
    elif file == DONOR_STATEMENT:
        donor = Donor.objects.filter(pk=_int(donor_id) or 0).first()
        if donor is None:
            raise WaslError(_("Choose a donor of the association."), field="donor")
        calendar_year = _int(year)
        if calendar_year is None or not 1900 < calendar_year < 3000:
            raise WaslError(_("Choose a year."), field="year")
        params = {
            "file": file,
            "format": "pdf",
            "donor_id": donor.pk,
            "year": calendar_year,
            "identity": has_capability(role_kind, "members.view_sensitive"),
        }
    else:
        raise WaslError(_("Choose a file."), field="file")
    return job_start(actor=actor, role_kind=role_kind, kind=FUNDING_FILE.key, params=params)


def run_funding_file(*, job, params: dict, progress) -> JobOutcome:
    association = Association.objects.get(pk=current_association_id())
    progress.total(1)
    if params["file"] == PUBLIC_SUPPORT:
        year = FiscalYear.objects.filter(pk=params["year_id"]).first()
        if year is None:
            raise WaslError(_("This fiscal year no longer exists."))
        report = public_support_report(year)
        if params["format"] == "pdf":
            content = render_tables_pdf(
                title=report.title,
                subtitle=report.subtitle,
                association=association,
                language=job.language,
                tables=[(t.title, t.columns, t.rows) for t in report.tables],
                facts=public_support_facts(report),
            )
        else:
            report.tables.insert(
                0,
                Table(
                    title=report.title,
                    columns=[Column(""), Column("")],
                    rows=[Row(cells=list(fact)) for fact in public_support_facts(report)],
                ),
            )
            content = report_xlsx(report)
        filename = f"public-support-{association.slug}-{year}.{params['format']}"
        summary = _("The account of the use of public support of %(year)s is ready.") % {"year": year}
    else:
        donor = Donor.objects.filter(pk=params["donor_id"]).first()
        if donor is None:
            raise WaslError(_("This donor no longer exists."))
        report = donor_statement_report(donor, params["year"], show_identity=bool(params.get("identity")))
        content = render_tables_pdf(
            title=report.title,
            subtitle=report.subtitle,
            association=association,
            language=job.language,
            tables=[(t.title, t.columns, t.rows) for t in report.tables],
            facts=donor_statement_facts(report, association),
        )
        filename = f"gifts-{association.slug}-{donor.pk}-{params['year']}.pdf"
        summary = _("The statement of gifts of %(year)s is ready.") % {"year": params["year"]}
    progress.advance()
    return JobOutcome(
        summary=summary,
        applied=sum(1 for _row in table_rows(report)),
        file=JobResult(content=content, filename=filename, content_type=CONTENT_TYPES[params["format"]]),
    )


FUNDING_FILE = register_job_kind(
    JobKind(
        key="finance.funding_file",
        label=gettext_lazy("Funding file (public support, donor statement)"),
        capability="finance.view",
        handler=run_funding_file,
    )
)
