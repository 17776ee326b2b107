"""The chart of accounts: officers add sub-accounts (a 5141 split per real bank account) or a rare
reference account, rename in Arabic and French, archive and restore. An account with lines is never
deleted (the lines protect it, in the service and by the foreign key)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.text import refuse_bidi_formatting
from finance.models import Account, EntryLine, Journal, JournalKind
from finance.seeding import reference_row

CODE = re.compile(r"^[0-9]{1,12}$")


def _names(name_ar: str, name_fr: str) -> tuple[str, str]:
    name_ar, name_fr = (name_ar or "").strip(), (name_fr or "").strip()
    if not name_ar:
        raise WaslError(_("The name in Arabic is required."), field="name_ar")
    if not name_fr:
        raise WaslError(_("The name in French is required."), field="name_fr")
    if len(name_ar) > 200 or len(name_fr) > 200:
        raise WaslError(_("A name has at most 200 characters."), field="name_fr")
    refuse_bidi_formatting(name_ar, field="name_ar")
    refuse_bidi_formatting(name_fr, field="name_fr")
    return name_ar, name_fr


@transaction.atomic
def account_add(
    *, actor, parent_id: int, code: str, name_ar: str, name_fr: str, bank_journal: bool = False
) -> Account:
    """A sub-account under `parent` (its code starts with the parent's code and is longer). For a
    bank or cash sub-account, `bank_journal` also opens its own journal."""
    parent = Account.objects.filter(pk=parent_id).first()
    if parent is None:
        raise NotFound()
    code = (code or "").strip()
    if not CODE.match(code) or not code.startswith(parent.code) or len(code) <= len(parent.code):
        raise WaslError(
            _("The code of a sub-account starts with %(code)s and has more digits.") % {"code": parent.code},
            field="code",
        )
    if Account.objects.filter(code=code).exists():
        raise WaslError(_("The chart already has an account %(code)s.") % {"code": code}, field="code")
    name_ar, name_fr = _names(name_ar, name_fr)
    account = Account.objects.create(
        code=code,
        name_ar=name_ar,
        name_fr=name_fr,
        account_class=parent.account_class,
        nature=parent.nature,
        role=parent.role if parent.role in ("bank", "cash") else "",
        origin="own",
    )
    if bank_journal and parent.role in ("bank", "cash"):
        journal_code = f"{'BQ' if parent.role == 'bank' else 'CA'}{code[-3:]}"
        if not Journal.objects.filter(code=journal_code).exists():
            Journal.objects.create(
                code=journal_code,
                name_ar=name_ar[:120],
                name_fr=name_fr[:120],
                kind=JournalKind.BANK if parent.role == "bank" else JournalKind.CASH,
                account=account,
            )
    audit_record(
        actor=actor,
        action="finance.account.added",
        target=account,
        changes={"code": code, "name_fr": name_fr},
    )
    return account


@transaction.atomic
def account_add_reference(*, actor, code: str) -> Account:
    """Add an account of the reference chart that was not seeded (a "rare" row)."""
    row = reference_row((code or "").strip())
    if row is None:
        raise WaslError(_("The reference chart has no account %(code)s.") % {"code": code}, field="code")
    if Account.objects.filter(code=row["code"]).exists():
        raise WaslError(_("The chart already has an account %(code)s.") % {"code": row["code"]}, field="code")
    account = Account.objects.create(
        code=row["code"],
        name_ar=row["name_ar"],
        name_fr=row["name_fr"],
        account_class=int(row["class"]),
        nature=row["type"],
        origin=row["use"],
    )
    audit_record(actor=actor, action="finance.account.added", target=account, changes={"code": account.code})
    return account


@transaction.atomic
def account_rename(*, actor, account_id: int, name_ar: str, name_fr: str) -> Account:
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise NotFound()
    name_ar, name_fr = _names(name_ar, name_fr)
    changes = {}
    for field, value in (("name_ar", name_ar), ("name_fr", name_fr)):
        if getattr(account, field) != value:
            changes[field] = {"from": getattr(account, field), "to": value}
            setattr(account, field, value)
    if changes:
        account.save(update_fields=["name_ar", "name_fr"])
        audit_record(actor=actor, action="finance.account.renamed", target=account, changes=changes)
    return account


@transaction.atomic
def account_archive(*, actor, account_id: int, archived: bool = True) -> Account:
    """Archive (no new lines; history kept) or restore an account. Accounts the platform relies on
    (cash, bank, result, opening and closing) keep at least one active holder of their role."""
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise NotFound()
    if archived and account.archived_at is None:
        if (
            account.role
            and not Account.objects.filter(role=account.role, archived_at=None)
            .exclude(pk=account.pk)
            .exists()
        ):
            raise WaslError(
                _("The books need this account (%(role)s): it cannot be archived.")
                % {"role": account.get_role_display()}
            )
        if Journal.objects.filter(account=account, archived_at=None).exists():
            raise WaslError(_("A journal moves this account: archive the journal first."))
        account.archived_at = timezone.now()
    elif not archived and account.archived_at is not None:
        account.archived_at = None
    else:
        return account
    account.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="finance.account.archived" if archived else "finance.account.restored",
        target=account,
        changes={"code": account.code},
    )
    return account


@transaction.atomic
def account_delete(*, actor, account_id: int) -> None:
    """Delete an account added by mistake: only one the association added, with no line ever."""
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise NotFound()
    if EntryLine.objects.filter(account=account).exists():
        raise WaslError(_("This account has entry lines: it can be archived, never deleted."))
    if account.origin != "own" or Journal.objects.filter(account=account).exists():
        raise WaslError(_("Only an account added by the association and never used can be deleted."))
    audit_record(
        actor=actor, action="finance.account.deleted", target=account, changes={"code": account.code}
    )
    account.delete()
