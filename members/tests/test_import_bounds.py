"""The import parser is bounded (issue 7, item 5): hostile files, built in memory, small but of the
same shape as the ones that took gigabytes, are refused with a clear message while memory stays
small; the mapping page never parses the file again."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from documents.files import private_storage
from members import importing
from members.importing import outline_table, read_table
from members.models import MemberImport
from members.tests.spreadsheets import forge_declared_size, xlsx_with_openpyxl, xlsx_with_shared_strings

MB = 1024 * 1024
ROWS = [["Nom", "Prénom", "Téléphone"]] + [[f"Nom{i}", "Karim", f"06{i:08d}"] for i in range(300)]


def upload(tenant, name: str, content: bytes):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant.president)
    path = reverse("members:import", kwargs={"association_slug": tenant.association.slug})
    return client, client.post(path, {"file": SimpleUploadedFile(name, content)})


def peak_memory(function, *args):
    """(the exception it raised or its result, peak of Python allocations in bytes)."""
    tracemalloc.start()
    try:
        result = function(*args)
    except WaslError as exc:
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak


def test_a_value_in_column_xfd_is_refused_at_its_first_row(tenant_a):
    content = xlsx_with_openpyxl(ROWS, far_cell=16_384)
    _client, response = upload(tenant_a, "wide.xlsx", content)
    assert response.status_code == 400
    assert "Row 2 has a value beyond column 100" in response.content.decode()
    refused, peak = peak_memory(outline_table, content)
    assert isinstance(refused, WaslError) and refused.code == "too_many_columns"
    assert peak < 8 * MB  # the old reader padded each row to 16,384 cells: 130 MB for these 300 rows


def test_empty_formatted_cells_far_to_the_right_are_ignored_not_padded():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    for row in ROWS:
        sheet.append(row)
    for row in range(1, len(ROWS) + 1):
        sheet.cell(row=row, column=16_384).font = Font(bold=True)  # formatted, but empty
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    table, peak = peak_memory(read_table, buffer.getvalue())
    assert table.headers == ["Nom", "Prénom", "Téléphone"] and len(table.rows) == 300
    assert all(len(row) == 3 for row in table.rows)
    assert peak < 8 * MB


def test_a_huge_shared_string_is_refused_before_openpyxl_reads_it(tenant_a):
    content = xlsx_with_shared_strings(
        [["Nom", "Prénom"], ["BIG", "Karim"]], huge_string_bytes=importing.MAX_PART_BYTES + MB
    )
    assert len(content) < 100 * 1024  # a bomb: 33 MB of text in a few dozen KB
    _client, response = upload(tenant_a, "bomb.xlsx", content)
    assert response.status_code == 400
    assert "too large once unpacked (more than 32.0\xa0MB)" in response.content.decode()
    refused, peak = peak_memory(outline_table, content)
    assert isinstance(refused, WaslError) and peak < 4 * MB


def test_a_part_unpacking_to_more_than_it_declares_is_refused():
    honest = xlsx_with_shared_strings([["Nom", "Prénom"], ["BIG", "Karim"]], huge_string_bytes=2 * MB)
    forged = forge_declared_size(honest, "xl/sharedStrings.xml", 1000)
    refused, peak = peak_memory(outline_table, forged)
    assert isinstance(refused, WaslError) and refused.code == "unreadable" and peak < 4 * MB


def test_an_overlong_shared_string_cell_is_refused_naming_its_cell():
    content = xlsx_with_shared_strings([["Nom", "Prénom"], ["x", "Karim"]], huge_string_bytes=5000)
    with pytest.raises(WaslError, match="row 2, column A holds more than 1000 characters"):
        outline_table(content)


def test_a_sixty_thousand_column_csv_is_refused_before_it_is_split(tenant_a):
    header = ";".join(["Nom", "Prénom"] + [f"c{i}" for i in range(60_000 - 2)])
    content = (header + "\nAlaoui;Karim" + ";x" * (60_000 - 2) + "\n").encode()
    _client, response = upload(tenant_a, "wide.csv", content)
    assert response.status_code == 400
    assert "Row 1 has a value beyond column 100" in response.content.decode()
    refused, peak = peak_memory(outline_table, content)
    assert isinstance(refused, WaslError) and peak < 2 * len(content) + MB  # the text, not 60,000 cells


def test_a_csv_cell_or_line_too_long_is_refused():
    with pytest.raises(WaslError, match="row 3, column B holds more than 1000 characters"):
        outline_table(("Nom;Prénom\nAlaoui;Karim\nBennani;" + "y" * 1001 + "\n").encode())
    with pytest.raises(WaslError, match="Line 2 is too long"):
        outline_table(("Nom;Prénom\n" + "z" * (importing.MAX_CSV_LINE_CHARS + 1) + "\n").encode())


def test_rows_are_numbered_as_the_spreadsheet_shows_them():
    table = read_table(b"Nom;Prenom\n\nAlaoui;Karim\n;\nBennani;Salma\n")
    assert table.lines == [3, 5] and table.rows == [["Alaoui", "Karim"], ["Bennani", "Salma"]]


def test_the_upload_keeps_the_header_and_samples_and_the_mapping_page_never_reads_the_file_again(tenant_a):
    content = xlsx_with_openpyxl(ROWS)
    client, response = upload(tenant_a, "list.xlsx", content)
    with association_scope(tenant_a.association):
        member_import = MemberImport.objects.latest("created_at")
    assert response.status_code == 302 and member_import.row_count == 300
    assert member_import.headers == ["Nom", "Prénom", "Téléphone"]
    assert member_import.samples == [["Nom0", "Karim", "0600000000"], ["Nom1", "Karim", "0600000001"],
                                     ["Nom2", "Karim", "0600000002"]]  # fmt: skip
    with private_storage().open(member_import.file, "wb") as handle:
        handle.write(b"PK\x03\x04 no longer a spreadsheet")  # reading it again would fail
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<bdi>Nom1</bdi>" in page.content.decode()
    assert len(page.content) < 60_000


def test_a_long_sample_is_shortened_on_the_mapping_page():
    outline = outline_table(("Nom;Adresse\nAlaoui;" + "rue " * 200 + "\n").encode())
    assert outline.samples == [["Alaoui", ("rue " * 200)[: importing.SAMPLE_CHARS]]]


def test_a_list_uploaded_before_reading_was_bounded_is_read_once_more_or_refused(tenant_a):
    from documents.files import save_private_file

    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    with association_scope(tenant_a.association):
        old = MemberImport.objects.create(
            file=save_private_file("imports", "old.csv", "Nom;Prénom\nAlaoui;Karim\n".encode()),
            original_name="old.csv", row_count=1, created_by=tenant_a.president,
        )  # fmt: skip
        hostile = MemberImport.objects.create(
            file=save_private_file("imports", "wide.xlsx", xlsx_with_openpyxl(ROWS[:3], far_cell=16_384)),
            original_name="wide.xlsx", row_count=2, created_by=tenant_a.president,
        )  # fmt: skip
    page = reverse(
        "members:import_map", kwargs={"association_slug": tenant_a.association.slug, "import_id": old.pk}
    )
    assert "<bdi>Alaoui</bdi>" in client.get(page).content.decode()
    with association_scope(tenant_a.association):
        old.refresh_from_db()
    assert old.headers == ["Nom", "Prénom"] and old.samples == [["Alaoui", "Karim"]]
    response = client.get(page.replace(f"/{old.pk}/", f"/{hostile.pk}/"))
    assert response.status_code == 400 and "beyond column 100" in response.content.decode()
    assert '<form method="post">' not in response.content.decode()


def test_rows_or_sheets_with_too_many_cells_even_empty_formatted_ones_are_refused(monkeypatch):
    wide = xlsx_with_shared_strings([["Nom", "Prénom"], ["Alaoui", "Karim"]], formatted_empty_cells=1_000)
    with pytest.raises(WaslError, match="Row 2 has more than 1000 cells, with values or formatting"):
        outline_table(wide)
    rows = [["Nom", "Prénom"]] + [[f"Nom{i}", "Karim"] for i in range(50)]
    fine = xlsx_with_shared_strings(rows, formatted_empty_cells=20)
    assert outline_table(fine).row_count == 50  # formatted empty cells are not values
    monkeypatch.setattr(importing, "MAX_SHEET_CELLS", 500)
    with pytest.raises(WaslError, match="more than 500 cells"):
        outline_table(fine)


def test_a_long_text_in_the_xml_is_refused_before_openpyxl_builds_it(tenant_a):
    bomb = xlsx_with_shared_strings([["Nom", "Prénom"], ["BIG", "Karim"]], huge_string_bytes=3 * MB)
    _client, response = upload(tenant_a, "bomb.xlsx", bomb)
    assert (
        response.status_code == 400
        and "a text far longer than a member list needs" in response.content.decode()
    )
    refused, peak = peak_memory(outline_table, bomb)
    assert refused.code == "text_too_long" and peak < 4 * MB


def test_a_long_text_is_found_across_the_chunks_it_is_read_in():
    half = b"x" * (importing.MAX_XML_TEXT_BYTES // 2 + 1)
    carried = importing._longest_text_run(b"<si><t>" + half, 0)
    assert carried == len(half) + 2  # bytes since the last "<"
    with pytest.raises(WaslError, match="far longer"):
        importing._longest_text_run(half + b"</t></si>", carried)
    assert importing._longest_text_run(b"</t></si><si><t>" + half, carried) == len(half) + 2
