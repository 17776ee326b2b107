"""Import of member lists (CSV in UTF-8 / Windows-1256 / Windows-1252, and XLSX).

read_table() turns the file into a header row and data rows; the officer maps columns to fields
(remembered per file layout); import_members() checks every row first and writes only when no row
has an error (all or nothing). Re-importing the same file updates members instead of duplicating
them: a row matches an existing member by number, else CIN, else phone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.errors import WaslError
from associations.text import normalise_for_search
from members import services
from members.models import ImportMapping, Member, MemberCategory

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

# Header spellings seen in the lists associations keep today (folded with normalise_for_search).
_GUESSES = {
    "number": [
        "numero",
        "n°",
        "no",
        "num",
        "numero d'adherent",
        "member number",
        "رقم",
        "رقم المنخرط",
        "رقم العضوية",
    ],
    "first_name_ar": ["الاسم الشخصي", "الاسم", "prenom arabe"],
    "last_name_ar": ["الاسم العائلي", "النسب", "nom arabe"],
    "first_name_latin": ["prenom", "first name", "firstname"],
    "last_name_latin": ["nom", "last name", "lastname", "nom de famille", "surname"],
    "gender": ["sexe", "genre", "gender", "الجنس"],
    "birth_date": [
        "date de naissance",
        "naissance",
        "birth date",
        "date of birth",
        "تاريخ الازدياد",
        "تاريخ الميلاد",
    ],
    "birth_place": ["lieu de naissance", "place of birth", "مكان الازدياد"],
    "nationality": ["nationalite", "nationality", "الجنسية"],
    "cin": ["cin", "cni", "n° cin", "carte nationale", "البطاقة الوطنية", "رقم البطاقة الوطنية"],
    "phone": ["telephone", "tel", "gsm", "phone", "mobile", "الهاتف", "رقم الهاتف"],
    "email": ["email", "e-mail", "courriel", "mail", "البريد الالكتروني"],
    "address": ["adresse", "address", "العنوان"],
    "profession": ["profession", "metier", "المهنة"],
    "category": ["categorie", "category", "type", "الفئة", "الصفة"],
    "join_date": ["date d'adhesion", "adhesion", "join date", "تاريخ الانخراط"],
}
GUESSES = {
    normalise_for_search(spelling): target for target, spellings in _GUESSES.items() for spelling in spellings
}
MAX_ROWS = 200_000
ARABIC_LETTER = re.compile("[\u0621-\u064a]")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, as text

    @property
    def signature(self) -> str:
        folded = "|".join(normalise_for_search(h) for h in self.headers)
        return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it (header = row 1)
    column: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = True

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "error_count": self.error_count,
            "errors": [e.__dict__ for e in self.errors],
            "dry_run": self.dry_run,
        }


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


def read_table(content: bytes) -> Table:
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise WaslError(_("This CSV file cannot be read: %(error)s.") % {"error": exc}, field="file") from exc
    return _table(rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WaslError(
            _("This spreadsheet cannot be read. Save it again as XLSX or CSV."), field="file"
        ) from exc
    rows = []
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [_cell(v) for v in values]
            if any(cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break
    except Exception as exc:
        raise WaslError(
            _("This spreadsheet cannot be read. Save it again as XLSX or CSV."), field="file"
        ) from exc
    finally:
        workbook.close()
    return _table(rows)


def _table(rows: list[list[str]]) -> Table:
    if len(rows) < 2:
        raise WaslError(_("The file has no data rows under its header row."), field="file", code="empty")
    if len(rows) > MAX_ROWS + 1:
        raise WaslError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, field="file")
    headers = [h.strip() for h in rows[0]]
    width = len(headers)
    return Table(headers=headers, rows=[(r + [""] * width)[:width] for r in rows[1:]])


def guess_mapping(table: Table) -> dict[str, str]:
    """Column index (as text) → field: the association's remembered mapping for this layout, or
    a guess from the header spellings."""
    remembered = ImportMapping.objects.filter(header_signature=table.signature).first()
    if remembered is not None:
        return dict(remembered.mapping)
    mapping = {}
    for index, header in enumerate(table.headers):
        target = GUESSES.get(normalise_for_search(header))
        if target and target not in mapping.values():
            mapping[str(index)] = target
    return mapping


def remember_mapping(table: Table, mapping: dict[str, str]) -> None:
    ImportMapping.objects.update_or_create(header_signature=table.signature, defaults={"mapping": mapping})


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise WaslError(_("Write the date as 31/12/1990 or 1990-12-31."))


_GENDERS = {"f": "F", "femme": "F", "female": "F", "انثى": "F", "m": "M", "h": "M", "homme": "M", "male": "M",
            "ذكر": "M"}  # fmt: skip


def _row_values(row: list[str], mapping: dict[str, str], categories: dict[str, MemberCategory]) -> dict:
    values: dict = {}
    for index, target in mapping.items():
        text = row[int(index)].strip()
        if target == "number":
            if text and not re.fullmatch(r"[0-9]{1,9}", text):
                raise WaslError(_("A member number is a whole number."), field="number")
            values["number"] = int(text) if text else None
        elif target in ("birth_date", "join_date"):
            if text:
                try:
                    values[target] = _parse_date(text)
                except WaslError as exc:
                    raise WaslError(exc.message, field=target) from exc
        elif target == "gender":
            if text and normalise_for_search(text) not in _GENDERS:
                raise WaslError(_("Write F or M."), field="gender")
            values["gender"] = _GENDERS.get(normalise_for_search(text), "")
        elif target == "category":
            if text:
                category = categories.get(normalise_for_search(text))
                if category is None:
                    raise WaslError(
                        _("Unknown category: create it first, or correct the name."), field="category"
                    )
                values["category"] = category
        else:
            values[target] = text
    return values


MAX_REPORTED_ERRORS = 500


def import_members(
    *,
    actor,
    table: Table,
    mapping: dict[str, str],
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    can_use_cin: bool = True,
) -> ImportReport:
    """Check every row first (nothing is written while checking); then, only if no row has an
    error and this is not a dry run, write them all in one transaction, in bulk."""
    unknown = set(mapping.values()) - set(IMPORT_FIELDS)
    if unknown or len(set(mapping.values())) != len(mapping):
        raise WaslError(_("Each field can be chosen for one column only."), field="mapping")
    if not {"last_name_latin", "last_name_ar"} & set(mapping.values()):
        raise WaslError(_("Map at least one column to a last name."), field="mapping")
    if "cin" in mapping.values() and not can_use_cin:
        # Matching or writing by CIN would reveal it to a role that may not see it.
        raise WaslError(_("Your role may not import CIN numbers: ignore that column."), field="mapping")
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    all_categories = list(MemberCategory.objects.all())
    categories = {normalise_for_search(c.name_fr): c for c in all_categories}
    categories.update({normalise_for_search(c.name_ar): c for c in all_categories})
    labels = {str(i): h for i, h in enumerate(table.headers)}
    column_of = {target: labels[index] for index, target in mapping.items()}

    # Everything a row is matched or checked against, read once.
    name_fields = ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
    rows = Member.objects.filter(anonymised_at=None).values_list("pk", "number", "cin", "phone", *name_fields)
    current = [(pk, number, cin, phone) for pk, number, cin, phone, *_names in rows]
    names_of = {row[0]: dict(zip(name_fields, row[4:], strict=True)) for row in rows}
    by_number = {number: pk for pk, number, _cin, _phone in current if number is not None}
    by_cin = {cin: pk for pk, _number, cin, _phone in current if cin}
    by_phone = {phone: pk for pk, _number, _cin, phone in current if phone}
    taken_numbers = set(by_number)
    seen: dict[tuple[str, str], int] = {}
    creates: list[tuple[int | None, dict]] = []
    updates: dict[int, dict] = {}

    for offset, row in enumerate(table.rows):
        line = offset + 2
        try:
            values = _row_values(row, mapping, categories)
            number = values.pop("number", None)
            cleaned = services.clean_member_values(values)
            for key in ("cin", "phone", "email"):
                if cleaned.get(key):
                    if (key, cleaned[key]) in seen:
                        raise WaslError(
                            _("Same value as row %(row)s.") % {"row": seen[(key, cleaned[key])]}, field=key
                        )
                    seen[(key, cleaned[key])] = line
            existing = (
                by_number.get(number)
                or (by_cin.get(cleaned["cin"]) if cleaned.get("cin") else None)
                or (by_phone.get(cleaned["phone"]) if cleaned.get("phone") else None)
            )
            if cleaned.get("cin") and by_cin.get(cleaned["cin"], existing) != existing:
                raise WaslError(_("Another member already has this CIN number."), field="cin")
            if existing is not None:
                if existing in updates:
                    raise WaslError(_("This row and another one are the same member."), field="number")
                merged = {**names_of[existing], **{k: v for k, v in cleaned.items() if k in name_fields}}
                services.require_a_name(Member(**merged))
                updates[existing] = cleaned
            else:
                probe = Member(**cleaned)
                services.require_a_name(probe)
                if number is not None:
                    if number in taken_numbers:
                        raise WaslError(_("This member number is already used."), field="number")
                    taken_numbers.add(number)
                creates.append((number, cleaned))
        except WaslError as exc:
            report.error_count += 1
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors.append(RowError(line, column_of.get(exc.field or "", "—"), exc.message))
        if progress and offset % 500 == 499:
            progress(500)
    if progress:
        progress(len(table.rows) % 500)
    report.created, report.updated = len(creates), len(updates)
    if dry_run or report.error_count:
        return report  # all or nothing: not a single row was written
    try:
        with transaction.atomic():
            services.members_bulk_write(actor=actor, creates=creates, updates=updates)
            remember_mapping(table, mapping)
    except IntegrityError as exc:  # the register changed between the check and the write
        raise WaslError(
            _("The register changed while importing: check the file again."), code="conflict"
        ) from exc
    return report
