"""The one way Wasl writes CSV and XLSX files: every cell is neutralised against formula injection.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and may trim a
leading tab, line break or space first): a member who joins with `=HYPERLINK("http://evil","x")` as
their address would otherwise get a live link, or worse, in every officer's export. Following
OWASP's CSV-injection guidance, such a text cell is written with a leading single quote, which
makes every spreadsheet program read it as text. Every module writes through `csv_writer()` / `XlsxSheet` (an
architecture test rejects `csv.writer` and openpyxl's `Workbook` anywhere else), so a new export
cannot forget it.

Numbers, dates and booleans are passed as such (they cannot carry a formula) and keep their type;
only text is checked.

Phone numbers: the register stores them in E.164 (`+212612345678`). In XLSX every text cell is
typed as text, so the spreadsheet neither runs it nor turns it into the number 212612345678: a
value that is exactly a `+` and digits cannot name a function, a cell or an address, so it is
written as it is. CSV has no types: whatever opens it decides, and a leading `+` is read as a
formula (or a number, losing the `+`), so CSV prefixes it like any other trigger (`'+212…`), which
keeps it readable and intact.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from associations.text import strip_bidi_controls

# The first characters that make a cell a formula (OWASP, ASVS 1.2.10), with their full-width forms,
# which some spreadsheet programs normalise, and NUL / line breaks, which some programs trim.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
_LEADING_SPACE = " \u00a0"  # spreadsheet programs may trim these before looking for a formula
E164_PHONE = re.compile(r"\+[1-9][0-9]{5,14}")
# XML 1.0 cannot hold these characters: openpyxl refuses them, so one hostile value could fail a
# whole export. They are replaced, never passed through.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _is_formula_like(text: str) -> bool:
    stripped = text.lstrip(_LEADING_SPACE)
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def neutralise_text(text: str) -> str:
    """`=SUM(A1)` → `'=SUM(A1)`; any other text is returned unchanged."""
    return "'" + text if _is_formula_like(text) else text


def csv_cell(value: Any) -> Any:
    """A value ready for a CSV cell: text neutralised, None empty, numbers and dates unchanged.

    Text also loses its directional controls (U+202E and kin, associations/text.py): a cell cannot be
    isolated from the next ones, so an override in a name would reverse the rest of the line, and
    an invisible one before `=` could hide a formula from the check."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_text(strip_bidi_controls(value))
    if isinstance(value, int | float | Decimal | datetime.date | datetime.time):
        return value  # bool is an int; datetime a date
    return neutralise_text(strip_bidi_controls(str(value)))  # lazy translations, other objects: text


def xlsx_cell(value: Any) -> Any:
    """A value for an XLSX cell: as `csv_cell`, except that an E.164 phone number stays as it is (the
    cell is typed as text, so it is neither run nor turned into a number)."""
    if isinstance(value, str) and E164_PHONE.fullmatch(value):
        return value
    value = csv_cell(value)
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("\ufffd", value)
    return value


class CsvWriter:
    """`csv.writer` whose every row is neutralised. Same `writerow` / `writerows`."""

    def __init__(self, stream, **fmtparams) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **fmtparams) -> CsvWriter:
    """The only CSV writer in Wasl (see the module's docstring)."""
    return CsvWriter(stream, **fmtparams)


class XlsxSheet:
    """A one-sheet, write-only (streamed, constant-memory) workbook whose text cells are typed as text
    and neutralised. `append(row)` as many times as needed, then `to_bytes()`."""

    def __init__(self, title: str) -> None:
        from openpyxl import Workbook

        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(title[:31])

    def append(self, row: Iterable[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        values = []
        for value in row:
            value = xlsx_cell(value)
            # openpyxl types a plain string as text unless it starts with "=" (which xlsx_cell has
            # prefixed) or is an error code like "#N/A": only those need a cell typed by hand
            # (building a cell for every value would make a large export much slower).
            if isinstance(value, str) and value in ERROR_CODES:
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"
                value = cell
            values.append(value)
        self._sheet.append(values)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()
