"""Bank statements: import a bank's CSV (or XLSX) export, suggest the ledger lines each statement
line matches (same bank account, same amount, dates close), reconcile, and turn an unmatched
line into a posted entry (money in or out of that bank account) in one confirmed step.

A statement is read like a member list (members.importing: UTF-8 / Windows-1256 / Windows-1252,
bounded sizes), from its header row on: the lines a bank prints above the table (its name, the
account, the period) are skipped. Its columns are mapped on screen, guessed from French and Arabic
headers and remembered per file layout. Every row is checked before anything is written: one bad row and the
import is refused with the row named, nothing saved.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.text import normalise_for_search
from finance.models import (
    Account,
    AccountRole,
    BankImportMapping,
    BankLine,
    BankStatement,
    EntryLine,
    EntryStatus,
)
from finance.services.entries import MAX_AMOUNT
from finance.services.simple import IN, OUT, money_record, treasury_accounts

ZERO = Decimal("0.00")
MATCH_DAYS = 7  # a ledger line dated up to a week from the bank's date is a candidate
MAX_ERRORS_SHOWN = 5

BANK_FIELDS = {
    "date": gettext_lazy("Date"),
    "label": gettext_lazy("Label"),
    "debit": gettext_lazy("Money out (debit)"),
    "credit": gettext_lazy("Money in (credit)"),
    "amount": gettext_lazy("Amount (+ in, − out)"),
    "balance": gettext_lazy("Balance"),
}
# Header spellings (normalised: lower case, no accents) → field.
GUESSES = {
    **dict.fromkeys(
        ["date", "date operation", "date d'operation", "date op", "التاريخ", "تاريخ العملية"], "date"
    ),
    **dict.fromkeys(
        [
            "libelle",
            "libelle operation",
            "operation",
            "designation",
            "description",
            "label",
            "البيان",
            "العملية",
        ],
        "label",
    ),
    **dict.fromkeys(["debit", "debit mad", "montant debit", "sortie", "مدين", "الخصم"], "debit"),
    **dict.fromkeys(["credit", "credit mad", "montant credit", "entree", "دائن", "الإيداع"], "credit"),
    **dict.fromkeys(["montant", "amount", "المبلغ"], "amount"),
    **dict.fromkeys(["solde", "balance", "solde mad", "الرصيد"], "balance"),
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def bank_accounts():
    """The bank accounts a statement may belong to (class 5, bank role or 514x)."""
    return treasury_accounts().filter(Q(role=AccountRole.BANK) | Q(code__startswith="514"))


def header_signature(headers: list[str]) -> str:
    folded = "|".join(normalise_for_search(h) for h in headers)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def looks_like_bank_header(cells: list[str]) -> bool:
    """A row that names a date column and a label or amount column: a statement's header. The rows
    a bank prints above it (its name, the account number, the period) are skipped at upload."""
    fields = {GUESSES.get(normalise_for_search(cell).strip(" :")) for cell in cells}
    return "date" in fields and bool(fields & {"label", "debit", "credit", "amount"})


def guess_bank_mapping(headers: list[str]) -> dict[str, str]:
    """Field → column index (as text): the association's mapping for this layout, else a guess."""
    remembered = BankImportMapping.objects.filter(header_signature=header_signature(headers)).first()
    if remembered is not None:
        return {f: i for f, i in remembered.mapping.items() if f in BANK_FIELDS and int(i) < len(headers)}
    mapping: dict[str, str] = {}
    for index, header in enumerate(headers):
        field = GUESSES.get(normalise_for_search(header).strip(" :"))
        if field and field not in mapping:
            mapping[field] = str(index)
    return mapping


def parse_bank_amount(text: str) -> Decimal | None:
    """'1 234,56', '1.234,56', '1,234.56', '-45.00', '12,5 DH' → Decimal; empty → None."""
    text = _SPACES.sub("", text or "")
    text = re.sub(r"(?i)(mad|dhs?|درهم)$", "", text)
    if text in ("", "-"):
        return None
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")")) or text.endswith("-")
    text = text.strip("-()+")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text)
    return -amount if negative else amount


def parse_bank_date(text: str) -> date:
    text = (text or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


@transaction.atomic
def statement_upload(*, actor, account_id, filename: str, content: bytes) -> BankStatement:
    """Keep an uploaded export after reading it once (header, first rows, row count); a file that
    cannot be read as a table is refused and nothing is kept."""
    from documents.files import save_private_file
    from members.importing import outline_table

    account = bank_accounts().filter(pk=account_id).first() if str(account_id or "").isdigit() else None
    if account is None:
        raise WaslError(_("Choose the bank account of this statement."), field="account")
    # WaslError with a clear message for a malformed file; the bank's preamble rows are skipped.
    outline = outline_table(content, is_header=looks_like_bank_header)
    digest = hashlib.sha256(content).hexdigest()
    if BankStatement.objects.filter(sha256=digest, status=BankStatement.Status.IMPORTED).exists():
        raise WaslError(_("This very file has already been imported."), field="file")
    return BankStatement.objects.create(
        account=account,
        file=save_private_file("bank", "statement.csv", content),
        original_name=(filename or "statement")[:200],
        sha256=digest,
        headers=outline.headers,
        samples=outline.samples,
        row_count=outline.row_count,
        mapping=guess_bank_mapping(outline.headers),
        created_by=actor,
    )


def _check_mapping(mapping: dict[str, str], columns: int) -> dict[str, int]:
    checked: dict[str, int] = {}
    for field, index in mapping.items():
        if field in BANK_FIELDS and str(index).isdigit() and int(index) < columns:
            checked[field] = int(index)
    if "date" not in checked or "label" not in checked:
        raise WaslError(_("Choose the columns of the date and of the label."), field="mapping")
    if "amount" not in checked and not ({"debit", "credit"} & set(checked)):
        raise WaslError(
            _("Choose the column of the amount, or the columns of money out and money in."), field="mapping"
        )
    if len(set(checked.values())) != len(checked):
        raise WaslError(_("A column can be used for one field only."), field="mapping")
    return checked


@transaction.atomic
def statement_import(*, actor, statement_id: int, mapping: dict[str, str]) -> BankStatement:
    """Read every row with the mapping; refuse the whole file at the first bad rows (named), or
    write every line, remember the mapping for this layout, and mark the statement imported."""
    from documents.files import private_storage
    from members.importing import read_table

    statement = BankStatement.objects.select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise NotFound()
    if statement.status == BankStatement.Status.IMPORTED:
        raise WaslError(_("This statement has already been imported."))
    with private_storage().open(statement.file, "rb") as handle:
        table = read_table(handle.read(), is_header=looks_like_bank_header)
    columns = _check_mapping(mapping, len(table.headers))
    lines: list[BankLine] = []
    errors: list[str] = []

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    for position, (line_number, row) in enumerate(zip(table.lines, table.rows, strict=True), start=1):
        try:
            day = parse_bank_date(cell(row, "date"))
        except ValueError:
            if not any(cell(row, f) for f in ("debit", "credit", "amount")):
                continue  # a title or total row without date nor amount (e.g. "Solde au …")
            errors.append(
                _("Line %(line)s: “%(value)s” is not a date.")
                % {"line": line_number, "value": cell(row, "date")[:30]}
            )
            continue
        try:
            debit, credit = ZERO, ZERO
            if "amount" in columns:
                amount = parse_bank_amount(cell(row, "amount")) or ZERO
                debit, credit = (-amount, ZERO) if amount < 0 else (ZERO, amount)
            else:
                debit = abs(parse_bank_amount(cell(row, "debit")) or ZERO)
                credit = abs(parse_bank_amount(cell(row, "credit")) or ZERO)
            balance = parse_bank_amount(cell(row, "balance")) if "balance" in columns else None
        except ValueError as exc:
            errors.append(
                _("Line %(line)s: “%(value)s” is not an amount.")
                % {"line": line_number, "value": str(exc)[:30]}
            )
            continue
        if (debit > 0) == (credit > 0):
            errors.append(_("Line %(line)s: give an amount, either out or in.") % {"line": line_number})
            continue
        label = cell(row, "label")[:300] or "—"
        lines.append(
            BankLine(
                statement=statement, account_id=statement.account_id, position=position, date=day,
                label=label, debit=debit, credit=credit, balance=balance,
            )
        )  # fmt: skip
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        message = " ".join(shown)
        if more:
            message += " " + _("And %(count)s more lines.") % {"count": more}
        raise WaslError(_("Nothing was imported. %(errors)s") % {"errors": message}, field="file")
    if not lines:
        raise WaslError(
            _("Nothing was imported: the file has no line with a date and an amount."), field="file"
        )
    BankLine.objects.bulk_create(lines)
    statement.mapping = {field: str(index) for field, index in columns.items()}
    statement.status = BankStatement.Status.IMPORTED
    statement.first_date = min(line.date for line in lines)
    statement.last_date = max(line.date for line in lines)
    last = max(lines, key=lambda line: (line.date, line.position))
    statement.closing_balance = last.balance
    statement.save(update_fields=["mapping", "status", "first_date", "last_date", "closing_balance"])
    BankImportMapping.objects.update_or_create(
        header_signature=header_signature(statement.headers),
        defaults={"mapping": statement.mapping, "updated_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="finance.bank.imported",
        target=statement,
        changes={"file": statement.original_name, "lines": len(lines), "account": statement.account.code},
    )
    return statement


def _candidates(account_id: int):
    """Posted ledger lines on the bank account that no statement line is matched to yet."""
    from finance.models import EntryKind

    return (
        EntryLine.objects.filter(
            account_id=account_id, entry__status=EntryStatus.POSTED, bank_lines__isnull=True
        )
        .exclude(entry__kind__in=(EntryKind.CLOSING, EntryKind.OPENING))
        .select_related("entry", "entry__journal", "entry__fiscal_year")
    )


def suggestions(bank_lines: list[BankLine]) -> dict[int, list[EntryLine]]:
    """For each unmatched statement line, the ledger lines of the same amount on the same account
    dated within MATCH_DAYS, closest date first: one query for the whole page."""
    open_lines = [line for line in bank_lines if not line.is_reconciled]
    if not open_lines:
        return {}
    by_account: dict[int, list[BankLine]] = {}
    for line in open_lines:
        by_account.setdefault(line.account_id, []).append(line)
    found: dict[int, list[EntryLine]] = {line.pk: [] for line in open_lines}
    window = timedelta(days=MATCH_DAYS)
    for account_id, lines in by_account.items():
        amounts = {line.amount for line in lines}
        debits = [a for a in amounts if a > 0]
        credits = [-a for a in amounts if a < 0]
        candidates = _candidates(account_id).filter(
            Q(debit__in=debits, credit=0) | Q(credit__in=credits, debit=0),
            entry__date__gte=min(line.date for line in lines) - window,
            entry__date__lte=max(line.date for line in lines) + window,
        )
        candidates = list(candidates)
        for line in lines:
            close = [
                c
                for c in candidates
                if c.amount == line.amount and abs((c.entry.date - line.date).days) <= MATCH_DAYS
            ]
            found[line.pk] = sorted(close, key=lambda c: (abs((c.entry.date - line.date).days), c.pk))[:3]
    return found


@transaction.atomic
def bank_line_match(*, actor, bank_line_id: int, entry_line_id: int) -> BankLine:
    """Reconcile a statement line with a posted ledger line on the same account, of the same amount."""
    line = BankLine.objects.select_for_update().filter(pk=bank_line_id).first()
    if line is None:
        raise NotFound()
    if line.is_reconciled:
        raise WaslError(_("This statement line is already reconciled."))
    # Lock the ledger line, then look again in a new statement (a new snapshot): two officers
    # matching it to two statement lines at once take turns, and the second sees the first's match.
    EntryLine.objects.select_for_update(of=("self",)).filter(pk=entry_line_id).values_list("pk").first()
    ledger_line = _candidates(line.account_id).filter(pk=entry_line_id).first()
    if ledger_line is None:
        raise WaslError(
            _("This entry line is not a free posted line of the same bank account."), field="entry_line"
        )
    if ledger_line.amount != line.amount:
        raise WaslError(
            _("The amounts differ: a statement line is matched to a ledger line of the same amount.")
        )
    line.entry_line = ledger_line
    line.reconciled_at = timezone.now()
    line.reconciled_by = actor
    line.save(update_fields=["entry_line", "reconciled_at", "reconciled_by"])
    audit_record(
        actor=actor,
        action="finance.bank.reconciled",
        target=line.statement,
        changes={
            "date": line.date.isoformat(),
            "amount": f"{line.amount:.2f}",
            "entry": str(ledger_line.entry),
        },
    )
    return line


@transaction.atomic
def bank_line_unmatch(*, actor, bank_line_id: int) -> BankLine:
    line = BankLine.objects.select_for_update().filter(pk=bank_line_id).first()
    if line is None:
        raise NotFound()
    if not line.is_reconciled:
        return line
    entry = line.entry_line.entry
    line.entry_line, line.reconciled_at, line.reconciled_by = None, None, None
    line.save(update_fields=["entry_line", "reconciled_at", "reconciled_by"])
    audit_record(
        actor=actor,
        action="finance.bank.unreconciled",
        target=line.statement,
        changes={"date": line.date.isoformat(), "amount": f"{line.amount:.2f}", "entry": str(entry)},
    )
    return line


def guess_category(line: BankLine) -> str:
    """A first guess for an unmatched line: bank fees for the bank's charges, else the general one."""
    words = normalise_for_search(line.label)
    if line.amount < 0:
        if re.search(r"frais|commission|agios|cotisation carte|tenue de compte|عمولة|مصاريف", words):
            return "bank_fees"
        return "other_expense"
    if re.search(r"interet|فوائد", words):
        return "interest"
    return "other_income"


@transaction.atomic
def bank_line_record(*, actor, bank_line_id: int, category_key: str, label: str = "") -> BankLine:
    """Post the entry an unmatched statement line calls for (money in or out of its bank account,
    at the bank's date, in the chosen category) and reconcile the line with it."""
    line = BankLine.objects.select_for_update().filter(pk=bank_line_id).first()
    if line is None:
        raise NotFound()
    if line.is_reconciled:
        raise WaslError(_("This statement line is already reconciled."))
    entry = money_record(
        actor=actor,
        direction=IN if line.amount > 0 else OUT,
        category_key=category_key,
        amount=abs(line.amount),
        date=line.date,
        account_id=line.account_id,
        label=(label or line.label)[:200],
    )
    ledger_line = entry.lines.get(account_id=line.account_id)
    return bank_line_match(actor=actor, bank_line_id=line.pk, entry_line_id=ledger_line.pk)


def book_balance(account: Account, *, on: date) -> Decimal:
    """The account's balance in the books at the end of a day: every posted movement up to it, all
    years together. Closing entries and the opening entries they carry into the next year are left
    out (they cancel out, but a closing dated the 31st would read as an empty account that day);
    an opening entry of the first year (balances brought into Wasl) counts."""
    from django.db.models import Sum

    from finance.models import EntryKind, FiscalYear

    first = FiscalYear.objects.order_by("start_date").values_list("pk", flat=True).first()
    totals = (
        EntryLine.objects.filter(account=account, entry__status=EntryStatus.POSTED, entry__date__lte=on)
        .exclude(entry__kind=EntryKind.CLOSING)
        .exclude(Q(entry__kind=EntryKind.OPENING) & ~Q(entry__fiscal_year_id=first))
        .aggregate(d=Sum("debit"), c=Sum("credit"))
    )
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)
