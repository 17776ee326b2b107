"""Writes of resources: volunteers and their hours, the valuation of hours in the books, the
certificate of volunteering, staff, the inventory and premises with their documents.

Each service is atomic, validates before writing (a refused input changes nothing), checks that
every related object is the association's (the scoped managers answer only the current
association's rows), saves with `update_fields` and records one audit event."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from members.models import Member
from resources.models import (
    Acquisition,
    Asset,
    AssetCategory,
    AssetState,
    ContractKind,
    Premises,
    PremisesDocument,
    PremisesKind,
    ResourceSettings,
    StaffMember,
    Valuation,
    Volunteer,
    VolunteerCertificate,
    VolunteerHours,
)

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
MAX_HOURS_A_DAY = Decimal("24")
DOCUMENT_KINDS = {"pdf", "png", "jpeg"}


def _save_row(model, row_id: int | None, values: dict, *, actor, event: str):
    """Create the row (row_id None) or change the fields given of an existing one, locked; audited
    as `<event>.added` or `<event>.updated`, naming the fields (never their values: no person)."""
    if row_id is None:
        row = model.objects.create(**values)
        action = f"{event}.added"
    else:
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None:
            raise NotFound()
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=list(values))
        action = f"{event}.updated"
    audit_record(actor=actor, action=action, target=row, changes={"fields": sorted(values)})
    return row


# --- Checks ----------------------------------------------------------------------------------------


def parse_decimal(value, *, field: str, places: int = 2, maximum: Decimal = MAX_MONEY) -> Decimal:
    """A number (comma or point) not below zero, with at most `places` decimals."""
    if value is None or value == "":
        return Decimal("0").quantize(Decimal(1).scaleb(-places))
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise WaslError(_("Give a number, e.g. 150.50."), field=field) from None
    if not number.is_finite():
        raise WaslError(_("Give a number, e.g. 150.50."), field=field)
    if number < 0:
        raise WaslError(_("This number cannot be negative."), field=field, code="negative")
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise WaslError(
            _("Give at most %(places)d decimals.") % {"places": places}, field=field, code="decimals"
        )
    if number > maximum:
        raise WaslError(_("This number is too large."), field=field)
    return number.quantize(quantum)


def _check_date(value, *, field: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise WaslError(_("Give the date."), field=field)
        return None
    if not isinstance(value, date):
        raise WaslError(_("Give a valid date."), field=field)
    return value


def _check_period(start: date | None, end: date | None, *, field: str) -> None:
    if start is not None and end is not None and end < start:
        raise WaslError(_("The end date is before the start date."), field=field, code="end_before_start")


def _check_choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise WaslError(_("Choose one of the offered values."), field=field)
    return value


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _member_or_error(member_id: int | None) -> Member | None:
    if not member_id:
        return None
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise WaslError(_("Choose a member of the association."), field="member")
    return member


def _names(member: Member | None, name_ar: str, name_latin: str) -> tuple[str, str]:
    """A member's names come from the register; someone else is named here (one script at least)."""
    if member is not None:
        return member.name_ar[:120], member.name_latin[:120]
    name_ar, name_latin = _text(name_ar, 120), _text(name_latin, 120)
    if not (name_ar or name_latin):
        raise WaslError(_("Give the person's name, or choose a member."), field="name_latin")
    return name_ar, name_latin


# --- Settings --------------------------------------------------------------------------------------


def settings_of() -> ResourceSettings:
    found = ResourceSettings.objects.first()
    return found if found is not None else ResourceSettings(hourly_value=Decimal("0.00"))


@transaction.atomic
def hourly_value_set(*, actor, hourly_value) -> ResourceSettings:
    """The value of one volunteer hour from now on (hours already recorded keep theirs)."""
    value = parse_decimal(hourly_value, field="hourly_value", maximum=Decimal("10000"))
    current, _created = ResourceSettings.objects.select_for_update().get_or_create()
    before = current.hourly_value
    current.hourly_value = value
    current.save(update_fields=["hourly_value", "updated_at"])
    audit_record(
        actor=actor,
        action="resources.hourly_value.set",
        target=current,
        changes={"hourly_value": {"from": f"{before:.2f}", "to": f"{value:.2f}"}},
    )
    return current


# --- Volunteers ------------------------------------------------------------------------------------

VOLUNTEER_FIELDS = ("name_ar", "name_latin", "phone", "email", "skills", "availability", "since", "is_active")


@transaction.atomic
def volunteer_save(
    *,
    actor,
    volunteer_id: int | None = None,
    member_id: int | None = None,
    name_ar: str = "",
    name_latin: str = "",
    phone: str = "",
    email: str = "",
    skills: str = "",
    availability: str = "",
    since: date | None = None,
    is_active: bool = True,
) -> Volunteer:
    """Add a volunteer (a member, or someone named here) or edit one."""
    member = _member_or_error(member_id)
    name_ar, name_latin = _names(member, name_ar, name_latin)
    since = _check_date(since, field="since", required=False)
    if since is not None and since > timezone.localdate():
        raise WaslError(_("This date is in the future."), field="since")
    if member is not None:
        taken = Volunteer.objects.filter(member=member)
        if volunteer_id is not None:
            taken = taken.exclude(pk=volunteer_id)
        if taken.exists():
            raise WaslError(_("This member is already a volunteer."), field="member", code="duplicate")
    values = {
        "member": member,
        "name_ar": name_ar,
        "name_latin": name_latin,
        "phone": _text(phone, 30),
        "email": _text(email, 254),
        "skills": _text(skills, 300),
        "availability": _text(availability, 200),
        "since": since,
        "is_active": bool(is_active),
    }
    return _save_row(Volunteer, volunteer_id, values, actor=actor, event="resources.volunteer")


@transaction.atomic
def hours_record(*, actor, volunteer_id: int, day: date, hours, activity: str) -> VolunteerHours:
    """Hours given on one day, valued at the association's hourly value of today (frozen on the row)."""
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        raise WaslError(_("Choose a volunteer."), field="volunteer")
    day = _check_date(day, field="date")
    if day > timezone.localdate():
        raise WaslError(_("Hours cannot be recorded for a day still to come."), field="date")
    amount = parse_decimal(hours, field="hours", maximum=Decimal("1000"))
    if amount <= 0:
        raise WaslError(_("Give a number of hours above zero."), field="hours", code="not_positive")
    if amount > MAX_HOURS_A_DAY:
        raise WaslError(_("A day has at most 24 hours."), field="hours")
    activity = _text(activity, 200)
    if not activity:
        raise WaslError(_("Say which activity the hours were given to."), field="activity")
    rate = settings_of().hourly_value
    row = VolunteerHours.objects.create(
        volunteer=volunteer,
        date=day,
        hours=amount,
        activity=activity,
        hourly_value=rate,
        value=(amount * rate).quantize(CENT),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="resources.hours.recorded",
        target=volunteer,
        changes={"hours": f"{amount}", "day": day.isoformat()},
    )
    return row


@transaction.atomic
def hours_delete(*, actor, hours_id: int) -> None:
    """Remove hours recorded by mistake; hours already posted to the books stay (reverse the entry)."""
    row = VolunteerHours.objects.select_for_update().filter(pk=hours_id).first()
    if row is None:
        raise NotFound()
    if row.valuation_id is not None:
        raise WaslError(_("These hours are already in the books: they cannot be removed."), code="valued")
    volunteer = row.volunteer
    changes = {"hours": f"{row.hours}", "day": row.date.isoformat()}
    row.delete()
    audit_record(actor=actor, action="resources.hours.deleted", target=volunteer, changes=changes)


def hours_to_value(*, year) -> tuple[Decimal, Decimal, int]:
    """(hours, value, rows) not yet posted in a fiscal year, counting only rows with a value."""
    rows = VolunteerHours.objects.filter(
        valuation=None, value__gt=0, date__gte=year.start_date, date__lte=year.end_date
    )
    totals = rows.aggregate(hours=Sum("hours"), value=Sum("value"))
    return totals["hours"] or Decimal("0"), totals["value"] or Decimal("0.00"), rows.count()


@transaction.atomic
def hours_post_to_books(*, actor, year_id: int) -> Valuation:
    """Post the valued volunteer hours of one fiscal year not posted yet, as one entry of the
    operations journal: 0714 Bénévolat (debit) / 0719 counterpart of contributions in kind (credit).

    Once: the rows are claimed with a compare-and-set update (`valuation IS NULL`) inside the
    transaction; if another posting claimed some first, the count differs and everything rolls back."""
    from finance.models import Account, AccountRole, FiscalYear, Journal, JournalKind
    from finance.services.entries import LineInput, entry_create

    year = FiscalYear.objects.filter(pk=year_id).first()
    if year is None:
        raise WaslError(_("Choose a fiscal year."), field="year")
    rows = VolunteerHours.objects.select_for_update().filter(
        valuation=None, value__gt=0, date__gte=year.start_date, date__lte=year.end_date
    )
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        raise WaslError(_("No valued hours of this year are waiting to be posted."), code="nothing")
    totals = VolunteerHours.objects.filter(pk__in=ids).aggregate(hours=Sum("hours"), value=Sum("value"))
    volunteering = Account.objects.filter(role=AccountRole.VOLUNTEERING, archived_at=None).first()
    counterpart = Account.objects.filter(role=AccountRole.VOLUNTEERING_COUNTERPART, archived_at=None).first()
    journal = Journal.objects.filter(kind=JournalKind.OPERATIONS, archived_at=None).order_by("code").first()
    if volunteering is None or counterpart is None or journal is None:
        raise WaslError(
            _("The books have no volunteering accounts (0714, 0719) or no operations journal."),
            code="no_accounts",
        )
    day = min(year.end_date, timezone.localdate())
    label = _("Volunteering: %(hours)s hours valued") % {"hours": f"{totals['hours']:.2f}"}
    entry = entry_create(
        actor=actor,
        journal_id=journal.pk,
        date=day,
        label=label[:200],
        lines=[
            LineInput(volunteering.pk, debit=totals["value"], label=label[:200]),
            LineInput(counterpart.pk, credit=totals["value"], label=label[:200]),
        ],
        post=True,
    )
    valuation = Valuation.objects.create(
        entry=entry,
        date=day,
        hours=totals["hours"],
        value=totals["value"],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    claimed = VolunteerHours.objects.filter(pk__in=ids, valuation=None).update(valuation=valuation)
    if claimed != len(ids):
        raise WaslError(_("Some of these hours were posted meanwhile: try again."), code="conflict")
    audit_record(
        actor=actor,
        action="resources.hours.posted",
        target=valuation,
        changes={"hours": f"{totals['hours']:.2f}", "amount": f"{totals['value']:.2f}", "number": str(entry)},
    )
    return valuation


# --- Certificate of volunteering -------------------------------------------------------------------


@transaction.atomic
def certificate_issue(
    *, actor, volunteer_id: int, period_start: date, period_end: date
) -> VolunteerCertificate:
    """Thank a volunteer with a verifiable certificate for the hours given in a period."""
    from documents.services import document_issue

    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound()
    period_start = _check_date(period_start, field="period_start")
    period_end = _check_date(period_end, field="period_end")
    _check_period(period_start, period_end, field="period_end")
    rows = VolunteerHours.objects.filter(volunteer=volunteer, date__gte=period_start, date__lte=period_end)
    total = rows.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    if total <= 0:
        raise WaslError(_("This volunteer has no hours recorded in this period."), field="period_start")
    activities = sorted(set(rows.values_list("activity", flat=True)))[:12]
    association = Association.objects.get(pk=current_association_id())
    snapshot = {
        "volunteer_ar": volunteer.name_ar,
        "volunteer_latin": volunteer.name_latin,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "hours": f"{total:.2f}",
        "activities": activities,
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
        },
        "issued_on": timezone.localdate().isoformat(),
    }
    document = document_issue(
        actor=actor,
        kind="volunteering_certificate",
        title=(volunteer.name_latin or volunteer.name_ar)[:200],
        snapshot=snapshot,
    )
    certificate = VolunteerCertificate.objects.create(
        volunteer=volunteer, document=document, period_start=period_start, period_end=period_end, hours=total
    )
    audit_record(actor=actor, action="resources.certificate.issued", target=certificate, changes={})
    return certificate


# --- Staff -----------------------------------------------------------------------------------------


@transaction.atomic
def staff_save(
    *,
    actor,
    staff_id: int | None = None,
    member_id: int | None = None,
    name_ar: str = "",
    name_latin: str = "",
    job_title: str,
    contract: str,
    starts_on: date,
    ends_on: date | None = None,
    weekly_hours=None,
) -> StaffMember:
    member = _member_or_error(member_id)
    name_ar, name_latin = _names(member, name_ar, name_latin)
    job_title = _text(job_title, 120)
    if not job_title:
        raise WaslError(_("Give the person's role."), field="job_title")
    contract = _check_choice(contract, ContractKind, field="contract")
    starts_on = _check_date(starts_on, field="starts_on")
    ends_on = _check_date(ends_on, field="ends_on", required=False)
    _check_period(starts_on, ends_on, field="ends_on")
    weekly = None
    if weekly_hours not in (None, ""):
        weekly = parse_decimal(weekly_hours, field="weekly_hours", places=1, maximum=Decimal("80"))
    values = {
        "member": member,
        "name_ar": name_ar,
        "name_latin": name_latin,
        "job_title": job_title,
        "contract": contract,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "weekly_hours": weekly,
    }
    return _save_row(StaffMember, staff_id, values, actor=actor, event="resources.staff")


# --- Inventory -------------------------------------------------------------------------------------


def _line_for_asset(entry_line_id: int | None):
    """A posted ledger line on a fixed-asset account (class 2) of this association, debited."""
    from finance.models import EntryLine, EntryStatus

    if not entry_line_id:
        return None
    line = (
        EntryLine.objects.select_related("account", "entry")
        .filter(pk=entry_line_id, entry__status=EntryStatus.POSTED)
        .first()
    )
    if line is None or line.account.account_class != 2 or line.debit <= 0:
        raise WaslError(
            _("Choose a posted debit line on a fixed-asset account (class 2)."), field="entry_line"
        )
    return line


@transaction.atomic
def asset_save(
    *,
    actor,
    asset_id: int | None = None,
    name: str,
    category: str = AssetCategory.OTHER,
    reference: str = "",
    value="0",
    acquired_on: date,
    acquisition: str,
    source: str = "",
    lent_until: date | None = None,
    location: str = "",
    state: str = AssetState.GOOD,
    account_id: int | None = None,
    entry_line_id: int | None = None,
) -> Asset:
    """Add or edit an item of the inventory.

    Bought: may be linked to its fixed-asset account and to the posted line that bought it (then
    the account is the line's). Donated: the estimated value is recorded here; posting it as an
    in-kind donation is the treasurer's choice, after which the line can be linked the same way.
    Lent: never the association's asset, so it takes no account nor line."""
    from finance.models import Account

    name = _text(name, 200)
    if not name:
        raise WaslError(_("Name the item."), field="name")
    category = _check_choice(category, AssetCategory, field="category")
    acquisition = _check_choice(acquisition, Acquisition, field="acquisition")
    state = _check_choice(state, AssetState, field="state")
    amount = parse_decimal(value, field="value")
    acquired_on = _check_date(acquired_on, field="acquired_on")
    if acquired_on > timezone.localdate():
        raise WaslError(_("This date is in the future."), field="acquired_on")
    lent_until = _check_date(lent_until, field="lent_until", required=False)
    if acquisition != Acquisition.LENT:
        lent_until = None
    _check_period(acquired_on, lent_until, field="lent_until")
    account = line = None
    if acquisition == Acquisition.LENT:
        if account_id or entry_line_id:
            raise WaslError(
                _("A lent item is not the association's: it takes no fixed-asset account."), field="account"
            )
    else:
        line = _line_for_asset(entry_line_id)
        if line is not None:
            account = line.account
        elif account_id:
            account = Account.objects.filter(pk=account_id, account_class=2).first()
            if account is None:
                raise WaslError(_("Choose a fixed-asset account (class 2)."), field="account")
    values = {
        "name": name,
        "category": category,
        "reference": _text(reference, 80),
        "value": amount,
        "acquired_on": acquired_on,
        "acquisition": acquisition,
        "source": _text(source, 200),
        "lent_until": lent_until,
        "location": _text(location, 200),
        "state": state,
        "account": account,
        "entry_line": line,
    }
    return _save_row(Asset, asset_id, values, actor=actor, event="resources.asset")


# --- Premises --------------------------------------------------------------------------------------


@transaction.atomic
def premises_save(
    *,
    actor,
    premises_id: int | None = None,
    name: str,
    kind: str,
    address: str = "",
    commune: str = "",
    owner: str = "",
    area_m2: int | None = None,
    monthly_rent="0",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Premises:
    name = _text(name, 200)
    if not name:
        raise WaslError(_("Name the premises."), field="name")
    kind = _check_choice(kind, PremisesKind, field="kind")
    rent = parse_decimal(monthly_rent, field="monthly_rent")
    if kind != PremisesKind.RENTED and rent > 0:
        raise WaslError(_("Only rented premises have a rent."), field="monthly_rent")
    starts_on = _check_date(starts_on, field="starts_on", required=False)
    ends_on = _check_date(ends_on, field="ends_on", required=False)
    _check_period(starts_on, ends_on, field="ends_on")
    if area_m2 not in (None, ""):
        try:
            area_m2 = int(area_m2)
        except (TypeError, ValueError):
            raise WaslError(_("Give a number, e.g. 150.50."), field="area_m2") from None
        if area_m2 < 0:
            raise WaslError(_("This number cannot be negative."), field="area_m2", code="negative")
    else:
        area_m2 = None
    values = {
        "name": name,
        "kind": kind,
        "address": _text(address, 300),
        "commune": _text(commune, 120),
        "owner": _text(owner, 200),
        "area_m2": area_m2,
        "monthly_rent": rent,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    return _save_row(Premises, premises_id, values, actor=actor, event="resources.premises")


@transaction.atomic
def premises_document_add(*, actor, premises_id: int, title: str, uploaded) -> PremisesDocument:
    """A lease or a lending decision: PDF or image, checked by content, within the size limit."""
    from documents.files import save_private_file, validate_upload

    premises = Premises.objects.filter(pk=premises_id).first()
    if premises is None:
        raise NotFound()
    if uploaded is None:
        raise WaslError(_("Choose a file."), field="file")
    checked = validate_upload(uploaded, allowed=DOCUMENT_KINDS)
    uploaded.seek(0)
    content = uploaded.read()
    original_name = PurePath(uploaded.name or "document").name[:200]
    title = _text(title, 200) or original_name
    name = save_private_file("premises", f"document.{checked.kind}", content)
    document = PremisesDocument.objects.create(
        premises=premises,
        title=title,
        file=name,
        original_name=original_name,
        content_type=checked.mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="resources.premises.document_added",
        target=premises,
        changes={"file": original_name},
    )
    return document
