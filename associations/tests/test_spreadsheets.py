"""Formula injection: every CSV/XLSX cell Wasl writes is neutralised (associations/spreadsheets.py);
the audit-trail export job's own test is in jobs/tests/test_audit_export.py."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from associations.spreadsheets import XlsxSheet, csv_cell, csv_writer, xlsx_cell

HOSTILE = '=HYPERLINK("http://evil","x")'


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1+1", "＝1+1", "=cmd|'/c calc'!A1"],
)
def test_text_that_a_spreadsheet_would_run_is_prefixed_with_a_quote(value):
    assert csv_cell(value) == "'" + value
    assert xlsx_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Alaoui", "جمعية الأمل", "a=b", "1+1", "", "contact@example.ma"])
def test_ordinary_text_is_unchanged(value):
    assert csv_cell(value) == value == xlsx_cell(value)


def test_numbers_and_dates_keep_their_type():
    for value in (12, -12, Decimal("-12.50"), 1.5, date(2026, 1, 2), True):
        assert csv_cell(value) == value and xlsx_cell(value) == value
    assert csv_cell(None) == ""


def test_a_phone_in_e164_stays_readable_text():
    # XLSX: typed as text, written as it is. CSV has no types: it is prefixed like any "+".
    assert xlsx_cell("+212612345678") == "+212612345678"
    assert csv_cell("+212612345678") == "'+212612345678"
    assert xlsx_cell("+212612345678=1") == "'+212612345678=1"  # only a plus and digits are exempt


def test_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["name", HOSTILE], [1, "@x"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["name", "'" + HOSTILE], ["1", "'@x"]]


def test_xlsx_sheet_writes_text_as_text_never_as_a_formula():
    sheet = XlsxSheet("members")
    sheet.append([HOSTILE, "+212612345678", 7, "bell\x07", "#N/A"])
    content = sheet.to_bytes()
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    cells = next(load_workbook(io.BytesIO(content)).active.iter_rows())
    assert [c.value for c in cells] == ["'" + HOSTILE, "+212612345678", 7, "bell\ufffd", "#N/A"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s", "s"]
