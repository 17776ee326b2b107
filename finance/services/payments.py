"""Payments: money received, its balanced entry posted and its receipt numbered in one transaction.

`payment_record` is the one way money comes in with a receipt: dues (a member, or a family payer
for several members: allocated to the oldest dues first, a partial payment leaves the rest owed,
an overpayment is kept as the payer's credit), and any other purpose with its own credit account
(donations and grant instalments, recorded by the funds module through this same service).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_batch, audit_record
from associations.errors import WaslError
from finance.models import (
    Account,
    AccountRole,
    Allocation,
    Due,
    DueKind,
    DuesSettings,
    Payment,
    PaymentMethod,
    Project,
    ReceiptSeries,
)
from finance.services.entries import LineInput, entry_write_to_post, open_year_for, parse_amount
from finance.services.simple import journal_for, treasury_accounts

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


def _payer(payer_member_id, payer_name, payer_email, payer_phone):
    from members.models import Member

    member = None
    if payer_member_id:
        member = Member.objects.filter(pk=payer_member_id, anonymised_at=None).first()
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


def _allocate(
    *, amount: Decimal, member_ids: Sequence[int], allocations: Sequence[tuple[int, object]] | None
) -> tuple[list[tuple[Due, Decimal]], Decimal]:
    """Lock the dues paid and share the amount out: the explicit allocations as given, else the
    oldest open dues of the members first (due date, then year). Returns ((due, amount)…, left)."""
    if allocations:
        wanted: dict[int, Decimal] = {}
        for due_id, part in allocations:
            if not str(due_id).isdigit():
                raise WaslError(_("Unknown due."), field="allocations")
            wanted[int(due_id)] = wanted.get(int(due_id), ZERO) + _positive(part, field="allocations")
        # of=("self",): lock the dues only; the joined year row is the ledger's chain head, locked
        # by the posting for its few last statements (a lock here would hold it the whole payment).
        locked = Due.objects.select_for_update(of=("self",)).select_related("fiscal_year")
        dues = locked.in_bulk(sorted(wanted))
        shared = []
        for due_id in sorted(wanted):
            due = dues.get(due_id)
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
    open_dues = list(
        Due.objects.select_for_update(of=("self",))  # the dues only, not the joined year (above)
        .select_related("fiscal_year")
        .filter(member_id__in=member_ids, waived_at=None, paid__lt=F("amount"))
        .order_by("due_date", "fiscal_year__start_date", "member_id", "kind", "pk")
    )
    left = amount
    shared = []
    for due in open_dues:
        if left <= 0:
            break
        part = min(left, due.balance)
        shared.append((due, part))
        left -= part
    return shared, left


@transaction.atomic
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
    year = open_year_for(date)  # an open fiscal year covers it (else a clear error, before any lock)
    member, payer_name, payer_email, payer_phone = _payer(
        payer_member_id, payer_name, payer_email, payer_phone
    )
    purpose = _clean_text(purpose, limit=200, field="purpose")
    if treasury_account_id:
        treasury = treasury_accounts().filter(pk=treasury_account_id).first()
        if treasury is None:
            raise WaslError(_("Choose the cash box or bank account the money went through."), field="account")
    else:
        treasury = default_treasury_account(method)
    project = None
    if project_id:
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise WaslError(_("Unknown project."), field="project")

    credits: dict[int, Decimal] = defaultdict(lambda: ZERO)  # account id → amount credited
    shared: list[tuple[Due, Decimal]] = []
    left = ZERO
    if credit_account_id:
        credit_account = Account.objects.filter(pk=credit_account_id, archived_at=None).first()
        if credit_account is None or not credit_account.postable:
            raise WaslError(_("Choose the account this money is entered in."), field="credit_account")
        if treasury_accounts().filter(pk=credit_account.pk).exists():
            raise WaslError(_("Choose the account this money is entered in."), field="credit_account")
        if not purpose:
            raise WaslError(_("Say what the money is for."), field="purpose")
        series = series or ReceiptSeries.OTHER
        if series not in (ReceiptSeries.DONATIONS, ReceiptSeries.OTHER):
            raise WaslError(_("Unknown receipt series."), field="series")
        credits[credit_account.pk] += amount
    else:
        ids = [int(i) for i in member_ids if str(i).isdigit()] or ([member.pk] if member else [])
        if not ids and not allocations:
            raise WaslError(_("Choose the member whose dues are paid."), field="member_ids")
        shared, left = _allocate(amount=amount, member_ids=ids, allocations=allocations)
        if left > 0 and member is None:
            raise WaslError(
                _(
                    "%(amount)s is more than the dues owed, and only a member's payment can leave credit: "
                    "lower the amount, or record the rest as a donation."
                )
                % {"amount": f"{amount:.2f}"},
                field="amount",
            )
        accrual = dues_settings().accrual
        receivable = _account_by_codes(RECEIVABLE_CODES) if accrual else None
        accounts: dict[int, Account] = {}  # the accounts credited, by id
        for due, part in shared:
            if due.accrual_entry_id and receivable is not None:
                credited = receivable
            else:
                credited = dues_account(due.kind)
            accounts[credited.pk] = credited
            credits[credited.pk] += part
        if left > 0:
            advance = _account_by_codes(ADVANCE_CODES) if accrual else None
            credited = advance or dues_account()
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
    with audit_batch():
        pending_entry = entry_write_to_post(
            actor=actor,
            journal=journal_for(treasury),
            year=year,
            date=date,
            label=label,
            lines=lines,
            reference=(cheque_number or reference)[:60],
        )
        entry = pending_entry.entry
        payment = Payment.objects.create(
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
            entry=entry,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if shared:
            Allocation.objects.bulk_create(
                [Allocation(payment=payment, due=due, amount=part) for due, part in shared]
            )
            for due, part in shared:
                Due.objects.filter(pk=due.pk).update(paid=F("paid") + part)
            from finance.reminders import withdraw_reminders

            withdraw_reminders(due.pk for due, part in shared if part >= due.balance)
        pending_receipt = None
        if issue_receipt:
            from finance.services.receipts import receipt_prepare

            pending_receipt = receipt_prepare(
                payment=payment, series=series, fiscal_year=year, allocations=shared
            )
        pending_entry.post()
        receipt = pending_receipt.issue(actor=actor, send=send_receipt) if pending_receipt else None
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
