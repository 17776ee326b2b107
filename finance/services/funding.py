"""Funding: funders and grant agreements, instalments received, donors and donations, the
declarations of foreign money to the SGG, and the association's funding settings.

Every receipt of money posts its balanced entry through the books' posting service in the same
transaction (numbered, chained, audited): a grant instalment credits the grant account of its
funder's type, a cash donation credits 7171. Gifts in kind and volunteering are valued and posted in
class 0 (0711 / 0714 against 0719): they never touch the result. Foreign money (a foreign funder, a
donor giving from abroad) opens its declaration, due `foreign_declaration_days` after receipt.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from finance.models import (
    Account,
    DeclarationStatus,
    Donation,
    DonationNature,
    Donor,
    DonorKind,
    ForeignDeclaration,
    Funder,
    FunderType,
    FundingSettings,
    Grant,
    GrantInstalment,
    Journal,
    JournalKind,
    Project,
    ReceiptSeries,
)
from finance.models.funding import DEFAULT_DECLARATION_DAYS, FUNDER_ACCOUNT_CODES
from finance.services.entries import LineInput, entry_create, open_year_for, parse_amount

IN_KIND_ACCOUNT, VOLUNTEERING_ACCOUNT, CONTRIBUTIONS_COUNTERPART = "0711", "0714", "0719"
DONATIONS_ACCOUNT = "7171"
CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,7}$")
ICE_PATTERN = re.compile(r"^[0-9]{15}$")
MAX_DECLARATION_DAYS = 365


# --- Small checks --------------------------------------------------------------------------------


def _text(value, *, field: str, label_required: str | None = None, max_length: int = 200) -> str:
    text = (value or "").strip()
    if label_required and not text:
        raise WaslError(label_required, field=field)
    if len(text) > max_length:
        raise WaslError(
            _("This text is too long (at most %(count)d characters).") % {"count": max_length}, field=field
        )
    return text


def _positive(value, *, field: str = "amount") -> Decimal:
    amount = parse_amount(value, field=field)
    if amount <= 0:
        raise WaslError(_("Give an amount above zero."), field=field)
    return amount


def _date(value, *, field: str, message: str) -> Date:
    if not isinstance(value, Date):
        raise WaslError(message, field=field)
    return value


def _project(project_id) -> Project | None:
    if not project_id:
        return None
    project = Project.objects.filter(
        pk=project_id if str(project_id).isdigit() else 0, archived_at=None
    ).first()
    if project is None:
        raise WaslError(_("Choose a project of the association."), field="project")
    return project


def _account(code: str) -> Account:
    account = Account.objects.filter(code=code, archived_at=None).first()
    if account is None:
        raise WaslError(
            _("The chart has no active account %(code)s: restore it in the chart first.") % {"code": code},
            field="account",
        )
    return account


def _operations_journal() -> Journal:
    journal = Journal.objects.filter(archived_at=None, kind=JournalKind.OPERATIONS).order_by("code").first()
    if journal is None:
        raise WaslError(_("The books have no active operations journal."))
    return journal


def declaration_days() -> int:
    row = FundingSettings.objects.first()
    return row.foreign_declaration_days if row else DEFAULT_DECLARATION_DAYS


def _receive(
    *,
    actor,
    account_id,
    income: Account,
    amount: Decimal,
    day: Date,
    purpose: str,
    project: Project | None,
    payer_name: str,
    series: str,
    method: str = "transfer",
    cheque_number: str = "",
    bank_name: str = "",
    reference: str = "",
    payer_email: str = "",
    payer_phone: str = "",
    send_receipt: bool = True,
):
    """Money received through dues' `payment_record`: the entry (debit the cash or bank account,
    credit `income`) posted and the receipt numbered in this same transaction. Returns the Payment."""
    from finance.services.payments import payment_record

    return payment_record(
        actor=actor,
        amount=amount,
        method=method,
        date=day,
        payer_name=payer_name,
        payer_email=payer_email,
        payer_phone=payer_phone,
        purpose=purpose[:200],
        credit_account_id=income.pk,
        series=series,
        treasury_account_id=account_id or None,
        cheque_number=cheque_number,
        bank_name=bank_name,
        reference=reference,
        project_id=project.pk if project else None,
        send_receipt=send_receipt,
    )


def _declaration_open(
    *, amount: Decimal, origin: str, purpose: str, received_on: Date, **source
) -> ForeignDeclaration:
    return ForeignDeclaration.objects.create(
        amount=amount,
        origin=origin[:300],
        purpose=(purpose or "-")[:300],
        received_on=received_on,
        due_on=received_on + timedelta(days=declaration_days()),
        **source,
    )


# --- Settings ------------------------------------------------------------------------------------


@transaction.atomic
def funding_settings_save(*, actor, foreign_declaration_days) -> FundingSettings:
    try:
        days = int(str(foreign_declaration_days).strip())
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DECLARATION_DAYS:
        raise WaslError(
            _("Give a number of days between 1 and %(max)d.") % {"max": MAX_DECLARATION_DAYS},
            field="foreign_declaration_days",
        )
    row, _created = FundingSettings.objects.select_for_update().get_or_create()
    if row.foreign_declaration_days != days:
        before = row.foreign_declaration_days
        row.foreign_declaration_days = days
        row.save(update_fields=["foreign_declaration_days"])
        audit_record(
            actor=actor,
            action="finance.funding.settings_changed",
            target=row,
            changes={"days": {"from": before, "to": days}},
        )
    return row


# --- Funders and grants --------------------------------------------------------------------------


def _email(value) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = _text(value, field="email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise WaslError(_("Enter a valid e-mail address."), field="email") from None
    return email


@transaction.atomic
def funder_create(
    *, actor, name: str, funder_type: str, country: str = "", notes: str = "", email: str = ""
) -> Funder:
    """A funder; with a contact e-mail, the receipts of its instalments are sent there."""
    name = _text(name, field="name", label_required=_("Give the funder's name."))
    if funder_type not in FunderType.values:
        raise WaslError(_("Choose the type of funder."), field="funder_type")
    email = _email(email)
    if Funder.objects.filter(name__iexact=name).exists():
        raise WaslError(_("A funder with this name already exists."), field="name")
    try:
        with transaction.atomic():
            funder = Funder.objects.create(
                name=name,
                funder_type=funder_type,
                country=_text(country, field="country", max_length=100),
                notes=_text(notes, field="notes", max_length=2000),
                email=email,
            )
    except IntegrityError:
        raise WaslError(_("A funder with this name already exists."), field="name") from None
    audit_record(actor=actor, action="finance.funder.created", target=funder, changes={"name": name})
    return funder


@transaction.atomic
def funder_update(
    *, actor, funder_id, name: str, funder_type: str, country: str = "", notes: str = "", email: str = ""
) -> Funder:
    """Change a funder. Its type may change only while no money received from it was posted to
    another grant account than the new type's (the entries keep the account they were posted to)."""
    funder = (
        Funder.objects.select_for_update()
        .filter(pk=funder_id if str(funder_id or "").isdigit() else 0)
        .first()
    )
    if funder is None:
        raise NotFound()
    name = _text(name, field="name", label_required=_("Give the funder's name."))
    if funder_type not in FunderType.values:
        raise WaslError(_("Choose the type of funder."), field="funder_type")
    if (
        FUNDER_ACCOUNT_CODES[funder_type] != FUNDER_ACCOUNT_CODES[funder.funder_type]
        and GrantInstalment.objects.filter(grant__funder=funder, payment__cancelled_at=None).exists()
    ):
        raise WaslError(
            _(
                "Money from this funder was already entered in account %(code)s: its type can only "
                "change to one entered in the same account."
            )
            % {"code": FUNDER_ACCOUNT_CODES[funder.funder_type]},
            field="funder_type",
        )
    email = _email(email)
    if Funder.objects.filter(name__iexact=name).exclude(pk=funder.pk).exists():
        raise WaslError(_("A funder with this name already exists."), field="name")
    after = {
        "name": name,
        "funder_type": funder_type,
        "country": _text(country, field="country", max_length=100),
        "notes": _text(notes, field="notes", max_length=2000),
        "email": email,
    }
    changed = [key for key, value in after.items() if getattr(funder, key) != value]
    if not changed:
        return funder
    before_name = funder.name
    for key, value in after.items():
        setattr(funder, key, value)
    try:
        with transaction.atomic():
            funder.save(update_fields=list(after))
    except IntegrityError:
        raise WaslError(_("A funder with this name already exists."), field="name") from None
    audit_record(
        actor=actor,
        action="finance.funder.changed",
        target=funder,
        changes={"funder": before_name, "fields": changed},
    )
    return funder


@transaction.atomic
def grant_create(
    *,
    actor,
    funder_id,
    name: str,
    amount_granted,
    signed_on: Date | None = None,
    reference: str = "",
    project_id=None,
    purpose: str = "",
) -> Grant:
    name = _text(name, field="name", label_required=_("Give the grant a name."))
    funder = Funder.objects.filter(pk=funder_id if str(funder_id or "").isdigit() else 0).first()
    if funder is None:
        raise WaslError(_("Choose a funder of the association."), field="funder")
    amount = _positive(amount_granted, field="amount_granted")
    if signed_on is not None and not isinstance(signed_on, Date):
        raise WaslError(_("Give the date the agreement was signed."), field="signed_on")
    grant = Grant.objects.create(
        name=name,
        funder=funder,
        amount_granted=amount,
        signed_on=signed_on,
        reference=_text(reference, field="reference", max_length=80),
        project=_project(project_id),
        purpose=_text(purpose, field="purpose", max_length=2000),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="finance.grant.created",
        target=grant,
        changes={"name": name, "funder": funder.name, "amount": str(amount)},
    )
    return grant


_UNSET = object()


def _grant_received(grant: Grant) -> tuple[Decimal, Date | None, int]:
    """What the grant's instalments still standing brought (a cancelled receipt's instalment was
    reversed in the books, so it no longer counts): total, first day, count."""
    from django.db.models import Count, Min, Sum

    found = GrantInstalment.objects.filter(grant=grant, payment__cancelled_at=None).aggregate(
        total=Sum("amount"), first=Min("received_on"), count=Count("id")
    )
    return found["total"] or Decimal("0.00"), found["first"], found["count"]


@transaction.atomic
def grant_update(
    *,
    actor,
    grant_id,
    name=_UNSET,
    funder_id=_UNSET,
    amount_granted=_UNSET,
    signed_on=_UNSET,
    reference=_UNSET,
    project_id=_UNSET,
    purpose=_UNSET,
) -> Grant:
    """Change a grant agreement (only the arguments given). Refused, changing nothing, when the
    change would contradict the instalments already posted: an amount below what was received,
    a signing date after the first instalment, another funder (the receipts name it and the
    entries credit its grant account) or another project (the entries carry it) once money came
    in. Unknown grant: NotFound."""
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("funder", "project")
        .filter(pk=grant_id if str(grant_id or "").isdigit() else 0)
        .first()
    )
    if grant is None:
        raise NotFound()
    received, first_day, count = _grant_received(grant)
    before = {
        "name": grant.name,
        "funder": grant.funder.name,
        "amount_granted": grant.amount_granted,
        "signed_on": grant.signed_on,
        "reference": grant.reference,
        "project": grant.project.code if grant.project else "",
        "purpose": grant.purpose,
    }
    if name is not _UNSET:
        grant.name = _text(name, field="name", label_required=_("Give the grant a name."))
    if funder_id is not _UNSET:
        funder = Funder.objects.filter(pk=funder_id if str(funder_id or "").isdigit() else 0).first()
        if funder is None:
            raise WaslError(_("Choose a funder of the association."), field="funder")
        if funder.pk != grant.funder_id and count:
            raise WaslError(
                _(
                    "Money was already received from %(funder)s under this agreement: its receipts and "
                    "entries name that funder, so the funder cannot change."
                )
                % {"funder": grant.funder.name},
                field="funder",
            )
        grant.funder = funder
    if amount_granted is not _UNSET:
        amount = _positive(amount_granted, field="amount_granted")
        if amount < received:
            raise WaslError(
                _("%(received)s MAD were already received under this agreement: the amount granted "
                  "cannot be less.") % {"received": f"{received:.2f}"},
                field="amount_granted",
            )  # fmt: skip
        grant.amount_granted = amount
    if signed_on is not _UNSET:
        if signed_on is not None and not isinstance(signed_on, Date):
            raise WaslError(_("Give the date the agreement was signed."), field="signed_on")
        if signed_on is not None and first_day is not None and signed_on > first_day:
            raise WaslError(
                _("The first instalment was received on %(date)s: the agreement was signed by then.")
                % {"date": first_day.strftime("%d/%m/%Y")},
                field="signed_on",
            )
        grant.signed_on = signed_on
    if reference is not _UNSET:
        grant.reference = _text(reference, field="reference", max_length=80)
    if project_id is not _UNSET:
        if project_id and str(project_id) == str(grant.project_id):
            project = grant.project  # unchanged (even if archived since)
        else:
            project = _project(project_id) if project_id else None
        if (project.pk if project else None) != grant.project_id and count:
            raise WaslError(
                _(
                    "Money was already received under this agreement and entered for its project: "
                    "the project cannot change."
                ),
                field="project",
            )
        grant.project = project
    if purpose is not _UNSET:
        grant.purpose = _text(purpose, field="purpose", max_length=2000)
    after = {
        "name": grant.name,
        "funder": grant.funder.name,
        "amount_granted": grant.amount_granted,
        "signed_on": grant.signed_on,
        "reference": grant.reference,
        "project": grant.project.code if grant.project else "",
        "purpose": grant.purpose,
    }
    changed = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
    if not changed:
        return grant
    grant.save(
        update_fields=["name", "funder", "amount_granted", "signed_on", "reference", "project", "purpose"]
    )
    audit_record(
        actor=actor,
        action="finance.grant.changed",
        target=grant,
        changes={
            "grant": grant.name,
            "fields": sorted(changed),
            **{
                key: {"from": _plain(value["from"]), "to": _plain(value["to"])}
                for key, value in changed.items()
                if key != "purpose"  # long free text: the fields list says it changed
            },
        },
    )
    return grant


def _plain(value):
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@transaction.atomic
def grant_use_report_save(*, actor, grant_id, use_report: str, use_report_on: Date | None) -> Grant:
    grant = Grant.objects.select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    text = _text(
        use_report,
        field="use_report",
        label_required=_("Write the report on the use of the grant."),
        max_length=20000,
    )
    if use_report_on is not None and not isinstance(use_report_on, Date):
        raise WaslError(_("Give the date the report was sent."), field="use_report_on")
    grant.use_report, grant.use_report_on = text, use_report_on
    grant.save(update_fields=["use_report", "use_report_on"])
    audit_record(actor=actor, action="finance.grant.use_reported", target=grant, changes={"name": grant.name})
    return grant


@transaction.atomic
def instalment_record(
    *,
    actor,
    grant_id,
    amount,
    received_on,
    account_id=None,
    reference: str = "",
    method: str = "transfer",
    cheque_number: str = "",
    bank_name: str = "",
) -> GrantInstalment:
    """Money received under a grant: posted to the grant account of the funder's type (restricted to
    the grant's project); foreign money opens its declaration to the SGG."""
    grant = Grant.objects.select_related("funder", "project").filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    amount = _positive(amount)
    day = _date(received_on, field="received_on", message=_("Give the date the money was received."))
    reference = _text(reference, field="reference", max_length=60)
    income = _account(FUNDER_ACCOUNT_CODES[grant.funder.funder_type])
    label = _("Grant %(grant)s (%(funder)s)") % {"grant": grant.name, "funder": grant.funder.name}
    payment = _receive(
        actor=actor,
        account_id=account_id,
        income=income,
        amount=amount,
        day=day,
        purpose=label,
        project=grant.project,
        payer_name=grant.funder.name,
        series=ReceiptSeries.OTHER,
        method=method,
        cheque_number=cheque_number,
        bank_name=bank_name,
        reference=reference,
        # Sent to the funder's contact e-mail when one is stored (the same outbox message as a
        # payer's, with the signed link to its PDF); otherwise printed from the receipt's page.
        payer_email=grant.funder.email,
        send_receipt=bool(grant.funder.email),
    )
    entry = payment.entry
    instalment = GrantInstalment.objects.create(
        grant=grant,
        amount=amount,
        received_on=day,
        reference=reference,
        entry=entry,
        payment=payment,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if grant.funder.is_foreign:
        origin = grant.funder.name + (f" ({grant.funder.country})" if grant.funder.country else "")
        _declaration_open(
            amount=amount,
            origin=origin,
            purpose=grant.purpose or grant.name,
            received_on=day,
            instalment=instalment,
        )
    audit_record(
        actor=actor,
        action="finance.grant.instalment_received",
        target=grant,
        changes={"name": grant.name, "amount": str(amount), "entry": str(entry)},
    )
    return instalment


# --- Donors and donations ------------------------------------------------------------------------


def _identity(cin: str, ice: str) -> tuple[str, str]:
    cin = (cin or "").strip().upper().replace(" ", "")
    ice = (ice or "").strip().replace(" ", "")
    if cin and not CIN_PATTERN.match(cin):
        raise WaslError(_("A CIN is one or two letters followed by digits, e.g. AB123456."), field="cin")
    if ice and not ICE_PATTERN.match(ice):
        raise WaslError(_("An ICE is 15 digits."), field="ice")
    return cin, ice


@transaction.atomic
def donor_create(
    *,
    actor,
    kind: str,
    name: str,
    cin: str = "",
    ice: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    from_abroad: bool = False,
    country: str = "",
) -> Donor:
    if kind not in DonorKind.values:
        raise WaslError(_("Say whether the donor is a person or an organisation."), field="kind")
    name = _text(name, field="name", label_required=_("Give the donor's name."))
    cin, ice = _identity(cin, ice)
    if from_abroad and not (country or "").strip():
        raise WaslError(_("Give the country the donor gives from."), field="country")
    donor = Donor.objects.create(
        kind=kind,
        name=name,
        cin=cin,
        ice=ice,
        email=_text(email, field="email", max_length=254),
        phone=_text(phone, field="phone", max_length=30),
        address=_text(address, field="address", max_length=300),
        from_abroad=bool(from_abroad),
        country=_text(country, field="country", max_length=100),
    )
    audit_record(actor=actor, action="finance.donor.created", target=donor, changes={"name": name})
    return donor


@transaction.atomic
def donation_record(
    *,
    actor,
    donor_id,
    nature: str,
    amount,
    received_on,
    account_id=None,
    description: str = "",
    valuation: str = "",
    hours=None,
    project_id=None,
    method: str = "cash",
    cheque_number: str = "",
    bank_name: str = "",
    reference: str = "",
) -> Donation:
    """A gift: money is posted to 7171 through the chosen cash or bank account; a gift in kind
    (0711) or volunteering (0714) is valued and posted against 0719 in the operations journal."""
    donor = Donor.objects.filter(pk=donor_id if str(donor_id or "").isdigit() else 0).first()
    if donor is None:
        raise WaslError(_("Choose a donor of the association."), field="donor")
    if nature not in DonationNature.values:
        raise WaslError(_("Choose money, in kind or volunteering."), field="nature")
    amount = _positive(amount)
    day = _date(received_on, field="received_on", message=_("Give the date of the gift."))
    description = _text(description, field="description", max_length=300)
    valuation = _text(valuation, field="valuation", max_length=200)
    project = _project(project_id)
    parsed_hours = None
    if nature == DonationNature.VOLUNTEERING:
        parsed_hours = _positive(hours, field="hours")
    if nature != DonationNature.CASH and not description:
        raise WaslError(_("Say what was given (goods, service or work done)."), field="description")
    label = _("Donation from %(donor)s") % {"donor": donor.name}
    payment = None
    if nature == DonationNature.CASH:
        payment = _receive(
            actor=actor,
            account_id=account_id,
            income=_account(DONATIONS_ACCOUNT),
            amount=amount,
            day=day,
            purpose=f"{_('Donation')}: {description}" if description else _("Donation"),
            project=project,
            payer_name=donor.name,
            payer_email=donor.email,
            payer_phone=donor.phone,
            series=ReceiptSeries.DONATIONS,
            method=method,
            cheque_number=cheque_number,
            bank_name=bank_name,
            reference=reference,
        )
        entry = payment.entry
        _tax_mentions(payment, donor)
    else:
        open_year_for(day)
        debit = _account(VOLUNTEERING_ACCOUNT if nature == DonationNature.VOLUNTEERING else IN_KIND_ACCOUNT)
        counterpart = _account(CONTRIBUTIONS_COUNTERPART)
        label = f"{label}: {description}"[:200]
        entry = entry_create(
            actor=actor,
            journal_id=_operations_journal().pk,
            date=day,
            label=label,
            lines=[
                LineInput(debit.pk, debit=amount, label=label, project_id=project.pk if project else None),
                LineInput(counterpart.pk, credit=amount, label=label),
            ],
            post=True,
        )
    donation = Donation.objects.create(
        donor=donor,
        nature=nature,
        amount=amount,
        received_on=day,
        description=description,
        valuation=valuation,
        hours=parsed_hours,
        project=project,
        entry=entry,
        payment=payment,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if donor.from_abroad:
        _declaration_open(
            amount=amount,
            origin=f"{donor.name} ({donor.country})",
            purpose=description or str(label),
            received_on=day,
            donation=donation,
        )
    audit_record(
        actor=actor,
        action="finance.donation.recorded",
        target=donor,
        changes={"donor": donor.name, "amount": str(amount), "nature": nature, "entry": str(entry)},
    )
    return donation


def _tax_mentions(payment, donor: Donor) -> None:
    """Extension of dues' receipt (kept here, not in the receipts service): a gift's receipt from an
    association recognised of public utility is a tax receipt. Its frozen snapshot gains the donor's
    identity and the legal mentions before commit, so the PDF rendered after commit prints them
    (finance/pdf/_tax_mentions.html, included by the receipt template)."""
    from associations.models import Association
    from associations.tenancy import current_association_id

    receipt = payment.receipts.select_related("document").first()
    if receipt is None or receipt.document is None:
        return
    association = Association.objects.get(pk=current_association_id())
    snapshot = dict(receipt.document.snapshot)
    snapshot["donation"] = {
        "public_utility": association.is_public_utility,
        "donor_kind": donor.kind,
        "cin": donor.cin,
        "ice": donor.ice,
        "address": donor.address,
        "receipt_number": association.final_receipt_number,
    }
    receipt.document.snapshot = snapshot
    receipt.document.save(update_fields=["snapshot"])


# --- Foreign declarations ------------------------------------------------------------------------


@transaction.atomic
def declaration_mark_declared(*, actor, declaration_id, reference: str, declared_on) -> ForeignDeclaration:
    declaration = ForeignDeclaration.objects.select_for_update().filter(pk=declaration_id).first()
    if declaration is None:
        raise NotFound()
    if declaration.status == DeclarationStatus.DECLARED:
        raise WaslError(_("This declaration is already recorded as sent."))
    reference = _text(
        reference,
        field="reference",
        label_required=_("Give the reference of the declaration."),
        max_length=80,
    )
    day = _date(declared_on, field="declared_on", message=_("Give the date the declaration was sent."))
    if day < declaration.received_on:
        raise WaslError(_("A declaration is sent after the money was received."), field="declared_on")
    declaration.status, declaration.reference, declaration.declared_on = (
        DeclarationStatus.DECLARED,
        reference,
        day,
    )
    declaration.save(update_fields=["status", "reference", "declared_on"])
    audit_record(
        actor=actor,
        action="finance.declaration.declared",
        target=declaration,
        changes={"reference": reference, "amount": str(declaration.amount)},
    )
    return declaration
