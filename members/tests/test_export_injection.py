"""The register export (CSV and XLSX) never hands a spreadsheet a formula, and keeps phones as text."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.tenancy import association_scope
from jobs.models import Job
from members import services

HOSTILE = '=HYPERLINK("http://evil","x")'


@pytest.fixture
def hostile_member(tenant_a):
    with association_scope(tenant_a.association):
        return services.member_admit(
            actor=tenant_a.president,
            first_name_latin="@SUM(A1)",
            last_name_latin="Hostile",
            address=HOSTILE,
            profession="-2+3",
            phone="0612345678",
            cin="HX123456",
        )


def export(client, tenant, fmt, capture) -> bytes:
    """Start the export as the list's form does (a background job, run at once: eager) and download
    the job's file."""
    client.force_login(tenant.president)
    slug = tenant.association.slug
    with capture(execute=True):
        response = client.post(
            reverse("members:export", kwargs={"association_slug": slug}), {"format": fmt, "q": "hostile"}
        )
    assert response.status_code == 302
    with association_scope(tenant.association):
        job = Job.objects.filter(kind__startswith="members.export").latest("created_at", "id")
    assert job.status == Job.Status.SUCCEEDED
    download = client.get(reverse("jobs:download", kwargs={"association_slug": slug, "job_id": job.pk}))
    return b"".join(download.streaming_content)


def test_csv_export_prefixes_formulas(client, tenant_a, hostile_member, django_capture_on_commit_callbacks):
    content = export(client, tenant_a, "csv", django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row, strict=True))
    assert cell["Address"] == "'" + HOSTILE
    assert cell["First name (Latin script)"] == "'@SUM(A1)"
    assert cell["Profession"] == "'-2+3"
    assert cell["Phone"] == "'+212612345678"  # CSV has no types: prefixed, still readable
    assert cell["CIN number"] == "HX123456"
    assert all(not c or c[0] not in "=+-@\t\r" for r in rows for c in r)


def test_xlsx_export_writes_text_never_formulas_and_phones_as_text(
    client, tenant_a, hostile_member, django_capture_on_commit_callbacks
):
    content = export(client, tenant_a, "xlsx", django_capture_on_commit_callbacks)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere in the sheet
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows())
    header = [c.value for c in rows[0]]
    cell = dict(zip(header, rows[1], strict=True))
    assert cell["Address"].value == "'" + HOSTILE and cell["Address"].data_type == "s"
    assert cell["Phone"].value == "+212612345678" and cell["Phone"].data_type == "s"
    assert cell["CIN number"].value == "HX123456"
