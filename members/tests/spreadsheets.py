"""Spreadsheets built in memory for the import tests and bench/import_wide_xlsx.py: ordinary ones,
and the hostile ones of issue 7 (a cell in column XFD, a huge shared string, a forged archive)."""

from __future__ import annotations

import io
import struct
import zipfile
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx_with_openpyxl(rows: list[list], *, far_cell: int | None = None) -> bytes:
    """An XLSX as openpyxl writes it (inline strings). With `far_cell`, every data row also has a
    value in that column (16,384 is column XFD, the last one)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=row_number, column=column, value=value)
        if far_cell and row_number > 1:
            sheet.cell(row=row_number, column=far_cell, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_with_shared_strings(
    rows: list[list[str]], *, huge_string_bytes: int = 0, formatted_empty_cells: int = 0
) -> bytes:
    """A minimal XLSX whose cells all refer to the shared-string table, as Excel writes it. With
    `huge_string_bytes`, the first data row's first cell is one string of that many bytes, streamed
    into the archive (it compresses about a thousand times). With `formatted_empty_cells`, each data
    row also holds that many empty cells with a style, after its values."""
    strings: list[str] = []
    index: dict[str, int] = {}
    sheet_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row, start=1):
            if huge_string_bytes and row_number == 2 and column == 1:
                position = -1  # the huge string, written last
            else:
                position = index.setdefault(value, len(index))
                if position == len(strings):
                    strings.append(value)
            cells.append((column, position))
        sheet_rows.append((row_number, cells))
    huge_index = len(strings)
    sheet = "".join(
        f'<row r="{number}">'
        + "".join(
            f'<c r="{_column(column)}{number}" t="s"><v>{huge_index if position < 0 else position}</v></c>'
            for column, position in cells
        )
        + "".join(
            f'<c r="{_column(len(cells) + extra)}{number}" s="0"/>'
            for extra in range(1, (formatted_empty_cells if number > 1 else 0) + 1)
        )
        + "</row>"
        for number, cells in sheet_rows
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheets><sheet name="Members" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>{sheet}</sheetData>'
            "</worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as part:
            total = len(strings) + (1 if huge_string_bytes else 0)
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{total}" '
                       f'uniqueCount="{total}">'.encode())  # fmt: skip
            for value in strings:
                part.write(f"<si><t>{escape(value)}</t></si>".encode())
            if huge_string_bytes:
                part.write(b"<si><t>")
                chunk = b"A" * (1024 * 1024)
                left = huge_string_bytes
                while left > 0:
                    part.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return buffer.getvalue()


def xlsx_with_inline_string(rows: list[list[str]], *, huge_string_bytes: int) -> bytes:
    """The same minimal XLSX, but the first data row's first cell is an inline string (in the sheet
    itself) of `huge_string_bytes` bytes, streamed into the archive."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_with_shared_strings(rows)))
    sheet = base.read("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b'<c r="A2" t="s"><v>', 1)
    tail = tail.split(b"</v></c>", 1)[1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, base.read(info.filename))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as part:
            part.write(head + b'<c r="A2" t="inlineStr"><is><t>')
            chunk = b"A" * (1024 * 1024)
            left = huge_string_bytes
            while left > 0:
                part.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            part.write(b"</t></is></c>" + tail)
    return buffer.getvalue()


def forge_declared_size(content: bytes, part_name: str, declared: int) -> bytes:
    """The same archive, except that `part_name` declares `declared` bytes once unpacked (in its
    local header and in the central directory) while it really unpacks to more."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(part_name)
    data = bytearray(content)
    # Local file header: the uncompressed size is at offset 22.
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    # Central directory entry: find it by its header offset, the uncompressed size is at offset 24.
    position = data.find(b"PK\x01\x02")
    while position != -1:
        (offset,) = struct.unpack_from("<I", data, position + 42)
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if (
            offset == info.header_offset
            and data[position + 46 : position + 46 + name_length] == part_name.encode()
        ):
            struct.pack_into("<I", data, position + 24, declared)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)
