"""A report as PDF (documents.pdf.render_pdf: WeasyPrint, bundled fonts, RTL in Arabic), CSV or
XLSX (associations.spreadsheets). Cells are shaped once in Python: amounts formatted in the
reader's language inside a left-to-right isolate, free text with the direction of its script, so
a figure reads the same in an Arabic or a French page."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import timezone, translation

from associations.formatting import format_amount, text_direction
from associations.spreadsheets import XlsxSheet, csv_writer
from finance.reports.base import Column, Report, Row, table_rows


def shown(value, *, language: str) -> tuple[str, str]:
    """(text, direction) of a cell for the PDF."""
    if value is None or value == "":
        return "", "ltr"
    if isinstance(value, Decimal):
        return format_amount(value, language=language), "ltr"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y"), "ltr"
    text = str(value)
    return text, text_direction(text)


def shaped_rows(rows: Iterable[Row], columns: list[Column], *, language: str):
    for row in rows:
        yield {
            "kind": row.kind,
            "cells": [
                (*shown(cell, language=language), columns[index].numeric if index < len(columns) else False)
                for index, cell in enumerate(row.cells)
            ],
        }


def render_tables_pdf(
    *,
    title: str,
    subtitle: str,
    association,
    tables,
    language: str,
    facts=(),
    template="finance/pdf/report.html",
) -> bytes:
    """`tables`: (title, columns, rows) triples; rows may be a generator. The journal and the ledger
    use `finance/pdf/ledger.html` (fixed column widths, one box per cell)."""
    from documents.pdf import render_pdf

    with translation.override(language):
        context = {
            "title": title,
            "subtitle": subtitle,
            "association": association,
            "facts": list(facts),
            "printed_on": timezone.localdate(),
            "tables": [
                {"title": t_title, "columns": columns, "rows": shaped_rows(rows, columns, language=language)}
                for t_title, columns, rows in tables
            ],
        }
        return render_pdf(template, context, language=language)


def report_pdf(report: Report, *, association, language: str) -> bytes:
    return render_tables_pdf(
        title=report.title,
        subtitle=report.subtitle,
        association=association,
        tables=[(table.title, table.columns, table.rows) for table in report.tables],
        language=language,
    )


def rows_csv(rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes spreadsheet programs read UTF-8


def rows_xlsx(title: str, rows: Iterable[list]) -> bytes:
    sheet = XlsxSheet(title)
    for row in rows:
        sheet.append(row)
    return sheet.to_bytes()


def report_csv(report: Report) -> bytes:
    return rows_csv([[report.title, report.subtitle], [], *table_rows(report)])


def report_xlsx(report: Report) -> bytes:
    return rows_xlsx(report.title, [[report.title, report.subtitle], [], *table_rows(report)])
