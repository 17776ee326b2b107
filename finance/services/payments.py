"""Payments: money received, its balanced entry posted and its receipt numbered in one transaction.

`payment_record` is the one way money comes in with a receipt: dues (a member, or a family payer
for several members: allocated to the oldest dues first, a partial payment leaves the rest owed,
an overpayment is kept as the payer's credit), and any other purpose with its own credit account
(donations and grant instalments, recorded by the funds module through this same service).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from associations.audit import audit_batch, audit_record
from associations.errors import WaslError
from associations.hot_sql import atomic_keeping_savepoint, hot_cursor
from associations.models import Association
from associations.tenancy import current_association_id
from finance.models import (
    Account,
    AccountRole,
    Allocation,
    Due,
    DueKind,
    DuesSettings,
    FiscalYear,
    Journal,
    JournalKind,
    Payment,
    PaymentMethod,
    Project,
    ReceiptSeries,
    YearStatus,
)
from finance.reminders import reminder_key_prefix, withdraw_reminders
from finance.services.entries import (
    InsertedAlong,
    LineInput,
    entry_write_to_post,
    loaded_instance,
    parse_amount,
)
from finance.services.simple import treasury_accounts

ZERO = Decimal("0.00")
RECEIVABLE_CODES = ("3485", "3488", "348")  # members' dues receivable (accrual basis)
ADVANCE_CODES = ("4491",)  # dues received in advance (accrual basis)


def dues_settings() -> DuesSettings:
    """The current association's dues settings (defaults when it never changed them)."""
    found = DuesSettings.objects.filter().first()
    return found or DuesSettings()


def _account_by_codes(codes: Sequence[str]) -> Account | None:
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes, archived_at=None)}
    for code in codes:
        if code in accounts and accounts[code].postable:
            return accounts[code]
    return None


def dues_account(kind: str = DueKind.ANNUAL) -> Account:
    """Where dues income goes: 7151 for joining fees when the chart has it, else the dues account."""
    if kind == DueKind.JOINING:
        joining = _account_by_codes(("7151",))
        if joining is not None:
            return joining
    account = Account.objects.filter(role=AccountRole.DUES, archived_at=None).order_by("code").first()
    if account is None or not account.postable:
        account = _account_by_codes(("7152", "715"))
    if account is None:
        raise WaslError(_("The chart has no active dues account (7152): restore it in the chart first."))
    return account


def default_treasury_account(method: str) -> Account:
    role = AccountRole.CASH if method == PaymentMethod.CASH else AccountRole.BANK
    accounts = treasury_accounts()
    account = accounts.filter(role=role).first() or accounts.first()
    if account is None:
        raise WaslError(
            _("The chart has no cash box or bank account to receive this money."), field="account"
        )
    return account


def _clean_text(value, *, limit: int, field: str) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise WaslError(_("Too long: %(limit)s characters at most.") % {"limit": limit}, field=field)
    return text


def _positive(value, *, field: str = "amount") -> Decimal:
    amount = parse_amount(value, field=field)
    if amount <= 0:
        raise WaslError(_("Give an amount above zero."), field=field)
    return amount


# ---------------------------------------------------------------------------------------------
# What a payment reads: one round trip on PostgreSQL, the ORM elsewhere; the choices are made
# from what was read by the same code whichever way it was read.

_DUES_CODES = ("7151", "7152", "715", *RECEIVABLE_CODES, *ADVANCE_CODES)
_TREASURY_CODE = re.compile(r"^51[46][0-9]+$")


@dataclass
class _Books:
    """Everything a payment reads before it writes: the year covering its date, the payer, the
    active accounts it may touch (the cash and bank accounts of `treasury_accounts()`, the dues,
    receivable and advance codes, the dues role, the accounts named), the active journals (by
    code), the dues settings, the association (for the receipt) and the dues it pays, locked (their
    year and member loaded)."""

    year: FiscalYear | None
    member: object | None  # members.Member, anonymised or not (the caller checks)
    accounts: list[Account]  # by code, as the database orders them
    journals: list[Journal]  # by code
    accrual: bool
    association: Association
    dues: list[Due]  # locked; open dues oldest first, or the dues named by id

    def treasury(self) -> list[Account]:
        """`treasury_accounts()` among the accounts read."""
        return [
            a for a in self.accounts
            if a.account_class == 5
            and (a.role in (AccountRole.CASH, AccountRole.BANK) or _TREASURY_CODE.search(a.code))
        ]  # fmt: skip

    def default_treasury(self, method: str) -> Account:
        role = AccountRole.CASH if method == PaymentMethod.CASH else AccountRole.BANK
        accounts = self.treasury()
        account = next((a for a in accounts if a.role == role), None) or (accounts[0] if accounts else None)
        if account is None:
            raise WaslError(
                _("The chart has no cash box or bank account to receive this money."), field="account"
            )
        return account

    def by_codes(self, codes: Sequence[str]) -> Account | None:
        """`_account_by_codes(codes)` among the accounts read."""
        found = {a.code: a for a in self.accounts if a.code in codes}
        for code in codes:
            if code in found and found[code].postable:
                return found[code]
        return None

    def dues_account(self, kind: str = DueKind.ANNUAL) -> Account:
        """`dues_account(kind)` among the accounts read."""
        if kind == DueKind.JOINING:
            joining = self.by_codes(("7151",))
            if joining is not None:
                return joining
        account = next((a for a in self.accounts if a.role == AccountRole.DUES), None)
        if account is None or not account.postable:
            account = self.by_codes(("7152", "715"))
        if account is None:
            raise WaslError(_("The chart has no active dues account (7152): restore it in the chart first."))
        return account

    def journal_for(self, account: Account) -> Journal:
        """`finance.services.simple.journal_for(account)` among the journals read."""
        journal = next((j for j in self.journals if j.account_id == account.pk), None)
        if journal is None:
            if account.role == AccountRole.CASH or account.code.startswith("516"):
                kind = JournalKind.CASH
            else:
                kind = JournalKind.BANK if account.code.startswith("514") else JournalKind.OPERATIONS
            journal = next((j for j in self.journals if j.kind == kind), None)
        if journal is None:
            journal = next((j for j in self.journals if j.kind == JournalKind.OPERATIONS), None)
        if journal is None:
            raise WaslError(_("The books have no active journal for this account."), field="account")
        return journal


def _int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _books_orm(*, day, payer_id, account_ids, member_ids, due_ids) -> _Books:
    from members.models import Member

    year = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    member = Member.objects.filter(pk=payer_id).first() if payer_id else None
    treasury = Q(account_class=5) & (
        Q(role__in=(AccountRole.CASH, AccountRole.BANK)) | Q(code__regex=_TREASURY_CODE.pattern)
    )
    wanted = treasury | Q(code__in=_DUES_CODES) | Q(role=AccountRole.DUES) | Q(pk__in=account_ids)
    accounts = list(Account.objects.filter(wanted, archived_at=None).order_by("code"))
    journals = list(Journal.objects.filter(archived_at=None).order_by("code"))
    settings = DuesSettings.objects.filter().first()
    association = Association.objects.only("name_ar", "name_fr", "acronym", "verified_at").get(
        pk=current_association_id()
    )
    # of=("self",): lock the dues only; the joined year row is the ledger's chain head, locked by
    # the posting for its few last statements (a lock here would hold it the whole payment).
    locked = Due.objects.select_for_update(of=("self",)).select_related("fiscal_year")
    if due_ids is not None:
        dues = list(locked.filter(pk__in=due_ids).order_by("pk"))
    elif member_ids:
        dues = list(
            locked.filter(member_id__in=member_ids, waived_at=None, paid__lt=F("amount")).order_by(
                "due_date", "fiscal_year__start_date", "member_id", "kind", "pk"
            )
        )
    else:
        dues = []
    known = {member.pk: member} if member else {}
    missing = {due.member_id for due in dues} - set(known)
    if missing:
        names = ("number", "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
        known |= Member.objects.only(*names).in_bulk(missing)
    for due in dues:
        due.member = known[due.member_id]
    return _Books(year, member, accounts, journals, bool(settings and settings.accrual), association, dues)


_BOOKS_SQL = """
WITH d AS (
    SELECT d.id, d.member_id, d.fiscal_year_id, d.kind, d.amount, d.paid, d.due_date, d.waived_at,
        d.accrual_entry_id, y.start_date, y.end_date
    FROM finance_due d JOIN finance_fiscalyear y ON y.id = d.fiscal_year_id
    WHERE d.association_id = %(association)s AND {dues}
    FOR UPDATE OF d
)
SELECT
    (SELECT json_build_object('id', id, 'start_date', start_date, 'end_date', end_date, 'status', status)
        FROM finance_fiscalyear
        WHERE association_id = %(association)s AND start_date <= %(day)s AND end_date >= %(day)s
        ORDER BY start_date LIMIT 1),
    (SELECT json_agg(json_build_object('id', m.id, 'number', m.number, 'first_name_ar', m.first_name_ar,
            'last_name_ar', m.last_name_ar, 'first_name_latin', m.first_name_latin,
            'last_name_latin', m.last_name_latin, 'email', m.email, 'phone', m.phone, 'user_id', m.user_id,
            'anonymised_at', m.anonymised_at))
        FROM members_member m
        WHERE m.association_id = %(association)s
            -- a join, not `= ANY(ARRAY(…) || payer)`: that array is no index condition under RLS, and
            -- the association's whole member list was read for every payment (3.4 ms at 10,000 members)
            AND m.id IN (SELECT member_id FROM d UNION ALL SELECT %(payer)s::bigint)),
    (SELECT json_agg(json_build_object('id', id, 'code', code, 'name_ar', name_ar, 'name_fr', name_fr,
            'account_class', account_class, 'nature', nature, 'role', role, 'origin', origin) ORDER BY code)
        FROM (
            -- one index scan each (a chart has hundreds of accounts): the cash and bank accounts
            -- (every code of the pattern sorts between 514 and 517), the dues codes and role, the ids
            SELECT * FROM finance_account
            WHERE association_id = %(association)s AND account_class = 5 AND role IN (%(cash)s, %(bank)s)
            UNION SELECT * FROM finance_account
            WHERE association_id = %(association)s AND account_class = 5 AND code >= '514' AND code < '517'
                AND code ~ %(treasury_code)s
            UNION SELECT * FROM finance_account
            WHERE association_id = %(association)s AND (code = ANY(%(codes)s) OR role = %(dues_role)s)
            UNION SELECT * FROM finance_account
            WHERE association_id = %(association)s AND id = ANY(%(accounts)s::bigint[])
        ) a
        WHERE archived_at IS NULL),
    (SELECT json_agg(json_build_object('id', id, 'code', code, 'name_ar', name_ar, 'name_fr', name_fr,
            'kind', kind, 'account_id', account_id) ORDER BY code)
        FROM finance_journal WHERE association_id = %(association)s AND archived_at IS NULL),
    (SELECT accrual FROM finance_duessettings WHERE association_id = %(association)s ORDER BY id LIMIT 1),
    (SELECT json_build_object('name_ar', name_ar, 'name_fr', name_fr, 'acronym', acronym,
            'verified_at', verified_at)
        FROM associations_association WHERE id = %(association)s),
    (SELECT json_agg(json_build_object('id', id, 'member_id', member_id, 'fiscal_year_id', fiscal_year_id,
            'kind', kind, 'amount', amount::text, 'paid', paid::text, 'due_date', due_date,
            'waived_at', waived_at, 'accrual_entry_id', accrual_entry_id, 'start_date', start_date,
            'end_date', end_date) ORDER BY due_date, start_date, member_id, kind, id)
        FROM d)
"""
_OPEN_DUES = "d.member_id = ANY(%(members)s::bigint[]) AND d.waived_at IS NULL AND d.paid < d.amount"
_DUES_BY_ID = "d.id = ANY(%(due_ids)s::bigint[])"


def _instance(model, data: dict):
    """A model instance as the ORM would load it with only these fields (the others deferred: read
    on access, never silently wrong)."""
    return loaded_instance(model, data)


def _when(value):
    return datetime.fromisoformat(value) if value else None


def _books_postgresql(*, day, payer_id, account_ids, member_ids, due_ids) -> _Books:
    from members.models import Member

    association_id = current_association_id()
    if due_ids is not None:
        dues_filter = _DUES_BY_ID
    elif member_ids:
        dues_filter = _OPEN_DUES
    else:
        dues_filter = "false"
    params = {
        "association": association_id, "day": day, "payer": payer_id, "codes": list(_DUES_CODES),
        "dues_role": AccountRole.DUES, "cash": AccountRole.CASH, "bank": AccountRole.BANK,
        "treasury_code": _TREASURY_CODE.pattern, "accounts": list(account_ids), "members": list(member_ids),
        "due_ids": list(due_ids or ()),
    }  # fmt: skip
    with hot_cursor() as cursor:
        cursor.execute(_BOOKS_SQL.replace("{dues}", dues_filter), params)
        year_row, member_rows, account_rows, journal_rows, accrual, association_row, due_rows = (
            cursor.fetchone()
        )
    year = None
    if year_row:
        year_row |= {"association_id": association_id}
        year_row["start_date"] = Date.fromisoformat(year_row["start_date"])
        year_row["end_date"] = Date.fromisoformat(year_row["end_date"])
        year = _instance(FiscalYear, year_row)
    members = {}
    for row in member_rows or ():
        row |= {"association_id": association_id, "anonymised_at": _when(row["anonymised_at"])}
        members[row["id"]] = _instance(Member, row)
    accounts = [
        _instance(Account, row | {"association_id": association_id, "archived_at": None})
        for row in account_rows or ()
    ]
    journals = [
        _instance(Journal, row | {"association_id": association_id, "archived_at": None})
        for row in journal_rows or ()
    ]
    association = _instance(
        Association,
        association_row | {"id": association_id, "verified_at": _when(association_row["verified_at"])},
    )
    years = {year.pk: year} if year else {}
    dues = []
    for row in due_rows or ():
        start, end = Date.fromisoformat(row.pop("start_date")), Date.fromisoformat(row.pop("end_date"))
        row |= {
            "association_id": association_id, "amount": Decimal(row["amount"]), "paid": Decimal(row["paid"]),
            "due_date": Date.fromisoformat(row["due_date"]), "waived_at": _when(row["waived_at"]),
        }  # fmt: skip
        due = _instance(Due, row)
        due_year = years.get(due.fiscal_year_id)
        if due_year is None:
            due_year = years[due.fiscal_year_id] = _instance(
                FiscalYear,
                {
                    "id": due.fiscal_year_id,
                    "association_id": association_id,
                    "start_date": start,
                    "end_date": end,
                },
            )
        due.fiscal_year = due_year
        due.member = members[due.member_id]
        dues.append(due)
    if due_ids is not None:
        dues.sort(key=lambda due: due.pk)
    return _Books(year, members.get(payer_id), accounts, journals, bool(accrual), association, dues)


def _payer(payer_member_id, found, payer_name, payer_email, payer_phone):
    """The payer: `found`, the member read for `payer_member_id` (None when there is none)."""
    member = None
    if payer_member_id:
        member = found if found is not None and found.anonymised_at is None else None
        if member is None:
            raise WaslError(_("Choose the member who pays."), field="payer_member")
        payer_name = payer_name or member.display_name
        payer_email = payer_email or member.email
        payer_phone = payer_phone or member.phone
    payer_name = _clean_text(payer_name, limit=200, field="payer_name")
    if not payer_name:
        raise WaslError(_("Give the name of the person who pays."), field="payer_name")
    payer_email = (payer_email or "").strip().lower()
    if payer_email:
        try:
            validate_email(payer_email)
        except ValidationError:
            raise WaslError(_("Enter a valid e-mail address."), field="payer_email") from None
    payer_phone = _clean_text(payer_phone, limit=20, field="payer_phone")
    return member, payer_name, payer_email, payer_phone


def _wanted(allocations) -> dict[int, Decimal]:
    """The explicit allocations as {due id: amount} (a due named twice: its amounts added)."""
    wanted: dict[int, Decimal] = {}
    for due_id, part in allocations:
        if not str(due_id).isdigit():
            raise WaslError(_("Unknown due."), field="allocations")
        wanted[int(due_id)] = wanted.get(int(due_id), ZERO) + _positive(part, field="allocations")
    return wanted


def _allocate(
    *, amount: Decimal, dues: list[Due], wanted: dict[int, Decimal] | None
) -> tuple[list[tuple[Due, Decimal]], Decimal]:
    """Share the amount out over the dues read (and locked): the explicit allocations `wanted` as
    given, else the oldest open dues first (due date, then year). Returns ((due, amount)…, left)."""
    if wanted:
        by_id = {due.pk: due for due in dues}
        shared = []
        for due_id in sorted(wanted):
            due = by_id.get(due_id)
            if due is None:
                raise WaslError(_("Unknown due."), field="allocations")
            if due.is_waived:
                raise WaslError(
                    _("The %(due)s of this member was waived: it cannot be paid.") % {"due": due},
                    field="allocations",
                )
            if wanted[due_id] > due.balance:
                raise WaslError(
                    _("%(amount)s is more than is left to pay on the %(due)s (%(left)s).")
                    % {"amount": f"{wanted[due_id]:.2f}", "due": due, "left": f"{due.balance:.2f}"},
                    field="allocations",
                )
            shared.append((due, wanted[due_id]))
        total = sum((part for _due, part in shared), ZERO)
        if total > amount:
            raise WaslError(
                _("The allocations (%(total)s) add up to more than the payment (%(amount)s).")
                % {"total": f"{total:.2f}", "amount": f"{amount:.2f}"},
                field="allocations",
            )
        return shared, amount - total
    left = amount
    shared = []
    for due in dues:
        if left <= 0:
            break
        part = min(left, due.balance)
        shared.append((due, part))
        left -= part
    return shared, left


@atomic_keeping_savepoint  # (no RELEASE SAVEPOINT while the posting's locks are held)
def payment_record(
    *,
    actor,
    amount,
    method: str,
    date: Date,
    payer_member_id: int | None = None,
    payer_name: str = "",
    payer_email: str = "",
    payer_phone: str = "",
    member_ids: Sequence[int] = (),
    allocations: Sequence[tuple[int, object]] | None = None,
    purpose: str = "",
    credit_account_id: int | None = None,
    series: str | None = None,
    treasury_account_id: int | None = None,
    cheque_number: str = "",
    bank_name: str = "",
    reference: str = "",
    project_id: int | None = None,
    issue_receipt: bool = True,
    send_receipt: bool = True,
) -> Payment:
    """Record money received, post its balanced entry and number its receipt, in one transaction.

    Stable signature (the funds module calls it for donations and grant instalments):

    - `actor`: the user recording it (the receipt's issuer).
    - `amount`: above zero, two decimals at most (Decimal or its text, "150.50" or "150,50").
    - `method`: a `PaymentMethod` value (cash, cheque, transfer, card, wallet); a cheque needs
      `cheque_number` (and `bank_name`); `reference`: a transfer's or a wallet's reference.
    - `date`: the day the money was received (in an open fiscal year, not in the future).
    - The payer: `payer_member_id` (a member: name, e-mail and phone default to the member's), or
      `payer_name` for someone who is not a member (donor, funder), with `payer_email` /
      `payer_phone` to send the receipt to.
    - What it pays, one of:
      * dues (no `credit_account_id`): the open dues of `member_ids` (default: the payer member;
        a family payer lists the family's members), oldest first, or exactly `allocations`
        ((due_id, amount) pairs). What is left is kept as the payer member's credit
        (`credit_left`; a payer who is not a member cannot leave credit). Receipt series "dues".
      * a purpose: `credit_account_id` (the account credited, e.g. 7171 donations, 71611 State
        grants) and `purpose` (what for, printed on the receipt); optional `project_id` (a
        restricted grant). Receipt series `series` ("donations" or "other", default "other").
    - `treasury_account_id`: the cash box or bank account debited (default: the cash account for
      cash, else the bank account).
    - `issue_receipt=False`: no receipt (e.g. a grant instalment whose funder needs none);
      `send_receipt=False`: numbered and rendered but not sent to the payer.

    Returns the Payment (`payment.entry`: the posted entry; `payment.receipts.first()`: its
    receipt). Raises WaslError with a translated message naming the field; nothing is written then.
    """
    amount = _positive(amount)
    if method not in PaymentMethod.values:
        raise WaslError(_("Choose how the money was paid."), field="method")
    cheque_number = _clean_text(cheque_number, limit=30, field="cheque_number")
    bank_name = _clean_text(bank_name, limit=80, field="bank_name")
    reference = _clean_text(reference, limit=60, field="reference")
    if method == PaymentMethod.CHEQUE and not cheque_number:
        raise WaslError(_("Give the cheque's number."), field="cheque_number")
    if not isinstance(date, Date):
        raise WaslError(_("Give the date of the payment."), field="date")
    if date > timezone.localdate():
        raise WaslError(_("The date cannot be in the future."), field="date")

    # Everything read at once (one round trip on PostgreSQL), the dues paid locked with it; then
    # checked in the same order as ever, so the same input gets the same error.
    payer_id = _int_or_none(payer_member_id) if payer_member_id else None
    treasury_id = _int_or_none(treasury_account_id) if treasury_account_id else None
    credit_id = _int_or_none(credit_account_id) if credit_account_id else None
    wanted, wanted_error = None, None
    ids: list[int] = []
    if not credit_account_id:
        if allocations:
            try:
                wanted = _wanted(allocations)
            except WaslError as error:
                wanted, wanted_error = {}, error
        else:
            ids = [int(i) for i in member_ids if str(i).isdigit()] or ([payer_id] if payer_id else [])
    load = _books_postgresql if connection.vendor == "postgresql" else _books_orm
    books = load(
        day=date, payer_id=payer_id, account_ids=[i for i in (treasury_id, credit_id) if i],
        member_ids=ids, due_ids=sorted(wanted) if wanted is not None else None,
    )  # fmt: skip

    year = books.year  # an open fiscal year covers it (as `open_year_for`)
    if year is None:
        raise WaslError(
            _("No fiscal year covers %(date)s: open that year first.") % {"date": date.isoformat()},
            field="date",
        )
    if year.status == YearStatus.CLOSED:
        raise WaslError(
            _("The fiscal year %(year)s is closed: it accepts no entry.") % {"year": year}, field="date"
        )
    member, payer_name, payer_email, payer_phone = _payer(
        payer_member_id, books.member, payer_name, payer_email, payer_phone
    )
    purpose = _clean_text(purpose, limit=200, field="purpose")
    treasuries = books.treasury()
    if treasury_account_id:
        treasury = next((a for a in treasuries if a.pk == treasury_id), None)
        if treasury is None:
            raise WaslError(_("Choose the cash box or bank account the money went through."), field="account")
    else:
        treasury = books.default_treasury(method)
    project = None
    if project_id:
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise WaslError(_("Unknown project."), field="project")

    credits: dict[int, Decimal] = defaultdict(lambda: ZERO)  # account id → amount credited
    shared: list[tuple[Due, Decimal]] = []
    left = ZERO
    if credit_account_id:
        credit_account = next((a for a in books.accounts if a.pk == credit_id), None)
        if credit_account is None or not credit_account.postable:
            raise WaslError(_("Choose the account this money is entered in."), field="credit_account")
        if any(a.pk == credit_account.pk for a in treasuries):
            raise WaslError(_("Choose the account this money is entered in."), field="credit_account")
        if not purpose:
            raise WaslError(_("Say what the money is for."), field="purpose")
        series = series or ReceiptSeries.OTHER
        if series not in (ReceiptSeries.DONATIONS, ReceiptSeries.OTHER):
            raise WaslError(_("Unknown receipt series."), field="series")
        credits[credit_account.pk] += amount
    else:
        if not ids and not allocations:
            raise WaslError(_("Choose the member whose dues are paid."), field="member_ids")
        if wanted_error is not None:
            raise wanted_error
        shared, left = _allocate(amount=amount, dues=books.dues, wanted=wanted)
        if left > 0 and member is None:
            raise WaslError(
                _(
                    "%(amount)s is more than the dues owed, and only a member's payment can leave credit: "
                    "lower the amount, or record the rest as a donation."
                )
                % {"amount": f"{amount:.2f}"},
                field="amount",
            )
        receivable = books.by_codes(RECEIVABLE_CODES) if books.accrual else None
        accounts: dict[int, Account] = {}  # the accounts credited, by id
        for due, part in shared:
            if due.accrual_entry_id and receivable is not None:
                credited = receivable
            else:
                credited = books.dues_account(due.kind)
            accounts[credited.pk] = credited
            credits[credited.pk] += part
        if left > 0:
            advance = books.by_codes(ADVANCE_CODES) if books.accrual else None
            credited = advance or books.dues_account()
            accounts[credited.pk] = credited
            credits[credited.pk] += left
        credit_account = accounts[next(iter(credits))]
        series = ReceiptSeries.DUES
        if not purpose:
            years = sorted({str(due.fiscal_year) for due, _part in shared})
            purpose = _("Dues %(years)s") % {"years": ", ".join(years)} if years else _("Dues (credit)")

    label = f"{purpose} — {payer_name}"[:200]
    lines = [LineInput(treasury.pk, debit=amount, label=label[:200])]
    lines += [
        LineInput(account_id, credit=part, label=label[:200], project_id=project.pk if project else None)
        for account_id, part in credits.items()
    ]
    # Everything that needs no lock first; the serial part (the year's chain head and the entry's
    # number, the receipt's number, the audit chain's head: each one row per association, held
    # until commit) comes last, so concurrent payments of one association queue only for it.
    payment = Payment(
        date=date,
        amount=amount,
        method=method,
        cheque_number=cheque_number,
        bank_name=bank_name,
        reference=reference,
        payer_member=member,
        payer_name=payer_name,
        payer_email=payer_email,
        payer_phone=payer_phone,
        purpose=purpose,
        series=series,
        treasury_account=treasury,
        credit_account=credit_account,
        project=project,
        credit_left=left,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    # PostgreSQL: the payment's row and allocations go in the entry's insert statement.
    along = None
    if connection.vendor == "postgresql":
        along = InsertedAlong(*_payment_ctes(payment, shared), columns="(SELECT id FROM p)")
    with audit_batch():
        pending_entry = entry_write_to_post(
            actor=actor,
            journal=books.journal_for(treasury),
            year=year,
            date=date,
            label=label,
            lines=lines,
            reference=(cheque_number or reference)[:60],
            accounts={account.pk: account for account in books.accounts},
            projects={project.pk: project} if project else None,
            along=along,
        )
        entry = pending_entry.entry
        payment.entry = entry
        if along is not None:  # written with the entry
            payment.pk, payment._state.adding, payment._state.db = along.row[0], False, connection.alias
        else:
            _write_payment_orm(payment, shared)
        pending_receipt = None
        if issue_receipt:
            from finance.services.receipts import receipt_prepare

            pending_receipt = receipt_prepare(
                payment=payment, series=series, fiscal_year=year, allocations=shared,
                association=books.association,
            )  # fmt: skip
        # PostgreSQL: the receipt (and the audit head's lock) in the posting's locking statement
        along = pending_receipt.along_posting(actor=actor) if pending_receipt else None
        pending_entry.post(along=along)
        receipt = (
            pending_receipt.issue(actor=actor, send=send_receipt, along=along) if pending_receipt else None
        )
        audit_record(
            actor=actor,
            action="finance.payment.recorded",
            target=payment,
            changes={
                "amount": f"{amount:.2f}",
                "method": method,
                "receipt": receipt.label if receipt else "",
                "entry": str(entry),
            },
        )
    return payment


_PAYMENT_COLUMNS = (
    "association_id", "date", "amount", "method", "cheque_number", "bank_name", "reference",
    "payer_member_id", "payer_name", "payer_email", "payer_phone", "purpose", "series",
    "treasury_account_id", "credit_account_id", "project_id", "credit_left", "entry_id",
    "reversal_entry_id", "cancelled_at", "created_at", "created_by_id",
)  # fmt: skip
# The payment's row, in its entry's insert statement (the entry's id: `(SELECT id FROM e)`).
_WRITE_PAYMENT = f"""p AS (
    INSERT INTO finance_payment ({", ".join(_PAYMENT_COLUMNS)})
    VALUES ({", ".join("(SELECT id FROM e)" if c == "entry_id" else f"%({c})s" for c in _PAYMENT_COLUMNS)})
    RETURNING id
)"""  # noqa: S608 (no input in the text)
_WRITE_ALLOCATIONS = """, s AS (
    SELECT * FROM unnest(%(due_ids)s::bigint[], %(parts)s::numeric[]) AS s (due_id, amount)
), a AS (
    INSERT INTO finance_allocation (association_id, payment_id, due_id, amount)
    SELECT %(association_id)s, p.id, s.due_id, s.amount FROM p, s
), u AS (
    UPDATE finance_due SET paid = finance_due.paid + s.amount FROM s
    WHERE finance_due.association_id = %(association_id)s AND finance_due.id = s.due_id
)"""
_WITHDRAW_REMINDERS = """, m AS (
    UPDATE notifications_message SET status = %(suppressed)s, last_error = %(reason)s
    WHERE association_id = %(association_id)s AND status = %(queued)s AND dedup_key LIKE ANY(%(patterns)s)
)"""


def _payment_ctes(payment: Payment, shared: list[tuple[Due, Decimal]]):
    """PostgreSQL: the CTEs inserting the payment (`p`), its allocations, adding them to the dues paid
    and withdrawing the reminders of the dues it settles, with their parameters; run in the entry's
    insert statement (`InsertedAlong`)."""
    from notifications.models import Message

    settled = [due.pk for due, part in shared if part >= due.balance]
    payment.association_id = current_association_id()
    payment.created_at = timezone.now()
    params = {column: getattr(payment, column) for column in _PAYMENT_COLUMNS if column != "entry_id"}
    sql = _WRITE_PAYMENT
    if shared:
        sql += _WRITE_ALLOCATIONS
        params |= {"due_ids": [due.pk for due, _part in shared], "parts": [part for _due, part in shared]}
    if settled:
        sql += _WITHDRAW_REMINDERS
        params |= {
            "suppressed": Message.Status.SUPPRESSED, "queued": Message.Status.QUEUED,
            "reason": gettext("The due was paid before the reminder was sent."),
            "patterns": [f"{reminder_key_prefix(pk)}%" for pk in settled],
        }  # fmt: skip
    return sql, params


def _write_payment_orm(payment: Payment, shared: list[tuple[Due, Decimal]]) -> None:
    """SQLite: insert the payment, its allocations, add them to the dues paid and withdraw the
    reminders of the dues it settles (PostgreSQL does it in the entry's statement: `_payment_ctes`)."""
    payment.save(force_insert=True)
    if shared:
        Allocation.objects.bulk_create(
            [Allocation(payment=payment, due=due, amount=part) for due, part in shared]
        )
        for due, part in shared:
            Due.objects.filter(pk=due.pk).update(paid=F("paid") + part)
        withdraw_reminders([due.pk for due, part in shared if part >= due.balance])


class _Preview(Exception):
    def __init__(self, plan: dict) -> None:
        self.plan = plan


def payment_preview(**kwargs) -> dict:
    """What `payment_record(**kwargs)` would do, without doing it: the same service runs and its
    transaction is rolled back (so the preview cannot differ from the real thing). Returns the
    allocations ((due, amount)…), the credit left and the entry's lines ((account, debit, credit)…)."""
    kwargs = {**kwargs, "issue_receipt": False, "send_receipt": False}
    try:
        with transaction.atomic():
            payment = payment_record(**kwargs)
            plan = {
                "amount": payment.amount,
                "payer": payment.payer_name,
                "purpose": payment.purpose,
                "credit_left": payment.credit_left,
                "allocations": [
                    (allocation.due, allocation.amount)
                    for allocation in payment.allocations.select_related(
                        "due__member", "due__fiscal_year"
                    ).order_by("due__due_date", "pk")
                ],
                "lines": [
                    (str(line.account), line.debit, line.credit)
                    for line in payment.entry.lines.select_related("account").order_by("position")
                ],
            }
            raise _Preview(plan)
    except _Preview as preview:
        return preview.plan
