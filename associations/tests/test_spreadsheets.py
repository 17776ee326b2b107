"""Formula injection: every CSV/XLSX cell Wasl writes is neutralised (associations/spreadsheets.py),
including the audit-trail export job."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from associations.audit import audit_record
from associations.models import Association
from associations.spreadsheets import XlsxSheet, csv_cell, csv_writer, xlsx_cell
from associations.tenancy import association_scope
from documents.files import private_storage
from jobs import services as job_services
from jobs.models import Job

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


def test_the_audit_export_neutralises_a_hostile_target_label(tenant_a):
    association = tenant_a.association
    Association.objects.filter(pk=association.pk).update(name_ar=HOSTILE)  # labels are written in Arabic
    association.refresh_from_db()
    with association_scope(association):
        audit_record(actor=tenant_a.president, action="tests.hostile", target=association)
        job = job_services.job_start(
            actor=tenant_a.president, role_kind="president", kind="associations.audit_export"
        )
    assert job_services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    text = private_storage().open(job.result_file).read().decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if "tests.hostile" in r)
    assert "'" + HOSTILE in row and HOSTILE not in row
    assert all(
        not cell or cell[0] not in "=+-@\t\r" for line in csv.reader(io.StringIO(text)) for cell in line
    )
