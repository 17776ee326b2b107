"""Import of member lists (CSV in UTF-8 / Windows-1256 / Windows-1252, and XLSX).

Reading is bounded, so that a small hostile file cannot take the server's memory or time: at most
MAX_COLUMNS columns, MAX_CELL_CHARS characters a cell, MAX_ROWS rows; a CSV line is refused past
its longest possible length before it is split; an XLSX archive's parts are measured (declared and
actual sizes) before openpyxl opens it, and its first sheet is streamed cell by cell.
The upload reads a file once (`outline_table`): the mapping page then shows the header and a few
sample rows kept on the import row. `read_table` reads the rows to check or import.

The officer maps columns to fields (remembered per file layout); `import_members()` checks every
row first and writes only when no row has an error (all or nothing). A row matches an existing
member by number, else CIN, else phone. A match whose names agree is an update, listed field by
field by the check before anything is written; a match whose names disagree is a conflict, which
is written only as the officer decides, row by row (update, skip, or add as a new member when the
CIN allows). An import writes exactly what the officer's check showed (`plan`), or nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree

from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from associations.errors import WaslError
from associations.formatting import FSI, LRI, PDI
from associations.text import normalise_for_search
from members import services
from members.models import Gender, ImportMapping, Member, MemberCategory, MemberImport

# Fields a column can be mapped to, with their labels.
IMPORT_FIELDS: dict[str, object] = {
    "number": gettext_lazy("Member number"),
    "first_name_ar": gettext_lazy("First name (Arabic script)"),
    "last_name_ar": gettext_lazy("Last name (Arabic script)"),
    "first_name_latin": gettext_lazy("First name (Latin script)"),
    "last_name_latin": gettext_lazy("Last name (Latin script)"),
    "gender": gettext_lazy("Gender"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_place": gettext_lazy("Place of birth"),
    "nationality": gettext_lazy("Nationality"),
    "cin": gettext_lazy("CIN number"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "address": gettext_lazy("Address"),
    "profession": gettext_lazy("Profession"),
    "category": gettext_lazy("Category"),
    "join_date": gettext_lazy("Join date"),
}

# Header spellings seen in the lists associations keep today (folded with `_fold_header`).
_GUESSES = {
    "number": [
        "numero",
        "n°",
        "n",
        "no",
        "num",
        "numero d'adherent",
        "numero adherent",
        "member number",
        "رقم",
        "رقم المنخرط",
        "رقم العضوية",
        "رقم العضو",
    ],
    "first_name_ar": ["الاسم الشخصي", "الاسم", "prenom arabe", "prenom en arabe", "first name arabic"],
    "last_name_ar": ["الاسم العائلي", "النسب", "اللقب", "nom arabe", "nom en arabe", "last name arabic"],
    "first_name_latin": ["prenom", "first name", "firstname", "given name"],
    "last_name_latin": ["nom", "last name", "lastname", "nom de famille", "surname", "family name"],
    "gender": ["sexe", "genre", "gender", "الجنس", "النوع"],
    "birth_date": [
        "date de naissance",
        "naissance",
        "ne le",
        "ne e le",
        "birth date",
        "date of birth",
        "تاريخ الازدياد",
        "تاريخ الميلاد",
    ],
    "birth_place": ["lieu de naissance", "place of birth", "مكان الازدياد", "مكان الميلاد"],
    "nationality": ["nationalite", "nationality", "الجنسية"],
    "cin": [
        "cin",
        "cni",
        "n° cin",
        "numero cin",
        "carte nationale",
        "البطاقة الوطنية",
        "رقم البطاقة الوطنية",
        "ر ب و",
    ],
    "phone": [
        "telephone",
        "tel",
        "gsm",
        "phone",
        "mobile",
        "portable",
        "الهاتف",
        "رقم الهاتف",
        "الهاتف المحمول",
    ],
    "email": ["email", "e mail", "courriel", "mail", "adresse email", "adresse e mail", "البريد الالكتروني"],
    "address": ["adresse", "address", "العنوان"],
    "profession": ["profession", "metier", "المهنة"],
    "category": ["categorie", "category", "type", "الفئة", "الصفة"],
    "join_date": ["date d'adhesion", "adhesion", "join date", "تاريخ الانخراط", "تاريخ العضوية"],
}
# Words that qualify a header without changing its field: "Téléphone portable", "Nom (arabe)".
_SCRIPT_WORDS = {
    "ar": {"arabe", "arabic", "ar", "عربي", "عربية", "بالعربية", "بالعربي"},
    "latin": {"latin", "latine", "francais", "french", "fr", "بالفرنسية", "بالفرنسي", "لاتيني", "لاتينية"},
}
_QUALIFIERS = {"en", "in", "portable", "mobile", "fixe", "principal", "personnel", "e", "(e)"}
_NUMBER_WORDS = {"n°", "n", "no", "num", "numero", "nº", "رقم"}
_NAME_SCRIPTS = {
    "first_name_latin": ("first_name_latin", "first_name_ar"),
    "last_name_latin": ("last_name_latin", "last_name_ar"),
    "first_name_ar": ("first_name_latin", "first_name_ar"),
    "last_name_ar": ("last_name_latin", "last_name_ar"),
}
_NOT_A_HEADER_CHARACTER = re.compile(r"[^\w°']+")


def _fold_header(header: str) -> str:
    """A header as compared with the known spellings: case, accents and Arabic letter variants
    folded (`normalise_for_search`), punctuation but "°" and "'" turned into spaces."""
    return " ".join(_NOT_A_HEADER_CHARACTER.sub(" ", normalise_for_search(header)).split())


GUESSES = {_fold_header(spelling): target for target, spellings in _GUESSES.items() for spelling in spellings}
SCRIPT_WORDS = {script: {_fold_header(word) for word in words} for script, words in _SCRIPT_WORDS.items()}
_ALL_SCRIPT_WORDS = set().union(*SCRIPT_WORDS.values())
ARABIC_LETTER = re.compile("[\u0621-\u064a]")

# Bounds of what an import reads.
MAX_ROWS = 200_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000  # the longest member field is 300 characters
MAX_TEXT_CHARS = 50_000_000  # kept for one import, over all its rows (about 250 a row at most)
# Cells an XLSX sheet holds, empty but formatted ones included: openpyxl parses each of them.
MAX_ROW_CELLS = 1_000
MAX_SHEET_CELLS = 4_000_000  # 200,000 rows of 20 cells
MAX_CSV_LINE_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
_LINE_END = re.compile(r"\r\n|\r|\n")
SAMPLE_ROWS = 3  # shown under each column on the mapping page
SAMPLE_CHARS = 60
# An XLSX file is a zip archive. openpyxl reads every part in full except worksheets (streamed in
# read-only mode), so those parts are kept small; a worksheet may be larger.
MAX_ARCHIVE_PARTS = 1_000
MAX_PART_BYTES = 32 * 1024 * 1024  # shared strings, styles, workbook…
MAX_SHEET_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 320 * 1024 * 1024
# A text or attribute value in an XLSX part, found by scanning the unpacked bytes for '<': openpyxl
# (and expat) would build it whole in memory. Excel's own limit for a formula is 8,192 characters.
MAX_XML_TEXT_BYTES = 32 * 1024
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _unreadable() -> WaslError:
    return WaslError(
        _("This spreadsheet cannot be read. Save it again as XLSX or CSV."), field="file", code="unreadable"
    )


def _too_many_columns(row: int) -> WaslError:
    return WaslError(
        _("Row %(row)s has a value beyond column %(max)s: a member list may have at most %(max)s columns.")
        % {"row": row, "max": MAX_COLUMNS},
        field="file",
        code="too_many_columns",
    )


def _too_many_cells(row: int | None) -> WaslError:
    if row is None:
        message = _(
            "The spreadsheet has more than %(max)s cells, with values or formatting: keep only the "
            "member list, or save it as CSV."
        ) % {"max": MAX_SHEET_CELLS}
    else:
        message = _(
            "Row %(row)s has more than %(max)s cells, with values or formatting: keep only the "
            "member list's columns, or save it as CSV."
        ) % {"row": row, "max": MAX_ROW_CELLS}
    return WaslError(message, field="file", code="too_many_cells")


def _cell_too_long(row: int, column: int) -> WaslError:
    return WaslError(
        _(
            "The cell in row %(row)s, column %(column)s holds more than %(max)s characters: "
            "a member list holds short values."
        )
        % {"row": row, "column": _column_letter(column), "max": MAX_CELL_CHARS},
        field="file",
        code="cell_too_long",
    )


def _too_large_unpacked(limit: int) -> WaslError:
    return WaslError(
        _(
            "This spreadsheet is too large once unpacked (more than %(max)s). Keep only the member "
            "list, without images or other sheets, or save it as CSV."
        )
        % {"max": filesizeformat(limit)},
        field="file",
        code="too_large_unpacked",
    )


def _decode(content: bytes) -> str:
    """UTF-8 when it is; Windows-1256 (Arabic) or Windows-1252 (French) otherwise. A file that is
    mostly UTF-8 with broken bytes is refused, naming the line, rather than guessed into mojibake."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid_multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", content[: exc.start]))
        if valid_multibyte >= 3:
            line = content[: exc.start].count(b"\n") + 1
            raise WaslError(
                _("The file is UTF-8 but its encoding is broken at line %(line)s. Save it again as UTF-8.")
                % {"line": line},
                field="file",
                code="broken_encoding",
            ) from exc
    arabic = content.decode("cp1256", errors="replace")
    if ARABIC_LETTER.search(arabic) and len(ARABIC_LETTER.findall(arabic)) > len(arabic) * 0.02:
        return arabic
    return content.decode("cp1252", errors="replace")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _part_limits(archive: zipfile.ZipFile) -> dict[str, int]:
    """The size each part may have once unpacked: worksheets (by their declared content type,
    as openpyxl finds them) may be large, every other part is read whole and must stay small."""
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MAX_PART_BYTES:
        raise _too_large_unpacked(MAX_PART_BYTES)
    # Expat (2.4 and later) bounds entity expansion; the part's size is bounded above.
    root = ElementTree.fromstring(archive.read(info))  # noqa: S314
    types_of: dict[str, set[str]] = defaultdict(set)
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        types_of[override.get("PartName", "").lstrip("/")].add(override.get("ContentType", ""))
    return {
        name: MAX_SHEET_BYTES if types == {_WORKSHEET_TYPE} else MAX_PART_BYTES
        for name, types in types_of.items()
    }


_LONG_TEXT = re.compile(rb"[^<]{%d}" % MAX_XML_TEXT_BYTES)


def _longest_text_run(chunk: bytes, carried: int) -> int:
    """Refuse a chunk of XML holding (with what the previous chunk ended with) a text or attribute
    longer than MAX_XML_TEXT_BYTES; return the length of the run it ends with."""
    first = chunk.find(b"<")
    if carried + (len(chunk) if first < 0 else first) >= MAX_XML_TEXT_BYTES or _LONG_TEXT.search(chunk):
        raise WaslError(
            _(
                "This spreadsheet holds a text far longer than a member list needs: "
                "save the list alone, or as CSV."
            ),
            field="file",
            code="text_too_long",
        )
    return carried + len(chunk) if first < 0 else len(chunk) - chunk.rfind(b"<") - 1


def _check_archive(content: bytes) -> None:
    """Measure an XLSX archive before openpyxl touches it: how many parts, the unpacked size each
    declares, and the size each really unpacks to (read in chunks, never held whole)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
        if len(parts) > MAX_ARCHIVE_PARTS:
            raise _too_large_unpacked(MAX_UNPACKED_BYTES)
        limits = _part_limits(archive)
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise _too_large_unpacked(MAX_UNPACKED_BYTES)
        for part in parts:
            limit = limits.get(part.filename, MAX_PART_BYTES)
            if part.file_size > limit:
                raise _too_large_unpacked(limit)
            # Unpack it in chunks: zipfile hands over no more than the declared size, and a part
            # whose data do not match what it declares fails its CRC check here, before openpyxl.
            unpacked = run = 0  # run: bytes since the last "<", across chunks
            is_xml = part.filename.lower().endswith((".xml", ".rels"))
            with archive.open(part) as stream:
                while chunk := stream.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > part.file_size:  # whatever the zip implementation does
                        raise _too_large_unpacked(limit)
                    if is_xml:
                        run = _longest_text_run(chunk, run)
    except WaslError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, OSError, zlib.error,
            NotImplementedError, RuntimeError, ElementTree.ParseError) as exc:  # fmt: skip
        raise _unreadable() from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the first sheet, streamed by openpyxl's read-only parser. Unlike
    `iter_rows()`, which pads every row to the sheet's widest column (16,384 cells a row when one
    cell sits in column XFD), this sees only the cells the file holds, and refuses a value past
    MAX_COLUMNS at once."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser  # what read-only worksheets use

    _check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise _unreadable() from exc
    try:
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            scanned = 0
            for line, parsed in parser.parse():
                scanned += len(parsed)
                if len(parsed) > MAX_ROW_CELLS or scanned > MAX_SHEET_CELLS:
                    raise _too_many_cells(line if len(parsed) > MAX_ROW_CELLS else None)
                cells: list[str] = []
                for parsed_cell in parsed:
                    text = _cell(parsed_cell["value"])
                    if not text:
                        continue
                    column = parsed_cell["column"]
                    if column > MAX_COLUMNS:
                        raise _too_many_columns(line)
                    if len(text) > MAX_CELL_CHARS:
                        raise _cell_too_long(line, column)
                    if column > len(cells):
                        cells.extend([""] * (column - len(cells)))
                    cells[column - 1] = text
                yield line, cells
    except WaslError:
        raise
    except Exception as exc:
        raise _unreadable() from exc
    finally:
        workbook.close()


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of a file's first lines. The sniffer wants every line alike, which a bank's
    preamble above the table (its name, the account, the period) defeats: then the delimiter is the
    one that cuts the most lines into the same number of cells (more than one), else a comma."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines() if line.strip()]
    best, best_lines = ",", 0
    for delimiter in ",;\t":
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)
        if counts:
            alike = counts.most_common(1)[0][1]
            if alike > best_lines:
                best, best_lines = delimiter, alike

    class Guessed(csv.excel):
        delimiter = best

    return Guessed


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a CSV file; a line is refused past its longest possible length
    before the csv module splits it."""
    text = _decode(content)
    dialect = _dialect(text[:4096])

    def lines() -> Iterator[str]:  # one at a time, line endings kept for the csv module
        start = 0
        for end in _LINE_END.finditer(text):
            yield text[start : end.end()]
            start = end.end()
        if start < len(text):
            yield text[start:]

    def bounded_lines() -> Iterator[str]:
        for number, line in enumerate(lines(), start=1):
            if len(line) > MAX_CSV_LINE_CHARS:
                if line.count(dialect.delimiter) >= MAX_COLUMNS:
                    raise _too_many_columns(number)
                raise WaslError(
                    _("Line %(line)s is too long for a member list.") % {"line": number},
                    field="file",
                    code="line_too_long",
                )
            yield line

    try:
        for number, cells in enumerate(csv.reader(bounded_lines(), dialect), start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise WaslError(_("This CSV file cannot be read: %(error)s.") % {"error": exc}, field="file") from exc


def _records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """The file's non-empty rows as (row number as the spreadsheet shows it, cells), within bounds."""
    rows = _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    count = 0
    for line, cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise _too_many_columns(line)
        for column, text in enumerate(cells, start=1):
            if len(text) > MAX_CELL_CHARS:
                raise _cell_too_long(line, column)
        count += 1
        if count > MAX_ROWS + 1:
            raise WaslError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, field="file")
        yield line, cells


PREAMBLE_ROWS = 20  # rows a bank export may carry above its header (bank, account, period, …)


def _from_header(
    content: bytes, is_header: Callable[[list[str]], bool] | None
) -> Iterator[tuple[int, list[str]]]:
    """The file's non-empty rows from its header row on. Without `is_header` the first row is the
    header (a member list). With it, the header is the first of the first PREAMBLE_ROWS + 1 rows it
    accepts, and the rows above it (a bank's title, account number and period) are skipped; when it
    accepts none of them, the first row is the header, as without, and the mapping page shows it."""
    records = _records(content)
    if is_header is None:
        yield from records
        return
    held: list[tuple[int, list[str]]] = []
    for record in records:
        if is_header(record[1]):
            yield record
            break
        held.append(record)
        if len(held) > PREAMBLE_ROWS:
            yield from held
            break
    else:
        yield from held
        return
    yield from records


def _no_data_rows() -> WaslError:
    return WaslError(_("The file has no data rows under its header row."), field="file", code="empty")


@dataclass
class Outline:
    """What the mapping page needs of a file, read once at upload."""

    headers: list[str]
    samples: list[list[str]]
    row_count: int


def outline_table(content: bytes, is_header: Callable[[list[str]], bool] | None = None) -> Outline:
    """Read the whole file once (to count and check its rows) keeping only its header and the
    first SAMPLE_ROWS rows, shortened. `is_header`: see `_from_header`."""
    headers: list[str] | None = None
    samples: list[list[str]] = []
    count = 0
    for _line, cells in _from_header(content, is_header):
        if headers is None:
            headers = cells
            continue
        count += 1
        if len(samples) < SAMPLE_ROWS:
            samples.append([cell[:SAMPLE_CHARS] for cell in cells[: len(headers)]])
    if headers is None or not count:
        raise _no_data_rows()
    return Outline(headers=headers, samples=samples, row_count=count)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, as text; a row stops at its last non-empty cell
    lines: list[int] = field(default_factory=list)  # each row's number in the file (header = 1)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = list(range(2, len(self.rows) + 2))

    @property
    def signature(self) -> str:
        return header_signature(self.headers)


def read_table(
    content: bytes,
    columns: Collection[int] | None = None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    """The header and the data rows. With `columns`, only those columns' cells are kept (the
    others read as empty), which is all an import needs. `is_header`: see `_from_header`."""
    keep = None if columns is None else set(columns)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    kept_chars = 0
    for line, cells in _from_header(content, is_header):
        if headers is None:
            headers = cells
            continue
        cells = cells[: len(headers)]
        if keep is not None:
            cells = [text if index in keep else "" for index, text in enumerate(cells)]
            while cells and not cells[-1]:
                cells.pop()
        kept_chars += sum(map(len, cells))
        if kept_chars > MAX_TEXT_CHARS:
            raise WaslError(
                _("The file holds more text than an import can take: split it into smaller files."),
                field="file",
                code="too_much_text",
            )
        rows.append(cells)
        lines.append(line)
    if headers is None or not rows:
        raise _no_data_rows()
    return Table(headers=headers, rows=rows, lines=lines)


def _at(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def header_signature(headers: list[str]) -> str:
    folded = "|".join(normalise_for_search(h) for h in headers)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _script_of(samples: list[str]) -> str | None:
    """ "ar" when most non-empty samples are written in Arabic script, "latin" when most are in
    Latin script, None when there is nothing to tell."""
    arabic = latin = 0
    for sample in samples:
        letters = [c for c in sample if c.isalpha()]
        if not letters:
            continue
        if sum(1 for c in letters if ARABIC_LETTER.match(c)) * 2 > len(letters):
            arabic += 1
        else:
            latin += 1
    if arabic == latin:
        return None
    return "ar" if arabic > latin else "latin"


def guess_column(header: str, samples: list[str] = ()) -> tuple[str | None, bool]:
    """The field a column holds, from its header and its sample values, and whether the header
    itself names the script ("Nom (arabe)"). A name column follows the script of its values:
    Arabic names under "Nom" go to the Arabic-script last name."""
    words = _fold_header(header).split()
    said = next((script for script, names in SCRIPT_WORDS.items() if set(words) & names), None)
    target = GUESSES.get(" ".join(words))
    if target is None:
        plain = [w for w in words if w not in _QUALIFIERS and w not in _ALL_SCRIPT_WORDS]
        target = GUESSES.get(" ".join(plain))
        if target is None and len(plain) > 1 and plain[0] in _NUMBER_WORDS:  # "N° CIN", "رقم الهاتف"
            target = GUESSES.get(" ".join(plain[1:]))
        if target is None and plain and plain[0] not in _NUMBER_WORDS:  # "Téléphone (GSM)"
            target = GUESSES.get(plain[0])
            if target in _NAME_SCRIPTS:  # "Nom et prénom" is neither the first nor the last name
                target = None
    if target in _NAME_SCRIPTS:
        script = said or _script_of(list(samples))
        if script is not None:
            target = _NAME_SCRIPTS[target][0 if script == "latin" else 1]
    return target, said is not None


def guess_mapping(headers: list[str], samples: list[list[str]] | None = None) -> dict[str, str]:
    """Column index (as text) → field: the association's remembered mapping for this layout, or
    a guess from the headers and the first rows' values. A header that names its script wins a
    field over one that does not; otherwise the first column wins."""
    remembered = ImportMapping.objects.filter(header_signature=header_signature(headers)).first()
    if remembered is not None:
        return {index: target for index, target in remembered.mapping.items() if int(index) < len(headers)}
    guesses = []
    for index, header in enumerate(headers):
        column_samples = [row[index] for row in samples or [] if index < len(row)]
        target, explicit = guess_column(header, column_samples)
        if target:
            guesses.append((not explicit, index, target))
    mapping: dict[str, str] = {}
    for _rank, index, target in sorted(guesses):
        if target not in mapping.values():
            mapping[str(index)] = target
    return dict(sorted(mapping.items(), key=lambda item: int(item[0])))


def remember_mapping(headers: list[str], mapping: dict[str, str]) -> None:
    ImportMapping.objects.update_or_create(
        header_signature=header_signature(headers), defaults={"mapping": mapping}
    )


# What an import can say about a row: a code and its parameters are stored in the report, and the
# sentence is made in the reader's language when the report is shown (`row_error_message`).
ROW_ERRORS: dict[str, object] = {
    "number_not_whole": gettext_lazy("%(value)s is not a member number: write a whole number."),
    "date_format": gettext_lazy("%(value)s is not a date: write it as 31/12/1990 or 1990-12-31."),
    "date_no_such_day": gettext_lazy("%(value)s is not a date: that month has no day %(day)s."),
    "date_no_such_month": gettext_lazy("%(value)s is not a date: there is no month %(month)s."),
    "date_future": gettext_lazy("%(value)s is in the future."),
    "date_past": gettext_lazy("%(value)s is too far in the past."),
    "gender_unknown": gettext_lazy("%(value)s is not a gender: write F or M."),
    "category_unknown": gettext_lazy("%(value)s is not a category: create it first, or correct the name."),
    "phone_invalid": gettext_lazy("%(value)s is not a phone number: write it as %(example)s."),
    "email_invalid": gettext_lazy("%(value)s is not an e-mail address."),
    "cin_format": gettext_lazy("A CIN number is one or two letters followed by digits, e.g. AB123456."),
    "too_long": gettext_lazy("Too long: %(limit)s characters at most."),
    "control_characters": gettext_lazy("This field contains invisible control characters."),
    "bidi_formatting": gettext_lazy(
        "This field contains invisible characters that reverse or change the direction of "
        "the text that follows. Type it again without them."
    ),
    "arabic_in_latin": gettext_lazy(
        "%(value)s is in Arabic script: map this column to an Arabic-script name, or write the name in "
        "Latin letters."
    ),
    "latin_in_arabic": gettext_lazy(
        "%(value)s is in Latin script: map this column to a Latin-script name, or write the name in "
        "Arabic letters."
    ),
    "name_missing": gettext_lazy("Give the first and last name in Arabic script, in Latin script, or both."),
    "same_as_row": gettext_lazy("Same value as row %(row)s."),
    "cin_taken": gettext_lazy("Another member already has this CIN number."),
    "number_taken": gettext_lazy("This member number is already used."),
    "same_member": gettext_lazy("This row and row %(row)s are the same member."),
    "register_changed": gettext_lazy("The register changed while checking: check the file again."),
    "cin_of_member": gettext_lazy("This CIN number is member %(number)s's: the row cannot be a new member."),
}
# Values of these fields are not repeated in an error (the CIN is not shown to every role).
_UNQUOTED_FIELDS = {"cin"}


class RowProblem(Exception):
    """One problem of one cell, said as a code and its parameters (see ROW_ERRORS)."""

    def __init__(self, code: str, *, field: str | None = None, **params) -> None:
        super().__init__(code)
        self.code, self.field, self.params = code, field, params


def _problem_from(exc: WaslError, value) -> RowProblem:
    """A service's refusal, in the import's words: the service's code, with the cell's value."""
    params = dict(exc.params)
    if exc.field not in _UNQUOTED_FIELDS and value not in (None, ""):
        params.setdefault("value", value if isinstance(value, str) else _text(exc.field or "", value))
    if exc.code in ROW_ERRORS:
        return RowProblem(exc.code, field=exc.field, **params)
    return RowProblem("other", field=exc.field, message=exc.message)  # said once, in one language


_DATE_PATTERNS = (
    (re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"), ("year", "month", "day")),
    (re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})"), ("day", "month", "year")),
)


def _parse_date(text: str, *, field: str) -> date:
    """31/12/1990, 31-12-1990, 31.12.1990 or 1990-12-31; a refusal says what is wrong with it."""
    for pattern, parts in _DATE_PATTERNS:
        found = pattern.fullmatch(text.strip())
        if found is None:
            continue
        numbers = dict(zip(parts, map(int, found.groups()), strict=True))
        if not 1 <= numbers["month"] <= 12:
            raise RowProblem("date_no_such_month", field=field, value=text, month=numbers["month"])
        try:
            return date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError:
            raise RowProblem("date_no_such_day", field=field, value=text, day=numbers["day"]) from None
    raise RowProblem("date_format", field=field, value=text)


_GENDERS = {"f": "F", "femme": "F", "female": "F", "انثى": "F", "m": "M", "h": "M", "homme": "M", "male": "M",
            "ذكر": "M"}  # fmt: skip
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _row_values(
    row: list[str], mapping: dict[str, str], categories: dict[str, MemberCategory]
) -> tuple[dict, list[RowProblem]]:
    """The row's values by field, and every problem of its cells (not only the first)."""
    values: dict = {}
    problems: list[RowProblem] = []
    for index, target in mapping.items():
        text = _at(row, int(index))
        try:
            if target == "number":
                if text and not re.fullmatch(r"[0-9]{1,9}", text):
                    raise RowProblem("number_not_whole", field=target, value=text)
                values["number"] = int(text) if text else None
            elif target in ("birth_date", "join_date"):
                if text:
                    values[target] = _parse_date(text, field=target)
            elif target == "gender":
                if text and normalise_for_search(text) not in _GENDERS:
                    raise RowProblem("gender_unknown", field=target, value=text)
                values["gender"] = _GENDERS.get(normalise_for_search(text), "")
            elif target == "category":
                if text:
                    category = categories.get(normalise_for_search(text))
                    if category is None:
                        raise RowProblem("category_unknown", field=target, value=text)
                    values["category"] = category
            else:
                if target in ("first_name_latin", "last_name_latin") and ARABIC_LETTER.search(text):
                    raise RowProblem("arabic_in_latin", field=target, value=text)
                if target in ("first_name_ar", "last_name_ar") and _LATIN_LETTER.search(text):
                    raise RowProblem("latin_in_arabic", field=target, value=text)
                values[target] = text
        except RowProblem as problem:
            problems.append(problem)
    return values, problems


def _clean_row(values: dict) -> tuple[dict, list[RowProblem]]:
    """The member service's checks, every field's problem at once (one call when the row is right)."""
    try:
        return services.clean_member_values(values), []
    except WaslError:
        pass
    cleaned, problems = {}, []
    for name, value in values.items():
        try:
            cleaned.update(services.clean_member_values({name: value}))
        except WaslError as exc:
            problems.append(_problem_from(exc, value))
    return cleaned, problems


# --- Checking and importing -------------------------------------------------------------------

NAME_FIELDS = ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
CONFLICT_CHOICES = ("update", "skip", "create")
MAX_REPORTED_ERRORS = 500
MAX_LISTED = 500  # updates and conflicts listed in a report (all are counted)
_NOT_A_LETTER = re.compile(r"[\W_]+")


def _name_words(*parts: str) -> list[str]:
    return sorted(_NOT_A_LETTER.sub(" ", normalise_for_search(" ".join(parts))).split())


def names_disagree(existing: dict, incoming: dict) -> bool:
    """Whether a row names someone other than the member it matched: in a script that both give,
    the names differ once case, accents, Arabic letter variants and diacritics, punctuation and
    the order of the words are set aside ("MOHAMED alaoui" is "Alaoui Mohamed")."""
    for pair in (("first_name_latin", "last_name_latin"), ("first_name_ar", "last_name_ar")):
        both = [name for name in pair if incoming.get(name) and existing.get(name)]
        if both and _name_words(*(existing[n] for n in both)) != _name_words(*(incoming[n] for n in both)):
            return True
    return False


def _names(member: Member) -> dict[str, str]:
    return {name: getattr(member, name) for name in NAME_FIELDS}


def _text(name: str, value) -> str:
    """A field's value as the report shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, MemberCategory):
        return value.name_ar if get_language_bidi() else value.name_fr
    if isinstance(value, date):
        return value.isoformat()
    if name == "gender":
        return str(Gender(value).label)
    return str(value)


def _plain(value):
    """A value in a stable form for the plan's fingerprint."""
    if isinstance(value, MemberCategory):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class RowError:
    """One problem of one row, stored without words: `code` (a key of ROW_ERRORS) and `params`."""

    row: int  # as the spreadsheet numbers it (header = row 1)
    column: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return row_error_message(self.__dict__)


def row_error_message(error: dict) -> str:
    """A stored row error in the reader's language (reports stored before codes kept their text)."""
    template = ROW_ERRORS.get(error.get("code", ""))
    params = error.get("params") or {}
    if template is None:
        return str(params.get("message") or error.get("message") or "")
    if "value" in params:  # the file's own text keeps its direction inside a sentence
        params = {**params, "value": f"{FSI}{params['value']}{PDI}"}
    params = {"example": f"{LRI}06 12 34 56 78{PDI}", **params}  # one left-to-right run in Arabic
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(params.get("message") or error.get("message") or template)


@dataclass
class ImportReport:
    """What a check found, or an import did. `plan` fingerprints what the check showed (rows to
    add, updates with their values, conflicts); an import is written only if it is unchanged."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    conflict_count: int = 0
    undecided: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    changes: list[dict] = field(default_factory=list)  # the first MAX_LISTED updates, field by field
    conflicts: list[dict] = field(default_factory=list)  # the first MAX_LISTED conflicts
    dry_run: bool = True
    plan: str = ""
    stale: bool = False  # the register or the mapping changed since the officer's check
    written: bool = False

    @property
    def refused(self) -> int:
        """Problems that keep an import from being written (a check only counts row errors)."""
        if self.dry_run:
            return self.error_count
        return self.error_count + self.undecided + int(self.stale)

    def summary(self) -> str:
        if self.error_count:
            return ngettext(
                "%(count)s row has an error: nothing was saved.",
                "%(count)s rows have errors: nothing was saved.",
                self.error_count,
            ) % {"count": self.error_count}
        if not self.dry_run and self.stale:
            return _(
                "The register or the columns changed since the check: nothing was saved. "
                "Look at the new check, then import."
            )
        if not self.dry_run and self.undecided:
            return ngettext(
                "%(count)s conflict needs your decision: nothing was saved.",
                "%(count)s conflicts need your decision: nothing was saved.",
                self.undecided,
            ) % {"count": self.undecided}
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "conflicts": self.undecided,
        }
        if self.written:
            return (
                _("Imported. New members: %(created)s · updated: %(updated)s · unchanged: %(unchanged)s · "
                  "skipped: %(skipped)s.") % counts
            )  # fmt: skip
        return (
            _("Checked, nothing saved yet. New members: %(created)s · updates: %(updated)s · unchanged: "
              "%(unchanged)s · skipped: %(skipped)s · conflicts to decide: %(conflicts)s.") % counts
        )  # fmt: skip

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "conflict_count": self.conflict_count,
            "undecided": self.undecided,
            "error_count": self.error_count,
            "errors": [e.__dict__ for e in self.errors],
            "changes": self.changes,
            "conflicts": self.conflicts,
            "dry_run": self.dry_run,
            "plan": self.plan,
            "stale": self.stale,
            "written": self.written,
            "summary": self.summary(),
        }


def _require_a_name(values: dict) -> None:
    if not (values.get("first_name_ar") and values.get("last_name_ar")) and not (
        values.get("first_name_latin") and values.get("last_name_latin")
    ):
        # On the column of the script the row gives, or of the Latin last name.
        field = "last_name_ar" if "last_name_ar" in values and not values.get("last_name_latin") else None
        raise RowProblem("name_missing", field=field or "last_name_latin")


@dataclass
class _Match:
    line: int
    candidates: list[int]  # member ids; several when members share the phone number
    matched_on: str  # "number", "cin" or "phone"
    number: int | None
    values: dict


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_mapping(*, mapping: dict[str, str], column_count: int, can_use_cin: bool) -> None:
    """Refuse a choice of columns no row could be imported with: checked before any row is read,
    and before a background job is started for a large file."""
    unknown = set(mapping.values()) - set(IMPORT_FIELDS)
    if unknown or len(set(mapping.values())) != len(mapping):
        raise WaslError(_("Each field can be chosen for one column only."), field="mapping")
    if any(not index.isdigit() or int(index) >= column_count for index in mapping):
        raise WaslError(_("Choose fields for the file's columns only."), field="mapping")
    if not {"last_name_latin", "last_name_ar"} & set(mapping.values()):
        raise WaslError(_("Map at least one column to a last name."), field="mapping", code="no_last_name")
    if "cin" in mapping.values() and not can_use_cin:
        # Matching or writing by CIN would reveal it to a role that may not see it.
        raise WaslError(_("Your role may not import CIN numbers: ignore that column."), field="mapping")


def import_members(
    *,
    actor,
    table: Table,
    mapping: dict[str, str],
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    can_use_cin: bool = True,
    decisions: dict[str, str] | None = None,
    on_conflict: str | None = None,
    expected_plan: str | None = None,
) -> ImportReport:
    """Check every row first (nothing is written while checking); then, only if no row has an
    error, every conflict is decided and this is not a dry run, write them all in one transaction,
    in bulk.

    `decisions` maps a conflict's row number (as text) to "update", "skip" or "create";
    `on_conflict` decides the others. `expected_plan` is the plan of the check the officer saw:
    when given, the import is refused (stale) if what it would write differs.
    """
    check_mapping(mapping=mapping, column_count=len(table.headers), can_use_cin=can_use_cin)
    if on_conflict not in (None, "", *CONFLICT_CHOICES):
        raise WaslError(_("Choose what to do with conflicts: update, skip or create."), field="on_conflict")
    decisions = {str(row): choice for row, choice in (decisions or {}).items() if choice in CONFLICT_CHOICES}
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    all_categories = list(MemberCategory.objects.all())
    categories = {normalise_for_search(c.name_fr): c for c in all_categories}
    categories.update({normalise_for_search(c.name_ar): c for c in all_categories})
    column_of = {target: table.headers[int(index)] for index, target in mapping.items()}
    position_of = {target: int(index) for index, target in mapping.items()}
    shown_fields = [name for name in IMPORT_FIELDS if name in column_of and name != "number"]

    # What rows are matched against, read once.
    by_number: dict[int, int] = {}
    by_cin: dict[str, int] = {}
    by_phone: dict[str, list[int]] = defaultdict(list)
    for pk, number, cin, phone in Member.objects.filter(anonymised_at=None).values_list(
        "pk", "number", "cin", "phone"
    ):
        if number is not None:
            by_number[number] = pk
        if cin:
            by_cin[cin] = pk
        if phone:
            by_phone[phone].append(pk)
    taken_numbers = set(by_number)
    seen: dict[tuple[str, str], int] = {}
    creates: list[tuple[int | None, dict]] = []
    matched: list[_Match] = []
    errors: list[RowError] = []

    def refuse_row(line: int, *problems: RowProblem | WaslError) -> None:
        report.error_count += 1
        said = [_problem_from(p, None) if isinstance(p, WaslError) else p for p in problems]
        for problem in sorted(said, key=lambda p: position_of.get(p.field or "", -1)):  # as the file reads
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(
                    RowError(line, column_of.get(problem.field or "", "—"), problem.code, problem.params)
                )

    # The plan: what the check shows, in row order, fingerprinted as it goes.
    plan = hashlib.sha256(json.dumps(sorted(mapping.items())).encode())

    def plan_add(*entry) -> None:
        plan.update(json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False).encode())

    # 1. Each row on its own: values, duplicates within the file, what it matches. Every problem
    # of a row is reported at once, so that one correction of the file is enough.
    for offset, (line, row) in enumerate(zip(table.lines, table.rows, strict=True)):
        try:
            values, problems = _row_values(row, mapping, categories)
            number = values.pop("number", None)
            cleaned, cleaning_problems = _clean_row(values)
            problems += cleaning_problems
            for key in ("cin", "phone", "email"):
                if cleaned.get(key):
                    if (key, cleaned[key]) in seen:
                        problems.append(RowProblem("same_as_row", field=key, row=seen[(key, cleaned[key])]))
                    else:
                        seen[(key, cleaned[key])] = line
            if problems:
                refuse_row(line, *problems)
                continue
            cin, phone = cleaned.get("cin"), cleaned.get("phone")
            if number is not None and number in by_number:
                if cin and by_cin.get(cin, by_number[number]) != by_number[number]:
                    raise RowProblem("cin_taken", field="cin")
                matched.append(_Match(line, [by_number[number]], "number", number, cleaned))
            elif cin and cin in by_cin:
                matched.append(_Match(line, [by_cin[cin]], "cin", number, cleaned))
            elif phone and phone in by_phone:
                matched.append(_Match(line, by_phone[phone], "phone", number, cleaned))
            else:
                _require_a_name(cleaned)
                if number is not None:
                    if number in taken_numbers:
                        raise RowProblem("number_taken", field="number")
                    taken_numbers.add(number)
                creates.append((number, cleaned))
                plan_add("create", line, number, {k: _plain(v) for k, v in cleaned.items()})
        except (RowProblem, WaslError) as problem:
            refuse_row(line, problem)
        if progress and offset % 500 == 499:
            progress(500)
    if progress:
        progress(len(table.rows) % 500)

    # 2. Rows that match a member, against that member, a chunk of members at a time.
    claimed: dict[int, int] = {}  # member id -> the row that matched it
    updates: dict[int, dict] = {}

    def update(line: int, member: Member, changes: dict) -> None:
        if not changes:
            report.unchanged += 1
            return
        # No name check: a member has one, and an update only replaces values with non-empty ones.
        updates[member.pk] = changes
        if len(report.changes) < MAX_LISTED:
            report.changes.append(
                {
                    "row": line,
                    "member_id": member.pk,
                    "number": member.number,
                    "name": member.display_name,
                    "fields": [[n, _text(n, getattr(member, n)), _text(n, v)] for n, v in changes.items()],
                }
            )

    member_fields = [name for name in IMPORT_FIELDS if name != "category"]
    for chunk in _chunks(matched, 2000):
        members = (
            Member.objects.select_related("category")
            .only(*member_fields, "category__name_ar", "category__name_fr")
            .in_bulk({pk for match in chunk for pk in match.candidates})
        )
        for match in chunk:
            try:
                # An empty cell leaves the member's field as it is: a list never erases data.
                incoming = {k: v for k, v in match.values.items() if v not in ("", None)}
                candidates = [members[pk] for pk in match.candidates if pk in members]
                if not candidates:  # erased since the register was read
                    raise RowProblem("register_changed")
                # Members sharing a phone number: the one whose names agree, else the first.
                agreeing = [c for c in candidates if not names_disagree(_names(c), incoming)]
                member = (agreeing or candidates)[0]
                if member.pk in claimed:
                    raise RowProblem("same_member", field=match.matched_on, row=claimed[member.pk])
                claimed[member.pk] = match.line
                changes = {n: v for n, v in incoming.items() if getattr(member, n) != v}
                if agreeing:
                    plan_add("update", match.line, member.pk, {k: _plain(v) for k, v in changes.items()})
                    update(match.line, member, changes)
                    continue
                # A conflict: the row names someone else. Written only as the officer decides.
                report.conflict_count += 1
                plan_add("conflict", match.line, member.pk, {k: _plain(v) for k, v in incoming.items()})
                cin = match.values.get("cin")
                choices = ["update", "skip"] + ([] if cin and cin in by_cin else ["create"])
                decision = decisions.get(str(match.line)) or on_conflict or ""
                if decision == "create" and "create" not in choices:
                    if str(match.line) in decisions:
                        raise RowProblem("cin_of_member", field="cin", number=member.number or "—")
                    decision = ""  # a default that cannot apply here: the officer decides this row
                if len(report.conflicts) < MAX_LISTED:
                    report.conflicts.append(
                        {
                            "row": match.line,
                            "member_id": member.pk,
                            "number": member.number,
                            "matched_on": match.matched_on,
                            "fields": [
                                [n, _text(n, getattr(member, n)), _text(n, match.values.get(n))]
                                for n in shown_fields
                            ],
                            "choices": choices,
                            "decision": decision,
                        }
                    )
                if decision == "update":
                    update(match.line, member, changes)
                elif decision == "skip":
                    report.skipped += 1
                elif decision == "create":
                    _require_a_name(match.values)
                    number = None if match.matched_on == "number" else match.number  # theirs is taken
                    if number is not None:
                        if number in taken_numbers:
                            raise RowProblem("number_taken", field="number")
                        taken_numbers.add(number)
                    creates.append((number, match.values))
                else:
                    report.undecided += 1
            except (RowProblem, WaslError) as problem:
                refuse_row(match.line, problem)

    report.errors = sorted(errors, key=lambda error: error.row)[:MAX_REPORTED_ERRORS]
    plan_add("errors", report.error_count)
    report.plan = plan.hexdigest()
    report.created, report.updated = len(creates), len(updates)
    report.stale = not dry_run and expected_plan is not None and expected_plan != report.plan
    if dry_run or report.refused:
        return report  # all or nothing: not a single row was written
    try:
        with transaction.atomic():
            services.members_bulk_write(actor=actor, creates=creates, updates=updates)
            remember_mapping(table.headers, mapping)
    except IntegrityError as exc:  # the register changed between the check and the write
        raise WaslError(
            _("The register changed while importing: check the file again."), code="conflict"
        ) from exc
    report.written = True
    return report


def member_import_create(*, actor, filename: str, content: bytes) -> MemberImport:
    """Keep an uploaded list, read once: its rows are counted and checked against the bounds, its
    header and first rows kept for the mapping page."""
    from documents.files import save_private_file

    outline = outline_table(content)
    return MemberImport.objects.create(
        file=save_private_file("imports", filename, content),
        original_name=filename[:200],
        row_count=outline.row_count,
        headers=outline.headers,
        samples=outline.samples,
        mapping=guess_mapping(outline.headers, outline.samples),
        created_by=actor,
    )


def member_import_table(member_import: MemberImport, mapping: dict[str, str]) -> Table:
    """The rows of an uploaded list, keeping only the mapped columns."""
    from documents.files import private_storage

    with private_storage().open(member_import.file, "rb") as handle:
        return read_table(handle.read(), columns={int(index) for index in mapping if index.isdigit()})


def member_import_outline(member_import: MemberImport) -> None:
    """Keep the header and first rows of a list uploaded before they were kept at upload."""
    from documents.files import private_storage

    with private_storage().open(member_import.file, "rb") as handle:
        outline = outline_table(handle.read())
    member_import.headers, member_import.samples = outline.headers, outline.samples
    member_import.save(update_fields=["headers", "samples"])


def import_report_record(
    *, member_import: MemberImport, report: ImportReport, mapping: dict[str, str]
) -> None:
    """Keep a check's or an import's report on the import, where its page shows it."""
    member_import.report = report.as_dict() | {"at": timezone.now().isoformat()}
    member_import.mapping = mapping
    if report.written:
        member_import.status = MemberImport.Status.IMPORTED
    elif report.dry_run and not report.error_count:
        member_import.status = MemberImport.Status.CHECKED
    member_import.save(update_fields=["report", "mapping", "status"])


def report_for_viewer(report: dict, *, can_see_cin: bool) -> dict:
    """A stored report as a viewer may see it: each row error in the viewer's language, CIN numbers
    hidden from roles that may not see them."""
    if not report:
        return report
    report = {**report, "errors": [{**e, "message": row_error_message(e)} for e in report.get("errors", [])]}
    if can_see_cin:
        return report

    def masked(rows: list[list[str]]) -> list[list[str]]:
        return [
            [name, *("•••" if name == "cin" and text else text for text in texts)] for name, *texts in rows
        ]

    return {
        **report,
        "changes": [{**change, "fields": masked(change["fields"])} for change in report.get("changes", [])],
        "conflicts": [
            {**conflict, "fields": masked(conflict["fields"])} for conflict in report.get("conflicts", [])
        ],
    }
