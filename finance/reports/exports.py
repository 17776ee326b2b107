"""Reports as files (PDF, CSV, XLSX), always through a background job with progress.

The journal and the general ledger stream their rows; their PDF is rendered in steps of
LINES_PER_STEP ledger lines (about 45 pages each), each step a task of its own that stores a part
file, the finish joining the parts (as the member card sheets do): a 1,000-page ledger never holds
a web worker nor comes near the broker's visibility timeout."""

from __future__ import annotations

import io
import math

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.errors import WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from finance.models import FiscalYear
from finance.reports.base import Row, table_rows
from finance.reports.ledgers import (
    CHUNK,
    LedgerRunner,
    journal_columns,
    journal_lines,
    journal_rows,
    ledger_columns,
    ledger_lines,
    line_values,
)
from finance.reports.registry import REPORTS, build_report
from finance.reports.render import render_tables_pdf, report_csv, report_pdf, report_xlsx, rows_csv, rows_xlsx
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, JobSteps, register_job_kind
from jobs.services import job_start

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LINES_PER_STEP = 2000  # ~45 pages; a 93-page render peaked at 850 MiB (bench)
PROGRESS_EVERY = 1000
LEDGER_TEMPLATE = "finance/pdf/ledger.html"


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 12 else None


@transaction.atomic
def report_export_start(
    *, actor, role_kind: str | None, report: str, year_id, file_format: str, **params
) -> Job:
    """Queue a report's file; every parameter is checked now so that the job cannot fail on them."""
    if report not in REPORTS:
        raise WaslError(_("Choose a report."), field="report")
    if file_format not in FORMATS:
        raise WaslError(_("Choose PDF, CSV or XLSX."), field="format")
    year = FiscalYear.objects.filter(pk=_int(year_id) or 0).first()
    if year is None:
        raise WaslError(_("Choose a fiscal year."), field="year")
    clean = {
        key: _int(value)
        for key, value in params.items()
        if key in ("account_id", "journal_id", "project_id") and _int(value)
    }
    return job_start(
        actor=actor,
        role_kind=role_kind,
        kind=FINANCE_REPORT.key,
        params={"report": report, "year_id": year.pk, "format": file_format, **clean},
    )


def _filename(params: dict, year: FiscalYear) -> str:
    slug = Association.objects.get(pk=current_association_id()).slug
    return f"{params['report']}-{slug}-{year}.{params['format']}"


def _year(params: dict) -> FiscalYear:
    year = FiscalYear.objects.filter(pk=params.get("year_id") or 0).first()
    if year is None:
        raise WaslError(_("This fiscal year no longer exists."))
    return year


def _streamed_source(params: dict, year: FiscalYear):
    """(columns, lines queryset) of the journal or the ledger."""
    if params["report"] == "journal":
        return journal_columns(), journal_lines(year, journal_id=params.get("journal_id"))
    return ledger_columns(), ledger_lines(year, account_id=params.get("account_id"))


def _counted(rows, progress, every=PROGRESS_EVERY):
    for position, row in enumerate(rows, start=1):
        yield row
        if position % every == 0:
            progress.advance(every)


def run_report_export(*, job, params: dict, progress):
    year = _year(params)
    kind = REPORTS[params["report"]]
    file_format = params["format"]
    association = Association.objects.get(pk=current_association_id())
    if kind.streamed:
        columns, lines = _streamed_source(params, year)
        count = lines.count()
        progress.total(count)
        if file_format == "pdf" and count > LINES_PER_STEP:
            return JobSteps(
                count=math.ceil(count / LINES_PER_STEP), state={"parts": [], "carry": {}, "lines": count}
            )
        if params["report"] == "journal":
            rows = journal_rows(year, journal_id=params.get("journal_id"))
        else:
            runner = LedgerRunner()
            rows = _chain(runner.rows(line_values(lines).iterator(CHUNK)), runner.end())
        title = str(kind.label)
        if file_format == "pdf":
            content = render_tables_pdf(
                title=title, subtitle=str(year), association=association, language=job.language,
                tables=[("", columns, _counted(rows, progress))], template=LEDGER_TEMPLATE,
            )  # fmt: skip
        else:
            plain = (
                [("" if cell is None else cell) for cell in row.cells] for row in _counted(rows, progress)
            )
            all_rows = _chain([[title, str(year)], [], [column.label for column in columns]], plain)
            content = rows_csv(all_rows) if file_format == "csv" else rows_xlsx(title, all_rows)
        return _outcome(params, year, content, count)
    progress.total(1)
    report = build_report(params["report"], year, params)
    if file_format == "pdf":
        content = report_pdf(report, association=association, language=job.language)
    elif file_format == "csv":
        content = report_csv(report)
    else:
        content = report_xlsx(report)
    progress.advance()
    return _outcome(params, year, content, sum(1 for _row in table_rows(report)))


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def _outcome(params: dict, year: FiscalYear, content: bytes, count: int) -> JobOutcome:
    return JobOutcome(
        summary=_("%(report)s of %(year)s is ready.")
        % {"report": REPORTS[params["report"]].label, "year": year},
        applied=count,
        file=JobResult(
            content=content, filename=_filename(params, year), content_type=FORMATS[params["format"]]
        ),
    )


def _part_name(job, index: int) -> str:
    return f"associations/{job.association_id}/jobs/report-{job.pk}-part-{index:05d}.pdf"


def report_export_step(*, job, state: dict, index: int, progress) -> dict:
    """Render the PDF pages of lines [index * LINES_PER_STEP, (index + 1) * LINES_PER_STEP)."""
    from documents.files import private_storage

    params = job.params
    year = _year(params)
    columns, lines = _streamed_source(params, year)
    chunk = list(line_values(lines)[index * LINES_PER_STEP : (index + 1) * LINES_PER_STEP])
    last = (index + 1) * LINES_PER_STEP >= state["lines"]
    carry = state.get("carry") or {}
    if params["report"] == "journal":
        rows = list(journal_rows(year, lines=chunk))
        if last:
            totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
            rows.append(Row([_("Total"), "", "", "", totals["d"], totals["c"]], kind="total"))
    else:
        runner = LedgerRunner(carry)
        rows = list(runner.rows(chunk))
        if last:
            rows.extend(runner.end())
        carry = runner.state()
    association = Association.objects.get(pk=current_association_id())
    pdf = render_tables_pdf(
        title=str(REPORTS[params["report"]].label), subtitle=str(year), association=association,
        language=job.language, tables=[("", columns, rows)], template=LEDGER_TEMPLATE,
    )  # fmt: skip
    storage = private_storage()
    name = _part_name(job, index)
    storage.delete(name)  # a repeated step writes the same name
    stored = storage.save(name, ContentFile(pdf))
    progress.advance(len(chunk))
    return {"parts": [*state["parts"][:index], stored], "carry": carry}


def report_export_finish(*, job, state: dict, progress) -> JobOutcome:
    from pypdf import PdfReader, PdfWriter

    from documents.files import private_storage

    storage = private_storage()
    writer = PdfWriter()
    for name in state["parts"]:
        with storage.open(name, "rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    buffer = io.BytesIO()
    writer.write(buffer)
    return _outcome(job.params, _year(job.params), buffer.getvalue(), state["lines"])


def report_export_cleanup(*, job, state: dict, succeeded: bool) -> None:
    from documents.files import private_storage

    storage = private_storage()
    for name in {*state.get("parts", []), *(_part_name(job, i) for i in range(job.steps_total or 0))}:
        storage.delete(name)


FINANCE_REPORT = register_job_kind(
    JobKind(
        key="finance.report",
        label=gettext_lazy("Report of the books (file)"),
        capability="finance.view",
        handler=run_report_export,
        step=report_export_step,
        finish=report_export_finish,
        cleanup=report_export_cleanup,
    )
)
