"""Writes for the member register.

Personal data never enters the audit trail (which is append-only and cannot be anonymised later):
member events record which fields changed, not their values.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations import seams
from associations.audit import audit_record
from associations.capabilities import RoleKind
from associations.errors import NotFound, WaslError
from associations.links import absolute_url
from associations.models import Role
from associations.services import hash_secret
from associations.tenancy import current_association_id
from associations.text import refuse_bidi_formatting, strip_bidi_controls, strip_bidi_marks
from members.models import (
    FORMER_STATUSES,
    STATUS_REASON_REQUIRED,
    STATUS_TRANSITIONS,
    Consent,
    ConsentPurpose,
    CorrectionRequest,
    Member,
    MemberCategory,
    MemberClaim,
    MemberNumberCounter,
    MembershipSettings,
    MemberStatus,
    MemberStatusChange,
)
from members.text import member_search_text
from notifications.phones import phone_to_e164

MEMBER_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "gender",
    "birth_date",
    "birth_place",
    "nationality",
    "cin",
    "phone",
    "email",
    "address",
    "profession",
    "category",
    "join_date",
)
# Shown only to roles with members.view_sensitive; every view is audited.
SENSITIVE_FIELDS = ("cin",)
CIN_PATTERN = re.compile(r"[A-Z]{1,2}[0-9]{1,8}")
# Dates a register can hold: nobody alive was born, and no association here admitted anyone, before
# 1900; a join date may be set up to a year ahead (admission decided for the next season).
EARLIEST_DATE = date(1900, 1, 1)
JOIN_DATE_AHEAD = timedelta(days=366)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "birth_place",
    "nationality",
    "address",
    "profession",
)


def membership_settings() -> MembershipSettings:
    found = MembershipSettings.objects.filter().first()
    return found or MembershipSettings.objects.create()


def clean_member_values(values: dict) -> dict:
    """Normalise and check member fields; raises WaslError naming the field at fault."""
    unknown = set(values) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown member fields: {sorted(unknown)}")
    cleaned = dict(values)
    for field in (*TEXT_FIELDS, "cin", "phone", "email"):
        text = cleaned.get(field)
        if isinstance(text, str) and CONTROL_CHARACTERS.search(text):
            raise WaslError(
                _("This field contains invisible control characters."), field=field, code="control_characters"
            )
        if isinstance(text, str):
            refuse_bidi_formatting(text, field=field)
    for field in TEXT_FIELDS:
        if field in cleaned:
            cleaned[field] = " ".join(strip_bidi_marks(cleaned[field] or "").split())
            limit = Member._meta.get_field(field).max_length
            if len(cleaned[field]) > limit:
                raise WaslError(
                    _("Too long: %(limit)s characters at most.") % {"limit": limit},
                    field=field,
                    code="too_long",
                    params={"limit": limit},
                )
    if "cin" in cleaned:
        cin = re.sub(r"[\s-]", "", cleaned["cin"] or "").upper()
        if cin and not CIN_PATTERN.fullmatch(cin):
            raise WaslError(
                _("A CIN number is one or two letters followed by digits, e.g. AB123456."),
                field="cin",
                code="cin_format",
            )
        cleaned["cin"] = cin
    if cleaned.get("phone"):
        cleaned["phone"] = phone_to_e164(cleaned["phone"], field="phone")
    elif "phone" in cleaned:
        cleaned["phone"] = ""
    if cleaned.get("email"):
        email = cleaned["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise WaslError(_("Enter a valid e-mail address."), field="email", code="email_invalid") from exc
        cleaned["email"] = email
    elif "email" in cleaned:
        cleaned["email"] = ""
    birth_date = cleaned.get("birth_date")
    if birth_date:
        if birth_date > timezone.localdate():
            raise WaslError(
                _("The date of birth cannot be in the future."), field="birth_date", code="date_future"
            )
        if birth_date < EARLIEST_DATE:
            raise WaslError(
                _("The date of birth is too far in the past."), field="birth_date", code="date_past"
            )
    join_date = cleaned.get("join_date")
    if join_date:
        if join_date > timezone.localdate() + JOIN_DATE_AHEAD:
            raise WaslError(
                _("The join date is too far in the future."), field="join_date", code="date_future"
            )
        if join_date < EARLIEST_DATE:
            raise WaslError(_("The join date is too far in the past."), field="join_date", code="date_past")
    if cleaned.get("gender") not in (None, "", "F", "M"):
        raise WaslError(_("Choose a valid gender."), field="gender", code="gender_invalid")
    category = cleaned.get("category")
    if category is not None and category.association_id != current_association_id():
        raise WaslError(_("Choose a valid category."), field="category", code="category_invalid")
    return cleaned


def member_values_problems(values: dict, *, require_contact: bool = False) -> list[WaslError]:
    """Every rule a member's values break, not only the first: each field's own checks, a name in
    one script, dates in order, and (for an application) a way to answer. Forms call this in
    their `clean()`, so that one submission shows every problem; the services still refuse alone."""
    problems: list[WaslError] = []
    cleaned: dict = {}
    for name, value in values.items():
        try:
            cleaned.update(clean_member_values({name: value}))
        except WaslError as exc:
            problems.append(exc)
    candidate = Member(**{name: value for name, value in cleaned.items() if name in MEMBER_FIELDS})
    at_fault = {problem.field for problem in problems}
    for rule, fields in (
        (require_a_name, {"first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin"}),
        (require_consistent_dates, {"birth_date", "join_date"}),
    ):
        if at_fault & fields:
            continue  # said already, field by field
        try:
            rule(candidate)
        except WaslError as exc:
            problems.append(exc)
    if require_contact and not values.get("email") and not values.get("phone"):
        problems.append(_contact_needed())
    return problems


def _contact_needed() -> WaslError:
    return WaslError(
        _("Give an e-mail address or a phone number, so the association can answer."),
        field="email",
        code="contact_needed",
    )


def require_consistent_dates(member: Member) -> None:
    if member.birth_date and member.join_date and member.join_date < member.birth_date:
        raise WaslError(_("The join date cannot be before the date of birth."), field="join_date")


def require_a_name(member: Member) -> None:
    has_arabic = member.first_name_ar and member.last_name_ar
    has_latin = member.first_name_latin and member.last_name_latin
    if not (has_arabic or has_latin):
        # On the name missing from the script the person started with (the Latin last name if none).
        if (member.first_name_ar or member.last_name_ar) and not (
            member.first_name_latin or member.last_name_latin
        ):
            field = "last_name_ar" if member.first_name_ar else "first_name_ar"
        else:
            field = "first_name_latin" if member.last_name_latin else "last_name_latin"
        raise WaslError(
            _("Give the first and last name in Arabic script, in Latin script, or both."),
            field=field,
            code="name_missing",
        )


def _check_unique_identity(member: Member) -> None:
    others = Member.objects.exclude(pk=member.pk).filter(anonymised_at=None)
    if member.cin and others.filter(cin=member.cin).exists():
        raise WaslError(_("Another member already has this CIN number."), field="cin")


def _next_number() -> int:
    """The next member number: a locked counter row, so numbers are unique and gap-free even
    when two officers admit members at the same time."""
    counter, _created = MemberNumberCounter.objects.select_for_update().get_or_create()
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def member_admit(*, actor, status: str = MemberStatus.ACTIVE, number: int | None = None, **values) -> Member:
    """Register a member directly (officers). Applicants come through `member_apply`.

    `number` keeps the number a member already had in the association's old register (imports);
    new numbers then continue after the highest one."""
    cleaned = clean_member_values(values)
    member = Member(**cleaned, status=status, status_since=timezone.localdate())
    require_a_name(member)
    require_consistent_dates(member)
    _check_unique_identity(member)
    if number is not None:
        if Member.objects.filter(number=number).exists():
            raise WaslError(_("This member number is already used."), field="number")
        counter, _created = MemberNumberCounter.objects.select_for_update().get_or_create()
        if number > counter.last_number:
            counter.last_number = number
            counter.save(update_fields=["last_number"])
        member.number = number
    elif status != MemberStatus.APPLICANT:
        member.number = _next_number()
    member.search_text = member_search_text(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent admission took the same CIN
        raise WaslError(_("Another member already has this CIN number."), field="cin") from exc
    MemberStatusChange.objects.create(
        member=member, from_status="", to_status=status, effective_on=member.join_date, actor=actor
    )
    audit_record(
        actor=actor,
        action="members.member.admitted" if status != MemberStatus.APPLICANT else "members.member.applied",
        target=member,
        changes={"number": member.number, "status": status, "fields": sorted(cleaned)},
    )
    return member


@transaction.atomic
def member_update(*, actor, member_id: int, **values) -> Member:
    member = Member.objects.select_for_update().filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    cleaned = clean_member_values(values)
    changed = [field for field, value in cleaned.items() if getattr(member, field) != value]
    if not changed:
        return member
    for field in changed:
        setattr(member, field, cleaned[field])
    require_a_name(member)
    require_consistent_dates(member)
    _check_unique_identity(member)
    member.search_text = member_search_text(member)
    member.updated_at = timezone.now()
    try:
        with transaction.atomic():
            member.save(update_fields=[*changed, "search_text", "updated_at"])
    except IntegrityError as exc:
        raise WaslError(_("Another member already has this CIN number."), field="cin") from exc
    audit_record(
        actor=actor,
        action="members.member.updated",
        target=member,
        changes={"fields": sorted(changed)},
    )
    return member


PHOTO_MAX_BYTES = 3 * 1024 * 1024


@transaction.atomic
def member_photo_set(*, actor, member_id: int, upload) -> Member:
    """Store a member's photo privately; the content must be a PNG, JPEG or WebP image."""
    from documents.files import private_storage, save_private_file, validate_upload

    member = Member.objects.select_for_update().filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    checked = validate_upload(upload, allowed={"png", "jpeg", "webp"}, max_bytes=PHOTO_MAX_BYTES)
    upload.seek(0)
    old = member.photo
    member.photo = save_private_file("photos", f"member-{member.pk}.{checked.kind}", upload.read())
    member.save(update_fields=["photo"])
    if old:
        transaction.on_commit(lambda: private_storage().delete(old))
    audit_record(actor=actor, action="members.member.photo_set", target=member, changes={"fields": ["photo"]})
    return member


@dataclass(frozen=True)
class StatusChange:
    """A checked status change, ready to record (or to describe on the confirmation page)."""

    to_status: str
    effective_on: date
    reason: str
    decision_reference: str


def member_status_change_check(
    *,
    member: Member,
    to_status: str,
    effective_on: date | None = None,
    reason: str = "",
    decision_reference: str = "",
) -> StatusChange:
    """Every rule a status change must meet; raises WaslError naming the field at fault. Writes
    nothing, so a page can check a change before asking the officer to confirm it."""
    if to_status not in MemberStatus.values:
        raise WaslError(_("Unknown status."), field="to_status")
    if to_status not in STATUS_TRANSITIONS[member.status]:
        raise WaslError(
            _("A member who is %(current)s cannot become %(new)s.")
            % {"current": MemberStatus(member.status).label, "new": MemberStatus(to_status).label},
            field="to_status",
        )
    effective_on = effective_on or timezone.localdate()
    if effective_on > timezone.localdate():
        raise WaslError(_("The date cannot be in the future."), field="effective_on")
    if effective_on < EARLIEST_DATE:
        raise WaslError(_("The date is too far in the past."), field="effective_on")
    reason = " ".join((reason or "").split())
    decision_reference = " ".join((decision_reference or "").split())
    refuse_bidi_formatting(reason, field="reason")
    refuse_bidi_formatting(decision_reference, field="decision_reference")
    if len(reason) > 300:
        raise WaslError(_("Too long: %(limit)s characters at most.") % {"limit": 300}, field="reason")
    if len(decision_reference) > 120:
        raise WaslError(
            _("Too long: %(limit)s characters at most.") % {"limit": 120}, field="decision_reference"
        )
    if to_status == MemberStatus.EXCLUDED and not decision_reference:
        raise WaslError(
            _("An exclusion needs the reference of the board's decision."), field="decision_reference"
        )
    if to_status == MemberStatus.RESIGNED:
        # The modules above register theirs (associations.seams.register_resignation_check): finance
        # will add "dues paid" — a member may resign after paying the dues due (dahir 1-58-376, art. 4).
        for resignation_check in seams.resignation_checks():
            resignation_check.check(member)
    if to_status in STATUS_REASON_REQUIRED and not reason:
        raise WaslError(
            _("Give the reason for this change to “%(status)s”: it is kept in the status history.")
            % {"status": MemberStatus(to_status).label},
            field="reason",
        )
    return StatusChange(to_status, effective_on, reason, decision_reference)


@transaction.atomic
def member_change_status(
    *,
    actor,
    member_id: int,
    to_status: str,
    effective_on: date | None = None,
    reason: str = "",
    decision_reference: str = "",
) -> Member:
    member = Member.objects.select_for_update().filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    change = member_status_change_check(
        member=member,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        decision_reference=decision_reference,
    )
    to_status, effective_on = change.to_status, change.effective_on
    reason, decision_reference = change.reason, change.decision_reference
    previous = member.status
    member.status = to_status
    member.status_since = effective_on
    update_fields = ["status", "status_since", "updated_at"]
    if to_status == MemberStatus.ACTIVE and member.number is None:
        member.number = _next_number()
        update_fields.append("number")
    member.updated_at = timezone.now()
    member.search_text = member_search_text(member)
    member.save(update_fields=[*update_fields, "search_text"])
    MemberStatusChange.objects.create(
        member=member,
        from_status=previous,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        decision_reference=decision_reference,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="members.member.status_changed",
        target=member,
        changes={
            "status": {"from": previous, "to": to_status},
            "on": effective_on.isoformat(),
            "decision": decision_reference,
        },
    )
    if to_status in FORMER_STATUSES and member.number is not None:
        # A member who leaves keeps no valid card, even if admitted again later (a new one is issued).
        from members.cards import member_cards_cancel

        member_cards_cancel(actor=actor, member=member, reason=f"member {to_status}")
    if previous == MemberStatus.APPLICANT:
        _tell_applicant(member, accepted=to_status == MemberStatus.ACTIVE)
    return member


def _tell_applicant(member: Member, *, accepted: bool) -> None:
    _message_member(
        member,
        template_key="members.application_accepted" if accepted else "members.application_rejected",
        dedup_key=f"members:application-outcome:{member.pk}",
        context={"member_number": member.number},
    )


def _message_member(member: Member, *, template_key: str, dedup_key: str, context: dict) -> None:
    """Queue a message to a member through the outbox: by e-mail, else by SMS, else not at all."""
    from associations.models import Association
    from notifications.services import message_enqueue

    if not (member.email or member.phone):
        return
    association = Association.objects.get(pk=member.association_id)
    message_enqueue(
        channel="email" if member.email else "sms",
        to_address=member.email or member.phone,
        template_key=template_key,
        dedup_key=dedup_key,
        context={
            "association_name_ar": association.name_ar,
            "association_name_fr": association.name_fr,
            **context,
        },
        language=translation.get_language() or settings.LANGUAGE_CODE,
        recipient_name=member.display_name,
    )


@transaction.atomic
def member_apply(*, consents: dict[str, str], language: str, **values) -> Member:
    """The public join form: an application waits for the board's approval."""
    if not membership_settings().join_form_open:
        raise WaslError(_("This association does not take applications online."), code="closed")
    if not values.get("email") and not values.get("phone"):
        raise _contact_needed()
    if ConsentPurpose.MEMBERSHIP not in consents:
        raise WaslError(
            _("Agreeing to the processing of your data for your membership is required."), field="consent"
        )
    member = member_admit(actor=None, status=MemberStatus.APPLICANT, **values)
    for purpose, wording in consents.items():
        Consent.objects.create(member=member, purpose=purpose, wording=wording, language=language)
    return member


def members_bulk_write(*, actor, creates: list[tuple[int | None, dict]], updates: dict[int, dict]) -> None:
    """Write checked import rows in bulk: numbers from the locked counter (kept when the file had
    them), one status row per new member, and one audit event for the whole import."""
    counter, _created = MemberNumberCounter.objects.select_for_update().get_or_create()
    highest = max([counter.last_number, *(n for n, _values in creates if n is not None)])
    today = timezone.localdate()
    new_members = []
    for number, values in creates:
        if number is None:
            highest += 1
            number = highest
        member = Member(**values, number=number, status=MemberStatus.ACTIVE, status_since=today)
        member.search_text = member_search_text(member)
        new_members.append(member)
    created = Member.objects.bulk_create(new_members, batch_size=2000)
    MemberStatusChange.objects.bulk_create(
        [
            MemberStatusChange(
                member=m,
                from_status="",
                to_status=MemberStatus.ACTIVE,
                effective_on=m.join_date,
                actor=actor if actor and actor.is_authenticated else None,
            )
            for m in created
        ],
        batch_size=2000,
    )
    counter.last_number = highest
    counter.save(update_fields=["last_number"])
    changed_fields: set[str] = set()
    if updates:
        existing = Member.objects.in_bulk(list(updates))
        now = timezone.now()
        for pk, values in updates.items():
            member = existing[pk]
            for field, value in values.items():
                if getattr(member, field) != value:
                    setattr(member, field, value)
                    changed_fields.add(field)
            member.search_text = member_search_text(member)
            member.updated_at = now
        for member in existing.values():
            require_a_name(member)
        Member.objects.bulk_update(
            existing.values(), [*sorted(changed_fields), "search_text", "updated_at"], batch_size=2000
        )
    audit_record(
        actor=actor,
        action="members.import.applied",
        target=None,
        changes={"created": len(created), "updated": len(updates), "fields": sorted(changed_fields)},
    )


# --- Categories and settings -----------------------------------------------------------------


@transaction.atomic
def category_save(*, actor, category_id: int | None = None, **values) -> MemberCategory:
    category = (
        MemberCategory() if category_id is None else MemberCategory.objects.filter(pk=category_id).first()
    )
    if category is None:
        raise NotFound()
    for field in ("name_ar", "name_fr"):
        refuse_bidi_formatting(values.get(field), field=field)
        values[field] = " ".join(strip_bidi_marks(values.get(field) or "").split())
        if not values[field]:
            raise WaslError(_("This field is required."), field=field)
    if MemberCategory.objects.exclude(pk=category.pk).filter(name_fr__iexact=values["name_fr"]).exists():
        raise WaslError(_("A category with this name already exists."), field="name_fr")
    for field, value in values.items():
        setattr(category, field, value)
    category.save()
    audit_record(
        actor=actor,
        action="members.category.saved",
        target=category,
        changes={"name_fr": category.name_fr, "annual_dues": str(category.annual_dues)},
    )
    return category


@transaction.atomic
def membership_settings_update(*, actor, **values) -> MembershipSettings:
    current = membership_settings()
    changes = {}
    for field, value in values.items():
        if getattr(current, field) != value:
            changes[field] = {"from": getattr(current, field), "to": value}
            setattr(current, field, value)
    if changes:
        current.save(update_fields=list(changes))
        audit_record(actor=actor, action="members.settings.updated", target=current, changes=changes)
    return current


# --- Personal data (law 09-08) ---------------------------------------------------------------


def cin_viewed(*, actor, member: Member) -> str:
    """Record that an officer looked at a member's CIN; returns it."""
    audit_record(
        actor=actor, action="members.cin.viewed", target=member, changes={"member_number": member.number}
    )
    return member.cin


@transaction.atomic
def consent_give(*, actor, member_id: int, purpose: str, wording: str, language: str) -> Consent:
    member = Member.objects.filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    if purpose not in ConsentPurpose.values:
        raise WaslError(_("Unknown purpose."), field="purpose")
    if Consent.objects.filter(member=member, purpose=purpose, withdrawn_at=None).exists():
        return Consent.objects.get(member=member, purpose=purpose, withdrawn_at=None)
    if purpose == ConsentPurpose.COMMUNICATIONS:
        _lift_objection(member)
    consent = Consent.objects.create(
        member=member,
        purpose=purpose,
        wording=wording,
        language=language,
        recorded_by=actor if actor and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action="members.consent.given", target=member, changes={"purpose": purpose})
    return consent


@transaction.atomic
def consent_withdraw(*, actor, member_id: int, purpose: str) -> int:
    withdrawn = Consent.objects.filter(member_id=member_id, purpose=purpose, withdrawn_at=None).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        member = Member.objects.get(pk=member_id)
        audit_record(
            actor=actor, action="members.consent.withdrawn", target=member, changes={"purpose": purpose}
        )
        if purpose == ConsentPurpose.COMMUNICATIONS:
            _object_to_communications(actor=actor, member=member)
    return withdrawn


def _lift_objection(member: Member) -> None:
    """Consenting again to communications withdraws the objection the withdrawal had recorded."""
    from notifications.models import Opposition

    Opposition.objects.filter(
        models.Q(channel="email", address=member.email) | models.Q(channel="sms", address=member.phone)
    ).exclude(address="").delete()


def _object_to_communications(*, actor, member: Member) -> None:
    """Withdrawing consent to communications is an objection the outbox honours (law 09-08)."""
    from notifications.services import opposition_record

    if member.email:
        opposition_record(actor=actor, channel="email", address=member.email)
    if member.phone:
        opposition_record(actor=actor, channel="sms", address=member.phone)


@transaction.atomic
def correction_request_create(*, actor, member_id: int, message: str) -> CorrectionRequest:
    message = (message or "").strip()
    if not message:
        raise WaslError(_("Say what should be corrected."), field="message")
    member = Member.objects.filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    request = CorrectionRequest.objects.create(member=member, message=message[:4000])
    audit_record(
        actor=actor, action="members.correction.requested", target=request, changes={"member": member.pk}
    )
    return request


@transaction.atomic
def correction_request_resolve(*, actor, request_id: int, done: bool, response: str) -> CorrectionRequest:
    request = (
        CorrectionRequest.objects.select_for_update().select_related("member").filter(pk=request_id).first()
    )
    if request is None:
        raise NotFound()
    if request.status != CorrectionRequest.Status.OPEN:
        raise WaslError(_("This request has already been answered."), code="closed")
    response = (response or "").strip()
    if not done and not response:
        raise WaslError(_("Explain why the request is refused."), field="response")
    request.status = CorrectionRequest.Status.DONE if done else CorrectionRequest.Status.REFUSED
    request.response = response[:4000]
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.save(update_fields=["status", "response", "resolved_at", "resolved_by"])
    audit_record(
        actor=actor, action="members.correction.resolved", target=request, changes={"status": request.status}
    )
    if request.member.email:  # the answer may be long: e-mail only
        _message_member(
            request.member,
            template_key="members.correction_answered",
            dedup_key=f"members:correction-answered:{request.pk}",
            context={"done": done, "response": request.response},
        )
    return request


# --- Accounts for members --------------------------------------------------------------------

CLAIM_DAYS = 30


@transaction.atomic
def member_claim_create(*, actor, member_id: int) -> tuple[MemberClaim, str]:
    """A one-time link for a member to bind their account to this member row."""
    member = Member.objects.filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    if member.user_id is not None:
        raise WaslError(_("This member already has an account."), code="already_linked")
    raw = secrets.token_urlsafe(24)
    claim = MemberClaim.objects.create(
        member=member,
        token_hash=hash_secret(raw),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=CLAIM_DAYS),
    )
    audit_record(
        actor=actor, action="members.claim.created", target=member, changes={"expires": str(claim.expires_at)}
    )
    if member.email:
        # Sent directly after commit, not through the outbox: the link is a one-time secret that is
        # never stored in clear (as for invitations).
        email, association_id = member.email, member.association_id
        language = translation.get_language() or settings.LANGUAGE_CODE
        link = claim_link(raw)  # the address served on now: the e-mail leaves after the request
        transaction.on_commit(lambda: _send_claim_email(email, association_id, link, language))
    return claim, raw


def claim_link(raw_token: str) -> str:
    return absolute_url(f"/me/claim/{raw_token}/")


def _send_claim_email(email: str, association_id: int, link: str, language: str) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from associations.models import Association

    with translation.override(language):
        association = Association.objects.get(pk=association_id)
        name = strip_bidi_controls(association.display_name)  # plain text: nothing can isolate it
        body = render_to_string("members/email/claim.txt", {"association_name": name, "link": link})
        send_mail(_("Your membership on Wasl"), body, None, [email])


@transaction.atomic
def member_claim_accept(*, actor, raw_token: str) -> Member:
    """Bind the signed-in account to the member row of the link (and to nothing else); the person
    becomes a plain member of the association unless they already hold a role there."""
    claim = MemberClaim.objects.select_for_update().filter(token_hash=hash_secret(raw_token or "")).first()
    if claim is None:
        raise NotFound(_("This link does not exist."))
    if claim.claimed_at is not None:
        raise WaslError(_("This link has already been used."), code="used")
    if claim.expires_at <= timezone.now():
        raise WaslError(_("This link has expired. Ask the association for a new one."), code="expired")
    member = Member.objects.select_for_update().get(pk=claim.member_id)
    if member.user_id is not None:
        raise WaslError(_("This member already has an account."), code="already_linked")
    if Member.objects.filter(user=actor).exists():
        raise WaslError(
            _("Your account is already linked to another member of this association."), code="taken"
        )
    member.user = actor
    member.save(update_fields=["user"])
    claim.claimed_at = timezone.now()
    claim.save(update_fields=["claimed_at"])
    if not Role.objects.filter(user=actor).exists():
        try:
            with transaction.atomic():
                Role.objects.create(user=actor, kind=RoleKind.MEMBER)
        except IntegrityError:
            pass
    audit_record(actor=actor, action="members.claim.accepted", target=member, changes={"member": member.pk})
    return member


# --- Retention --------------------------------------------------------------------------------

ANONYMISED_LABEL = "—"


def _erase_traces(member: Member) -> None:
    """Personal data about the member held outside their row: free-text reasons, the addresses of
    messages sent to them, and their cards. A card document stays, cancelled, so its verification
    page keeps answering, but its snapshot no longer names anyone; its PDF is deleted, and when it
    is a sheet shared with other members' cards, the whole sheet goes (their cards stay valid)."""
    from documents.models import Document
    from documents.services import document_files_delete
    from notifications.models import Message

    MemberStatusChange.objects.filter(member=member).update(reason="")
    addresses = [a for a in (member.email, member.phone) if a]
    if addresses:
        Message.objects.filter(to_address__in=addresses).update(
            to_address=ANONYMISED_LABEL, recipient_name="", context={}
        )
    cards = list(Document.objects.filter(kind="member_card", snapshot__member__number=member.number))
    document_files_delete(names={card.file for card in cards})
    now = timezone.now()
    for card in cards:
        snapshot = card.snapshot
        snapshot["member"].update({"name_ar": ANONYMISED_LABEL, "name_latin": ANONYMISED_LABEL})
        Document.objects.filter(pk=card.pk).update(
            snapshot=snapshot,
            cancelled_at=card.cancelled_at or now,
            cancel_reason=card.cancel_reason or "member data erased",
        )


def _erase_old_import_files(*, before: date) -> None:
    """Uploaded member lists are kept no longer than former members' data."""
    from documents.files import private_storage
    from members.models import MemberImport

    for item in MemberImport.objects.filter(created_at__date__lt=before).exclude(file=""):
        private_storage().delete(item.file)
        # The header, sample rows and report (updates, conflicts) hold people's data too.
        MemberImport.objects.filter(pk=item.pk).update(
            file="", original_name=ANONYMISED_LABEL, headers=[], samples=[], report={}
        )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@transaction.atomic
def former_members_anonymise(*, today: date | None = None) -> int:
    """Irreversibly strip the personal data of members who left more than `retention_years` ago."""
    today = today or timezone.localdate()
    limit = _years_before(today, membership_settings().retention_years)
    _erase_old_import_files(before=limit)
    due = list(
        Member.objects.select_for_update()
        .filter(status__in=FORMER_STATUSES, status_since__lt=limit, anonymised_at=None)
        .values_list("pk", flat=True)
    )
    members = list(Member.objects.filter(pk__in=due))
    if members:
        _erase_job_results(since=min(m.created_at for m in members))
    for member in members:
        _erase_member(member, actor=None, on_request=False)
    return len(due)


@transaction.atomic
def member_anonymise(*, actor, member_id: int) -> Member:
    """Erase a former member's personal data now, before the retention period ends (the person
    asked, law 09-08). Irreversible; a member who has not left must leave first."""
    member = Member.objects.select_for_update().filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    if member.status not in FORMER_STATUSES:
        raise WaslError(
            _("Only a former member's data can be erased. Record their departure first."),
            code="not_former",
        )
    _erase_job_results(since=member.created_at)
    _erase_member(member, actor=actor, on_request=True)
    return member


def _erase_job_results(*, since) -> None:
    """Job results (exports, card sheets) do not record whom they list: delete those that may."""
    from jobs.services import job_results_erase

    job_results_erase(since=since)


def _erase_member(member: Member, *, actor, on_request: bool) -> None:
    """Kept: the number, category, dates and statuses (accounting and the register need them); the
    name becomes "—". Consents keep their purpose and dates, not their wording's addressee."""
    from documents.files import private_storage

    _erase_traces(member)
    if member.photo:
        private_storage().delete(member.photo)
    for field in (
        "first_name_ar",
        "first_name_latin",
        "birth_place",
        "nationality",
        "cin",
        "phone",
        "email",
        "address",
        "profession",
        "photo",
    ):
        setattr(member, field, "")
    member.last_name_ar = member.last_name_latin = ANONYMISED_LABEL
    member.gender = ""
    member.birth_date = None
    member.user = None
    member.anonymised_at = timezone.now()
    member.search_text = member_search_text(member)
    member.save()
    CorrectionRequest.objects.filter(member=member).update(message=ANONYMISED_LABEL, response="")
    MemberClaim.objects.filter(member=member).delete()
    audit_record(
        actor=actor,
        action="members.member.anonymised",
        target=member,
        changes={"number": member.number, "on_request": on_request},
    )
