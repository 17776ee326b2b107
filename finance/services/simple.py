"""Simple mode: "money in", "money out" and "transfer" in a volunteer's words.

A category (dues, donation, State grant, rent, bank fees…) names an account of the chart, as data
(finance/data/simple_categories.json); the volunteer chooses the cash box or bank account the money
went through. Each form posts one balanced entry through the books' posting service, in the
journal of that cash or bank account: nothing here writes a ledger row by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date as Date
from functools import cache
from pathlib import Path

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from associations.errors import WaslError
from finance.models import Account, AccountRole, Entry, FiscalYear, Journal, JournalKind, Project
from finance.services.entries import LineInput, entry_create, open_year_for, parse_amount

CATEGORIES_JSON = Path(__file__).resolve().parent.parent / "data" / "simple_categories.json"
IN, OUT = "in", "out"


@dataclass(frozen=True)
class Category:
    key: str
    direction: str  # "in" (income) or "out" (expense)
    account_code: str
    role: str
    names: dict

    @property
    def label(self) -> str:
        language = (get_language() or "ar")[:2]
        return self.names.get(language) or self.names["fr"]


@cache
def all_categories() -> tuple[Category, ...]:
    data = json.loads(CATEGORIES_JSON.read_text(encoding="utf-8"))
    return tuple(
        Category(
            key=row["key"],
            direction=row["direction"],
            account_code=row["account"],
            role=row.get("role", ""),
            names={lang: row[lang] for lang in ("ar", "fr", "en")},
        )
        for row in data["categories"]
    )


def categories(direction: str) -> list[Category]:
    return [category for category in all_categories() if category.direction == direction]


def category_by_key(key: str) -> Category | None:
    return next((category for category in all_categories() if category.key == key), None)


def category_account(category: Category) -> Account:
    """The category's account in this association's chart: by code, else by role."""
    account = Account.objects.filter(code=category.account_code, archived_at=None).first()
    if account is None and category.role:
        account = Account.objects.filter(role=category.role, archived_at=None).order_by("code").first()
    if account is None or not account.postable:
        raise WaslError(
            _("The chart has no active account for “%(category)s” (%(code)s): restore it in the chart first.")
            % {"category": category.label, "code": category.account_code},
            field="category",
        )
    return account


def treasury_accounts() -> QuerySet[Account]:
    """The cash boxes and bank accounts money goes through (class 5, cash or bank role, or 514/516)."""
    return (
        Account.objects.filter(account_class=5, archived_at=None)
        .filter(Q(role__in=(AccountRole.CASH, AccountRole.BANK)) | Q(code__regex=r"^51[46][0-9]+$"))
        .order_by("code")
    )


def _treasury_account(account_id) -> Account:
    account = treasury_accounts().filter(pk=account_id).first() if str(account_id or "").isdigit() else None
    if account is None:
        raise WaslError(_("Choose the cash box or bank account the money went through."), field="account")
    return account


def journal_for(account: Account) -> Journal:
    """The journal of a cash or bank account: its own, else the cash or bank journal, else operations."""
    active = Journal.objects.filter(archived_at=None).order_by("code")
    journal = active.filter(account=account).first()
    if journal is None:
        if account.role == AccountRole.CASH or account.code.startswith("516"):
            kind = JournalKind.CASH
        else:
            kind = JournalKind.BANK if account.code.startswith("514") else JournalKind.OPERATIONS
        journal = active.filter(kind=kind).first()
    if journal is None:
        journal = active.filter(kind=JournalKind.OPERATIONS).first()
    if journal is None:
        raise WaslError(_("The books have no active journal for this account."), field="account")
    return journal


def _positive_amount(value) -> object:
    amount = parse_amount(value, field="amount")
    if amount <= 0:
        raise WaslError(_("Give an amount above zero."), field="amount")
    return amount


def _checked_date(value) -> Date:
    if not isinstance(value, Date):
        raise WaslError(_("Give the date of the payment."), field="date")
    return value


@dataclass(frozen=True)
class MoneyPlan:
    """What a simple-mode form will post, checked and not yet written: shown on the confirmation."""

    date: Date
    amount: object
    label: str
    reference: str
    journal: Journal
    year: FiscalYear
    lines: list[LineInput]
    debit_account: Account
    credit_account: Account
    category: Category | None = None


def money_plan(
    *,
    direction: str,
    category_key: str,
    amount,
    date: Date,
    account_id,
    label: str = "",
    reference: str = "",
    project_id: int | None = None,
) -> MoneyPlan:
    """Check a money in or out (amount above zero, a date in an open year, a known category whose
    account is active, one of the cash or bank accounts) without writing anything."""
    if direction not in (IN, OUT):
        raise WaslError(_("Choose money in or money out."), field="direction")
    category = category_by_key(category_key or "")
    if category is None or category.direction != direction:
        raise WaslError(_("Choose what the money is for."), field="category")
    amount = _positive_amount(amount)
    year = open_year_for(_checked_date(date))
    treasury = _treasury_account(account_id)
    counterpart = category_account(category)
    label = ((label or "").strip() or category.label)[:200]
    project = project_id or None
    if project and not Project.objects.filter(pk=project, archived_at=None).exists():
        raise WaslError(_("Choose a project of the association."), field="project")
    if direction == IN:
        debit_account, credit_account = treasury, counterpart
        lines = [
            LineInput(treasury.pk, debit=amount, label=label),
            LineInput(counterpart.pk, credit=amount, label=label, project_id=project),
        ]
    else:
        debit_account, credit_account = counterpart, treasury
        lines = [
            LineInput(counterpart.pk, debit=amount, label=label, project_id=project),
            LineInput(treasury.pk, credit=amount, label=label),
        ]
    return MoneyPlan(
        date=date, amount=amount, label=label, reference=(reference or "").strip()[:60],
        journal=journal_for(treasury), year=year, lines=lines,
        debit_account=debit_account, credit_account=credit_account, category=category,
    )  # fmt: skip


def transfer_plan(
    *, from_account_id, to_account_id, amount, date: Date, label: str = "", reference: str = ""
) -> MoneyPlan:
    amount = _positive_amount(amount)
    year = open_year_for(_checked_date(date))
    source = _treasury_account(from_account_id)
    try:
        target = _treasury_account(to_account_id)
    except WaslError:
        raise WaslError(_("Choose where the money went."), field="to_account") from None
    if source.pk == target.pk:
        raise WaslError(_("Choose two different accounts."), field="to_account")
    label = ((label or "").strip() or _("Transfer from %(source)s to %(target)s") % {
        "source": source.name, "target": target.name,
    })[:200]  # fmt: skip
    return MoneyPlan(
        date=date, amount=amount, label=label, reference=(reference or "").strip()[:60],
        journal=journal_for(source), year=year,
        lines=[LineInput(target.pk, debit=amount, label=label),
               LineInput(source.pk, credit=amount, label=label)],
        debit_account=target, credit_account=source,
    )  # fmt: skip


def _post(actor, plan: MoneyPlan) -> Entry:
    return entry_create(
        actor=actor,
        journal_id=plan.journal.pk,
        date=plan.date,
        label=plan.label,
        reference=plan.reference,
        lines=plan.lines,
        post=True,
    )


@transaction.atomic
def money_record(*, actor, **fields) -> Entry:
    """Money in (debit the cash or bank account, credit the category's income account) or money out
    (debit the expense account, credit cash or bank), posted at once (numbered, chained, audited)."""
    return _post(actor, money_plan(**fields))


@transaction.atomic
def transfer_record(*, actor, **fields) -> Entry:
    """Money moved between two of the association's cash boxes or bank accounts (cash deposited at
    the bank, a withdrawal): debit the receiving account, credit the giving one, posted at once."""
    return _post(actor, transfer_plan(**fields))
