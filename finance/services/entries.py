"""Entries: drafts, posting, reversal, scans."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import (
    AUDIT_EVENT_CTES,
    audit_batch_defer,
    audit_batch_flush,
    audit_batch_open,
    audit_event,
    audit_event_params,
    audit_record,
    chain_events,
    events_saved,
)
from associations.errors import NotFound, WaslError
from associations.hot_sql import hot_cursor
from associations.tenancy import current_association_id
from finance.chain import entry_hash
from finance.models import (
    Account,
    Entry,
    EntryAttachment,
    EntryCounter,
    EntryKind,
    EntryLine,
    EntryStatus,
    FiscalYear,
    Journal,
    Project,
    YearStatus,
)

_Date = date  # (the services' `date` arguments hide the class)
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 500
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineInput:
    account_id: int
    debit: Decimal = Decimal("0.00")
    credit: Decimal = Decimal("0.00")
    label: str = ""
    project_id: int | None = None


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A amount in MAD: a number with at most two decimals, not negative (0 means "none")."""
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise WaslError(_("Give the amount as a number, e.g. 150.50."), field=field) from None
    if not amount.is_finite():
        raise WaslError(_("Give the amount as a number, e.g. 150.50."), field=field)
    if amount < 0:
        raise WaslError(_("An amount cannot be negative."), field=field)
    if amount != amount.quantize(CENT):
        raise WaslError(_("An amount has at most two decimals (centimes)."), field=field)
    if amount > MAX_AMOUNT:
        raise WaslError(_("This amount is too large."), field=field)
    return amount.quantize(CENT)


def open_year_for(day: date) -> FiscalYear:
    return _open_year(FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first(), day)


def _open_year(year: FiscalYear | None, day: date) -> FiscalYear:
    """`year`: the year covering `day` (None if there is none); refused unless open."""
    if year is None:
        raise WaslError(
            _("No fiscal year covers %(date)s: open that year first.") % {"date": day.isoformat()},
            field="date",
        )
    if year.status == YearStatus.CLOSED:
        raise WaslError(
            _("The fiscal year %(year)s is closed: it accepts no entry.") % {"year": year}, field="date"
        )
    return year


def _check_lines(lines: list[LineInput], found=None) -> list[tuple[LineInput, Account, Project | None]]:
    """Every line names one usable account and exactly one of debit or credit above zero; the
    entry has two lines at least and balances. `found`: the lines' (accounts, projects) by id when
    already read (`_read_books`), else they are read here."""
    if len(lines) < 2:
        raise WaslError(_("An entry needs at least two lines."), field="lines")
    if len(lines) > MAX_LINES:
        raise WaslError(_("An entry has at most %(max)d lines.") % {"max": MAX_LINES}, field="lines")
    if found is not None:
        accounts, projects = found
    elif connection.vendor == "postgresql":
        _journal, _year, accounts, projects = _read_books(current_association_id(), lines=lines)
    else:
        accounts = Account.objects.in_bulk([line.account_id for line in lines])
        project_ids = [line.project_id for line in lines if line.project_id]
        projects = Project.objects.in_bulk(project_ids) if project_ids else {}
    checked = []
    total_debit = total_credit = Decimal("0.00")
    for number, line in enumerate(lines, start=1):
        account = accounts.get(line.account_id)
        if account is None:
            raise WaslError(_("Line %(n)d: choose an account.") % {"n": number}, field="lines")
        if not account.postable:
            raise WaslError(
                _("Line %(n)d: account %(code)s is archived or a heading; choose a detailed account.")
                % {"n": number, "code": account.code},
                field="lines",
            )
        debit = parse_amount(line.debit, field="lines")
        credit = parse_amount(line.credit, field="lines")
        if (debit > 0) == (credit > 0):
            raise WaslError(
                _("Line %(n)d: give an amount above zero, as a debit or as a credit (not both).")
                % {"n": number},
                field="lines",
            )
        project = None
        if line.project_id:
            project = projects.get(line.project_id)
            if project is None:
                raise WaslError(_("Line %(n)d: unknown project.") % {"n": number}, field="lines")
        total_debit += debit
        total_credit += credit
        checked.append(
            (
                LineInput(account.pk, debit, credit, (line.label or "").strip()[:200], line.project_id),
                account,
                project,
            )
        )
    if total_debit != total_credit:
        raise WaslError(
            _("The entry does not balance: debits %(debit)s, credits %(credit)s.")
            % {"debit": f"{total_debit:.2f}", "credit": f"{total_credit:.2f}"},
            field="lines",
        )
    return checked


def _as_id(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


_READ_BOOKS = """
SELECT
    (SELECT code FROM finance_journal
      WHERE association_id = %(association)s AND id = %(journal)s AND archived_at IS NULL),
    y.id, y.start_date, y.end_date, y.status,
    a.ids, a.codes, a.roles, a.archived, p.ids
FROM (SELECT array_agg(id) AS ids, array_agg(code) AS codes, array_agg(role) AS roles,
             array_agg(archived_at) AS archived
        FROM finance_account WHERE association_id = %(association)s AND id = ANY(%(accounts)s)) AS a
CROSS JOIN (SELECT array_agg(id) AS ids FROM finance_project
             WHERE association_id = %(association)s AND id = ANY(%(projects)s)) AS p
LEFT JOIN LATERAL (
    SELECT id, start_date, end_date, status FROM finance_fiscalyear
     WHERE association_id = %(association)s AND start_date <= %(date)s AND end_date >= %(date)s
     ORDER BY start_date LIMIT 1
) AS y ON true
"""


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def loaded_instance(model, values: dict):
    """An instance of `model` as the ORM loads it with only some of its columns (`values`, by
    attname; other keys ignored): the others deferred, read on access, never silently wrong.
    What `Model.__init__` does with positional values, without its generic work: the columns set
    in the instance's `__dict__` (a deferred one is absent from it) and its state "saved, in the
    default database". No `pre_init`/`post_init` listener exists for the models loaded this way
    (finance/tests/test_payment_fast_path.py pins it)."""
    instance = model.__new__(model)
    instance.__dict__.update({name: values[name] for name in _attnames(model) if name in values})
    state = instance._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    return instance


def _partial(model, **values):
    """An instance of `model` from some of its columns (the others load on access, as deferred)."""
    return loaded_instance(model, values)


def _read_books(association_id: int, *, lines, journal_id=None, day: date | None = None):
    """PostgreSQL, one statement: the active journal `journal_id`, the year covering `day` (if
    asked) and the accounts and projects `lines` name — (journal or None, year or None, accounts
    by id, projects by id), as the ORM reads would give them."""
    account_ids = sorted({i for i in (_as_id(line.account_id) for line in lines) if i is not None})
    project_ids = sorted({i for i in (_as_id(line.project_id) for line in lines if line.project_id) if i})
    params = {
        "association": association_id, "journal": _as_id(journal_id) if journal_id is not None else None,
        "date": day, "accounts": account_ids, "projects": project_ids,
    }  # fmt: skip
    with hot_cursor() as cursor:
        cursor.execute(_READ_BOOKS, params)
        code, year_id, start, end, status, ids, codes, roles, archived, found_projects = cursor.fetchone()
    journal = None
    if code is not None:
        journal = _partial(Journal, id=params["journal"], association_id=association_id, code=code)
    year = None
    if year_id is not None:
        year = _partial(FiscalYear, id=year_id, association_id=association_id, start_date=start, end_date=end,
                        status=status)  # fmt: skip
    accounts = {
        pk: _partial(
            Account, id=pk, association_id=association_id, code=code, role=role, archived_at=archived_at
        )
        for pk, code, role, archived_at in zip(
            ids or (), codes or (), roles or (), archived or (), strict=True
        )
    }
    projects = {pk: _partial(Project, id=pk, association_id=association_id) for pk in found_projects or ()}
    return journal, year, accounts, projects


def _validate_header(*, journal_id: int, day: date, label: str, reference: str) -> tuple[Journal, FiscalYear]:
    journal = Journal.objects.filter(pk=journal_id, archived_at=None).first()
    if journal is None:
        raise WaslError(_("Choose a journal."), field="journal")
    if not isinstance(day, date):
        raise WaslError(_("Give the date of the entry."), field="date")
    _validate_text(label=label, reference=reference)
    return journal, open_year_for(day)


def _validate_text(*, label: str, reference: str) -> None:
    if not (label or "").strip():
        raise WaslError(_("Give a label for the entry."), field="label")
    if len(label) > 200 or len(reference or "") > 60:
        raise WaslError(_("The label or the piece reference is too long."), field="label")


def new_line(entry: Entry, *, status: str = EntryStatus.DRAFT, **fields) -> EntryLine:
    """A line of `entry` with its copies of the entry's year, date, status and kind (the indexes
    that balances and ledgers read hold those copies; the database checks them at commit)."""
    return EntryLine(
        entry=entry,
        fiscal_year_id=entry.fiscal_year_id,
        date=entry.date,
        entry_status=status,
        entry_kind=entry.kind,
        **fields,
    )


_LINE_COLUMNS = (
    "association_id, entry_id, position, account_id, debit, credit, label, project_id, fiscal_year_id, date, "
    "entry_status, entry_kind"
)


def _write_lines(entry: Entry, checked, *, status: str = EntryStatus.DRAFT) -> None:
    if connection.vendor == "postgresql":  # one plain INSERT: the lines are not read back
        values, params = [], []
        for position, (line, _account, _project) in enumerate(checked, start=1):
            values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
            params += [
                entry.association_id, entry.pk, position, line.account_id, line.debit, line.credit,
                line.label, line.project_id, entry.fiscal_year_id, entry.date, status, entry.kind,
            ]  # fmt: skip
        with hot_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO finance_entryline ({_LINE_COLUMNS}) VALUES {', '.join(values)}",  # noqa: S608
                params,
            )
        return
    EntryLine.objects.bulk_create(
        [
            new_line(
                entry,
                status=status,
                position=position,
                account_id=line.account_id,
                debit=line.debit,
                credit=line.credit,
                label=line.label,
                project_id=line.project_id,
            )
            for position, (line, _account, _project) in enumerate(checked, start=1)
        ]
    )


def _mark_lines_posted(entry: Entry) -> None:
    """The lines' copy of the entry's status, set before the entry itself is posted (a posted
    entry's lines are frozen); the deferred check at commit refuses any disagreement."""
    EntryLine.objects.filter(entry=entry).update(entry_status=EntryStatus.POSTED)


@transaction.atomic
def entry_create(
    *,
    actor,
    journal_id: int,
    date: date,
    label: str,
    lines: list[LineInput],
    reference: str = "",
    kind: str = EntryKind.STANDARD,
    post: bool = False,
) -> Entry:
    """Write a draft entry (balanced, in an open year); with `post=True`, post it at once."""
    if connection.vendor == "postgresql" and isinstance(date, _Date):
        return _create_postgresql(actor=actor, journal_id=journal_id, day=date, label=label, lines=lines,
                                  reference=reference, kind=kind, post=post)  # fmt: skip
    journal, year = _validate_header(journal_id=journal_id, day=date, label=label, reference=reference)
    if post:
        pending = _write_to_post(actor=actor, journal=journal, year=year, day=date, label=label,
                                 lines=lines, reference=reference, kind=kind)  # fmt: skip
        return pending.post()
    checked = _check_lines(lines)
    entry = _insert_entry(actor=actor, journal=journal, year=year, day=date, label=label, reference=reference,
                          kind=kind)  # fmt: skip
    _write_lines(entry, checked, status=EntryStatus.DRAFT)
    return entry


def _create_postgresql(*, actor, journal_id, day: date, label, lines, reference, kind, post: bool) -> Entry:
    """`entry_create` on PostgreSQL: the journal, year, accounts and projects read in one statement,
    the entry and its lines written in one, then (`post`) the serial part (`_post_locked`)."""
    journal, year, accounts, projects = _read_books(
        current_association_id(), lines=lines, journal_id=journal_id, day=day
    )
    if journal is None:
        raise WaslError(_("Choose a journal."), field="journal")
    _validate_text(label=label, reference=reference)
    year = _open_year(year, day)
    checked = _check_lines(lines, found=(accounts, projects))
    status = EntryStatus.POSTED if post else EntryStatus.DRAFT
    entry = _insert_entry_and_lines(actor=actor, journal=journal, year=year, day=day, label=label,
                                    reference=reference, kind=kind, checked=checked,
                                    status=status)  # fmt: skip
    if post:
        return PendingPosting(actor, entry, checked).post()
    return entry


_INSERT_ENTRY_AND_LINES = f"""
WITH e AS (
    INSERT INTO finance_entry (association_id, journal_id, fiscal_year_id, date, label, reference, status,
        kind, prev_hash, hash, created_at, created_by_id)
    VALUES (%(el_association)s, %(el_journal)s, %(el_year)s, %(el_date)s, %(el_label)s, %(el_reference)s,
        'draft', %(el_kind)s, '', '', %(el_created_at)s, %(el_created_by)s)
    RETURNING id
), l AS (
    INSERT INTO finance_entryline ({_LINE_COLUMNS})
    SELECT v.association_id, e.id, v.position, v.account_id, v.debit, v.credit, v.label, v.project_id,
        v.fiscal_year_id, v.date, v.entry_status, v.entry_kind
    FROM e CROSS JOIN (VALUES {{values}}) AS v(association_id, position, account_id, debit, credit, label,
        project_id, fiscal_year_id, date, entry_status, entry_kind)
){{along_ctes}}
SELECT id{{along_columns}} FROM e
"""  # noqa: S608 (the models' own columns)
_LINE_VALUES = (
    "(%(el_association)s::bigint, %({p}position)s::integer, %({p}account)s::bigint, %({p}debit)s::numeric,"
    " %({p}credit)s::numeric, %({p}label)s::text, %({p}project)s::bigint, %(el_year)s::bigint,"
    " %(el_date)s::date, %(el_status)s::text, %(el_kind)s::text)"
)


@dataclass
class InsertedAlong:
    """PostgreSQL: a caller's rows written in the statement that inserts an entry and its lines, one
    round trip fewer (a payment: its row and allocations). `ctes`: data-modifying CTEs with named
    parameters `params` (none starting with `el_`), run after the entry's (`e`, RETURNING id: the
    entry's id is `(SELECT id FROM e)`) and its lines' (`l`); `columns`: scalar subqueries
    returned. `row`: what they returned, once run; None (not run: SQLite, and the ORM path) means
    the caller writes its rows itself."""

    ctes: str
    params: dict
    columns: str
    row: tuple | None = None


def _insert_entry_and_lines(*, actor, journal, year, day, label, reference, kind, checked, status,
                            along: InsertedAlong | None = None) -> Entry:  # fmt: skip
    """PostgreSQL: a draft entry and its lines (their status copy `status`) in one statement, with
    the caller's rows `along` if any."""
    association_id = journal.association_id
    created_by_id = actor.pk if getattr(actor, "pk", None) else None
    created_at = timezone.now()
    label, reference = label.strip(), (reference or "").strip()
    params = {
        "el_association": association_id, "el_journal": journal.pk, "el_year": year.pk, "el_date": day,
        "el_label": label, "el_reference": reference, "el_kind": kind, "el_created_at": created_at,
        "el_created_by": created_by_id, "el_status": status,
    }  # fmt: skip
    values = []
    for position, (line, _account, _project) in enumerate(checked, start=1):
        prefix = f"el{position}_"
        values.append(_LINE_VALUES.format(p=prefix))
        params |= {
            f"{prefix}position": position, f"{prefix}account": line.account_id, f"{prefix}debit": line.debit,
            f"{prefix}credit": line.credit, f"{prefix}label": line.label, f"{prefix}project": line.project_id,
        }  # fmt: skip
    sql = _INSERT_ENTRY_AND_LINES.format(
        values=", ".join(values),
        along_ctes=f", {along.ctes}" if along else "",
        along_columns=f", {along.columns}" if along else "",
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, params | along.params if along else params)
        pk, *row = cursor.fetchone()
    if along is not None:
        along.row = tuple(row)
    entry = Entry(id=pk, association_id=association_id, journal=journal, fiscal_year=year, date=day,
                  label=label, reference=reference, kind=kind, created_at=created_at,
                  created_by_id=created_by_id)  # fmt: skip
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def _insert_entry(*, actor, journal, year, day, label, reference, kind) -> Entry:
    return Entry.objects.create(
        journal=journal,
        fiscal_year=year,
        date=day,
        label=label.strip(),
        reference=(reference or "").strip(),
        kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@dataclass
class LockedAlong:
    """PostgreSQL: a caller's statement run within a posting's locking statement, after the year's
    row is locked and the journal's counter taken (CTEs `y` and `c`): `ctes`, CTEs with named
    parameters `params` (none named `y` or `c`; make them wait on `c` to keep the lock order);
    `columns`, scalar subqueries returned. `row`: what they returned, once run (None: not run — the
    posting went another way — and the caller runs its own statement). `context`: the caller's."""

    ctes: str
    params: dict
    columns: str
    context: object = None
    row: tuple | None = None


@dataclass
class PendingPosting:
    """An entry written with its lines, to be posted later in the same transaction (`post()`)."""

    actor: object
    entry: Entry
    checked: list

    def post(self, *, audit: bool = True, along: LockedAlong | None = None) -> Entry:
        """Number, chain and freeze it: the serial part (the year's lock), to do last. `along`: a
        statement to run in the posting's locking statement (inside an audit batch, PostgreSQL)."""
        return _post_locked(actor=self.actor, entry=self.entry, year=None, audit=audit, checked=self.checked,
                            along=along)  # fmt: skip


def _write_to_post(*, actor, journal, year, day, label, lines, reference, kind, found=None,
                   along: InsertedAlong | None = None) -> PendingPosting:  # fmt: skip
    checked = _check_lines(lines, found)
    if connection.vendor == "postgresql":  # the entry and its lines in one statement
        entry = _insert_entry_and_lines(actor=actor, journal=journal, year=year, day=day, label=label,
                                        reference=reference, kind=kind, checked=checked,
                                        status=EntryStatus.POSTED, along=along)  # fmt: skip
        return PendingPosting(actor, entry, checked)
    entry = _insert_entry(actor=actor, journal=journal, year=year, day=day, label=label, reference=reference,
                          kind=kind)  # fmt: skip
    # Posted before commit: the lines are written already marked posted (the entry follows), so
    # the locked part of the posting touches no line. Left unposted, the commit is refused (the
    # deferred check: the lines' copy of the status must match their entry's).
    _write_lines(entry, checked, status=EntryStatus.POSTED)
    return PendingPosting(actor, entry, checked)


def entry_write_to_post(
    *,
    actor,
    journal: Journal,
    year: FiscalYear,
    date: date,
    label: str,
    lines: list[LineInput],
    reference: str = "",
    kind: str = EntryKind.STANDARD,
    accounts: dict[int, Account] | None = None,
    projects: dict[int, Project] | None = None,
    along: InsertedAlong | None = None,
) -> PendingPosting:
    """Inside the caller's transaction: write an entry whose posting the caller finishes with
    `.post()` as late as it can (the posting's serial part — year lock, number, hash chain — is
    then held only from there to commit). `journal`: an active journal; `year`: the open year
    covering `date` (as `open_year_for` returns it). `accounts` (and `projects`): the current
    association's accounts (projects) by id, read by the caller, among which the lines' are looked
    up and checked as usual (an id not among them is refused as unknown); else they are read.
    `along`: the caller's rows written in the same statement as the entry (`InsertedAlong`)."""
    if not connection.in_atomic_block:
        raise RuntimeError("entry_write_to_post() runs inside the caller's transaction.")
    _validate_text(label=label, reference=reference)
    found = (accounts, projects or {}) if accounts is not None else None
    return _write_to_post(actor=actor, journal=journal, year=year, day=date, label=label, lines=lines,
                          reference=reference, kind=kind, found=found, along=along)  # fmt: skip


@transaction.atomic
def entry_update(
    *,
    actor,
    entry_id: int,
    journal_id: int,
    date: date,
    label: str,
    lines: list[LineInput],
    reference: str = "",
) -> Entry:
    """Rewrite a draft (a posted entry never changes: reverse it instead)."""
    entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    if entry.status != EntryStatus.DRAFT:
        raise WaslError(_("A posted entry cannot be changed: reverse it, then write a new one."))
    journal, year = _validate_header(journal_id=journal_id, day=date, label=label, reference=reference)
    checked = _check_lines(lines)
    entry.journal, entry.fiscal_year, entry.date = journal, year, date
    entry.label, entry.reference = label.strip(), (reference or "").strip()
    entry.save(update_fields=["journal", "fiscal_year", "date", "label", "reference"])
    entry.lines.all().delete()
    _write_lines(entry, checked)
    return entry


@transaction.atomic
def entry_delete_draft(*, actor, entry_id: int) -> None:
    entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    if entry.status != EntryStatus.DRAFT:
        raise WaslError(_("A posted entry cannot be deleted: reverse it instead."))
    if entry.attachments.exists():
        raise WaslError(_("Remove the scans before deleting this draft."))
    entry.lines.all().delete()
    entry.delete()


def _next_number(entry: Entry) -> int:
    """Take the next number of the entry's journal in its year: one UPDATE … RETURNING locks the
    counter row (until commit) and increments it; the first entry of a journal in a year creates
    the row."""
    table = EntryCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1"  # noqa: S608 (a model's own table name)
        " WHERE association_id = %s AND journal_id = %s AND fiscal_year_id = %s RETURNING last_number"
    )
    params = [entry.association_id, entry.journal_id, entry.fiscal_year_id]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    counter, _created = EntryCounter.objects.select_for_update().get_or_create(
        journal_id=entry.journal_id, fiscal_year_id=entry.fiscal_year_id
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# The year's row locked, then the journal's counter taken: the start of both locking statements.
# NO KEY UPDATE: it serialises postings (and closing, which takes FOR UPDATE) as FOR UPDATE would, but
# lets other transactions' foreign-key checks on the year (KEY SHARE: each new entry, payment, receipt
# naming it) go on. With FOR UPDATE every writer's entry insert queued behind the lock holder, and
# each commit woke them all at once (bench/receipts.py, 32 writers).
_LOCK_YEAR_AND_COUNTER = """
WITH y AS (
    SELECT id, status, chain_length, chain_hash FROM finance_fiscalyear
    WHERE association_id = %(association)s AND id = %(year)s FOR NO KEY UPDATE
), c AS (
    UPDATE finance_entrycounter SET last_number = last_number + 1
    WHERE association_id = %(association)s AND journal_id = %(journal)s
        AND fiscal_year_id = (SELECT id FROM y)
    RETURNING last_number
)"""

_LOCK_AND_NUMBER = (
    _LOCK_YEAR_AND_COUNTER  # noqa: S608 (constant SQL joined to constant SQL)
    + """
SELECT y.status, y.chain_length, y.chain_hash, (SELECT last_number FROM c) FROM y
"""
)

# The posting's write: the entry takes its number, link and hash (only if still a draft), then the
# year's chain head moves (only if the entry did). Written once, used in three statements.
_POST_ENTRY = """e AS (
    UPDATE finance_entry SET number = %(number)s, chain_index = %(chain_index)s, prev_hash = %(prev_hash)s,
        status = %(status)s, posted_at = %(posted_at)s, posted_by_id = %(posted_by)s, hash = %(hash)s
    WHERE association_id = %(association)s AND id = %(entry)s AND status = 'draft'
    RETURNING id
)"""
_MOVE_YEAR_HEAD = """
    UPDATE finance_fiscalyear SET chain_length = %(chain_index)s, chain_hash = %(hash)s
    WHERE association_id = %(association)s AND id = %(year)s AND EXISTS (SELECT 1 FROM e)
    RETURNING id
"""

_WRITE_CHAIN = f"WITH {_POST_ENTRY}\n{_MOVE_YEAR_HEAD}"

# The same write as CTEs, for the statement that appends an audit batch's events (`done`: the year's
# head moved, so the entry was posted).
_WRITE_CHAIN_CTES = f"{_POST_ENTRY}, done AS ({_MOVE_YEAR_HEAD})"


def _already_posted() -> WaslError:
    return WaslError(_("This entry is already posted."))


def _year_closed(year) -> WaslError:
    return WaslError(_("The fiscal year %(year)s is closed: it accepts no entry.") % {"year": year})


def _chain_postgresql(
    entry: Entry, lines, taken: int | None = None, along: LockedAlong | None = None
) -> None:
    """The serial part of a posting in two round trips: (1) lock the year's row (head of its hash
    chain) and take the journal's next number (the counter row, locked after the year, as
    everywhere); (2) write the entry's number, chain link and hash and move the year's head.
    `taken`: the number, when the caller locked the year and took it already."""
    params = {"association": entry.association_id, "year": entry.fiscal_year_id, "journal": entry.journal_id}
    audit_batch_flush()  # (a posting deferred in this batch moves the year's head this one reads)
    with hot_cursor() as cursor:
        if taken is None and along is not None:
            sql = (
                f"{_LOCK_YEAR_AND_COUNTER}, {along.ctes}\nSELECT y.status, y.chain_length, y.chain_hash,"  # noqa: S608
                f" (SELECT last_number FROM c), {along.columns} FROM y"
            )  # (fixed SQL: the caller's constant CTEs)
            cursor.execute(sql, params | along.params)
            status, chain_length, chain_hash, number, *along.row = cursor.fetchone()
        elif taken is None:
            cursor.execute(_LOCK_AND_NUMBER, params)
            status, chain_length, chain_hash, number = cursor.fetchone()
        else:  # the year is locked and the number taken already (`_chain_and_audit_postgresql`)
            cursor.execute(
                "SELECT status, chain_length, chain_hash, %s FROM finance_fiscalyear"
                " WHERE association_id = %s AND id = %s",
                [taken, entry.association_id, entry.fiscal_year_id],
            )
            status, chain_length, chain_hash, number = cursor.fetchone()
    if status == YearStatus.CLOSED:
        raise _year_closed(FiscalYear.objects.get(pk=entry.fiscal_year_id))
    entry.number = number if number is not None else _next_number(entry)
    entry.chain_index = chain_length + 1
    entry.prev_hash = chain_hash
    entry.posted_at = timezone.now()
    entry.hash = entry_hash(entry, lines, prev_hash=entry.prev_hash)
    params |= {
        "number": entry.number, "chain_index": entry.chain_index, "prev_hash": entry.prev_hash,
        "status": EntryStatus.POSTED, "posted_at": entry.posted_at, "posted_by": entry.posted_by_id,
        "hash": entry.hash, "entry": entry.pk,
    }  # fmt: skip
    # Inside an audit batch (a payment) the write goes with the batch's events: one round trip fewer.
    if audit_batch_defer(
        entry.association_id, ctes=_WRITE_CHAIN_CTES, params=params, failure=_already_posted
    ):
        return
    with hot_cursor() as cursor:
        cursor.execute(_WRITE_CHAIN, params)
        if cursor.fetchone() is None:  # the entry was posted meanwhile (its row lock prevents it)
            raise _already_posted()


_LOCK_ALL = (
    _LOCK_YEAR_AND_COUNTER  # noqa: S608 (constant SQL joined to constant SQL)
    + """, h AS (
    SELECT last_seq, last_hash FROM associations_auditchainhead
    WHERE association_id = %(association)s AND EXISTS (SELECT 1 FROM c) FOR UPDATE
)
SELECT y.status, y.chain_length, y.chain_hash, (SELECT last_number FROM c), (SELECT last_seq FROM h),
    (SELECT last_hash FROM h)
FROM y
"""
)

_WRITE_ALL = (
    f"WITH {_POST_ENTRY}, y AS ({_MOVE_YEAR_HEAD}),"  # noqa: S608 (constant SQL)
    + AUDIT_EVENT_CTES.format(condition="EXISTS (SELECT 1 FROM y)")
    + """
SELECT id FROM audit_ins
"""
)


def _chain_and_audit_postgresql(actor, entry: Entry, lines) -> tuple[bool, int | None]:
    """The serial part of a posting and its audit event in two round trips: (1) lock the year's row
    (head of its hash chain), take the journal's next number (the counter row) and lock the audit
    chain's head — in that order, as everywhere; (2) write the entry's number, chain link and hash,
    move the year's head, insert the audit event and move the audit head. Both hashes are computed
    here, between the two, exactly as `_chain_orm` and `audit_record` do. False (nothing done but
    the locks, and the number if taken) when the counter or the audit head has no row yet: the
    caller goes the long way."""
    params = {"association": entry.association_id, "year": entry.fiscal_year_id, "journal": entry.journal_id}
    with hot_cursor() as cursor:
        cursor.execute(_LOCK_ALL, params)
        status, chain_length, chain_hash, number, last_seq, last_hash = cursor.fetchone()
    if status == YearStatus.CLOSED:
        raise _year_closed(FiscalYear.objects.get(pk=entry.fiscal_year_id))
    if number is None or last_seq is None:
        return False, number
    entry.number = number
    entry.chain_index = chain_length + 1
    entry.prev_hash = chain_hash
    entry.posted_at = timezone.now()
    entry.hash = entry_hash(entry, lines, prev_hash=entry.prev_hash)
    event = audit_event(
        actor=actor, action="finance.entry.posted", target=entry, changes=_posted_changes(entry, lines)
    )
    chain_events(
        entry.association_id, [event], last_seq=last_seq, last_hash=last_hash, created_at=entry.posted_at
    )
    params |= {
        "number": entry.number, "chain_index": entry.chain_index, "prev_hash": entry.prev_hash,
        "status": EntryStatus.POSTED, "posted_at": entry.posted_at, "posted_by": entry.posted_by_id,
        "hash": entry.hash, "entry": entry.pk,
    } | audit_event_params(event)  # fmt: skip
    with hot_cursor() as cursor:
        cursor.execute(_WRITE_ALL, params)
        row = cursor.fetchone()
    if row is None:  # the entry was posted meanwhile (its row lock prevents it)
        raise WaslError(_("This entry is already posted."))
    events_saved([event], [row[0]])
    return True, number


def _posted_changes(entry: Entry, lines) -> dict:
    total = sum((line.debit for line in lines), Decimal("0.00"))
    return {"number": str(entry), "amount": f"{total:.2f}", "label": entry.label}


def _chain_orm(entry: Entry, lines, year: FiscalYear | None) -> None:
    """The same, statement by statement (SQLite, and a caller that holds the year's lock)."""
    if year is None:
        year = FiscalYear.objects.select_for_update(no_key=True).get(pk=entry.fiscal_year_id)
    if year.status == YearStatus.CLOSED:
        raise _year_closed(year)
    entry.number = _next_number(entry)
    entry.chain_index = year.chain_length + 1
    entry.prev_hash = year.chain_hash
    entry.posted_at = timezone.now()
    entry.hash = entry_hash(entry, lines, prev_hash=entry.prev_hash)
    entry.save(
        update_fields=["number", "chain_index", "prev_hash", "status", "posted_at", "posted_by", "hash"]
    )
    year.chain_length = entry.chain_index
    year.chain_hash = entry.hash
    year.save(update_fields=["chain_length", "chain_hash"])


def _post_locked(*, actor, entry: Entry, year: FiscalYear | None, audit: bool = True, checked=None,
                 along: LockedAlong | None = None) -> Entry:  # fmt: skip
    """Post a draft: check it, then number, chain and freeze it.

    Concurrency: everything that needs no lock (reading and checking the lines, marking them
    posted) is done first; the serial part comes last and stays short — the year's row (head of
    its hash chain) is locked, then the journal's counter, then the audit chain's head, and all
    three are held only for those few statements and the commit. `year`: the year row when the
    caller already holds its lock (closing, allocation), else None. A closing that locked the year
    first makes this posting wait, then see the year closed and refuse (the database refuses it
    too); a posting that locked first is counted by the closing, which waits for it.
    `checked`: the lines as `_check_lines` just returned them (else they are read and checked)."""
    if checked is None:
        lines = list(entry.lines.select_related("account").order_by("position", "pk"))
        _check_lines(
            [
                LineInput(line.account_id, line.debit, line.credit, line.label, line.project_id)
                for line in lines
            ]
        )
        _mark_lines_posted(entry)
    else:
        lines = [
            _HashLine(account.pk, account, line.debit, line.credit, line.label, line.project_id)
            for line, account, _project in checked
        ]
    entry.status = EntryStatus.POSTED
    entry.posted_by = actor if getattr(actor, "pk", None) else None
    if year is None and connection.vendor == "postgresql":
        # (inside an audit batch of this association, the event waits for the batch's end)
        taken = None
        if audit and not audit_batch_open(entry.association_id):
            done, taken = _chain_and_audit_postgresql(actor, entry, lines)
            if done:
                return entry
        _chain_postgresql(entry, lines, taken, along if audit_batch_open(entry.association_id) else None)
    else:
        _chain_orm(entry, lines, year)
    if audit:
        audit_record(
            actor=actor, action="finance.entry.posted", target=entry, changes=_posted_changes(entry, lines)
        )
    return entry


class _HashLine(NamedTuple):
    """A line as `entry_hash` reads it."""

    account_id: int
    account: Account
    debit: Decimal
    credit: Decimal
    label: str
    project_id: int | None


@transaction.atomic
def entry_post(*, actor, entry_id: int) -> Entry:
    """Post a draft: the next number of its journal in its year (locked counter row, so numbers are
    unique and gap-free), its hash chained to the year's previous posted entry, and it is frozen."""
    # The entry's row lock keeps two officers from posting it twice; the year is locked only at
    # the end, for the numbering and the chain (see _post_locked).
    # (its journal and year are read along, not locked: the audit's label names them)
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("journal", "fiscal_year")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound()
    if entry.status != EntryStatus.DRAFT:
        raise WaslError(_("This entry is already posted."))
    return _post_locked(actor=actor, entry=entry, year=None)


@transaction.atomic
def entry_reverse(*, actor, entry_id: int, date: date | None = None, label: str = "") -> Entry:
    """Cancel a posted entry by a posted reversal (the same lines, debit and credit swapped), linked
    both ways (`reverses` / `reversed_by`). Then write the right entry anew."""
    original = Entry.objects.filter(pk=entry_id).first()
    if original is None:
        raise NotFound()
    if original.status != EntryStatus.POSTED:
        raise WaslError(_("Only a posted entry can be reversed; a draft can simply be changed or deleted."))
    if original.kind != EntryKind.STANDARD:
        raise WaslError(_("Opening, closing and allocation entries are not reversed by hand."))
    if original.reverses_id is not None:
        raise WaslError(_("This entry is itself a reversal: write a new entry instead."))
    if Entry.objects.filter(reverses=original).exists():
        raise WaslError(_("This entry has already been reversed."))
    day = date or max(timezone.localdate(), original.date)
    year = open_year_for(day)
    lines = list(original.lines.order_by("position", "pk"))
    reversal = Entry.objects.create(
        journal_id=original.journal_id,
        fiscal_year=year,
        date=day,
        label=(label or "").strip()[:200] or _("Reversal of %(entry)s") % {"entry": original},
        reference=original.reference,
        reverses=original,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    EntryLine.objects.bulk_create(
        [
            new_line(
                reversal,
                position=line.position,
                account_id=line.account_id,
                debit=line.credit,
                credit=line.debit,
                label=line.label,
                project_id=line.project_id,
            )
            for line in lines
        ]
    )
    _post_locked(actor=actor, entry=reversal, year=None, audit=False)
    audit_record(
        actor=actor,
        action="finance.entry.reversed",
        target=original,
        changes={"number": str(original), "reversal": str(reversal)},
    )
    return reversal


SCAN_KINDS = {"pdf", "png", "jpeg", "webp"}


@transaction.atomic
def attachment_add(*, actor, entry_id: int, uploaded) -> EntryAttachment:
    """Attach a scan of the piece (PDF or image, a private file); allowed on drafts and posted
    entries alike (the scan is evidence, not part of the entry's hash)."""
    import hashlib
    from pathlib import PurePath

    from documents.files import save_private_file, validate_upload

    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    checked = validate_upload(uploaded, allowed=SCAN_KINDS)
    uploaded.seek(0)
    content = uploaded.read()
    original_name = PurePath(uploaded.name or "scan").name[:200]
    name = save_private_file("finance", f"scan.{checked.kind}", content)
    attachment = EntryAttachment.objects.create(
        entry=entry,
        file=name,
        original_name=original_name,
        content_type=checked.mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="finance.entry.scan_added",
        target=entry,
        changes={"number": str(entry), "file": original_name},
    )
    return attachment
