"""Writes for associations, roles, invitations and API tokens.

Each service is atomic, takes keyword-only arguments including the acting user, validates, writes
one audit event and schedules side effects (e-mail) after commit. Services run inside an
association scope (opened by the entry point), except `association_register`, which creates the
tenant and opens its scope itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from associations.audit import audit_record
from associations.capabilities import SINGLE_OFFICES, RoleKind
from associations.errors import NotFound, WaslError
from associations.links import base_url
from associations.models import (
    AccessToken,
    Association,
    AuditChainHead,
    Invitation,
    Province,
    Region,
    Role,
    Sector,
)
from associations.selectors import associations_with_similar_names, office_holders
from associations.tenancy import association_scope, current_association_id
from associations.text import name_key, normalise_for_search, refuse_bidi_formatting

ASSOCIATION_PUBLIC_FIELDS = (
    "name_ar",
    "name_fr",
    "acronym",
    "legal_status",
    "provisional_receipt_number",
    "provisional_receipt_date",
    "final_receipt_number",
    "final_receipt_date",
    "is_public_utility",
    "region",
    "province",
    "sector",
    "reach",
    "address",
    "founded_on",
)
ASSOCIATION_STATUTORY_FIELDS = (
    "ga_notice_days",
    "ga_quorum_percent",
    "board_term_years",
    "max_proxies_per_holder",
    "fiscal_year_start_month",
)
ASSOCIATION_EDITABLE_FIELDS = ASSOCIATION_PUBLIC_FIELDS + ASSOCIATION_STATUTORY_FIELDS
# What an operator checks against the declaration receipt: changing any of them undoes the check.
ASSOCIATION_VERIFIED_FIELDS = (
    "name_ar",
    "name_fr",
    "provisional_receipt_number",
    "final_receipt_number",
)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- Associations ---------------------------------------------------------------------------


def _unique_slug(*, name_fr: str, acronym: str) -> str:
    base = slugify(acronym or name_fr)[:50] or "association"
    slug, n = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_association(values: dict) -> None:
    if not (values.get("name_ar") or "").strip():
        raise WaslError(_("The name in Arabic is required."), field="name_ar")
    if not (values.get("name_fr") or "").strip():
        raise WaslError(_("The name in French is required."), field="name_fr")
    for field in ("name_ar", "name_fr", "acronym", "address"):
        refuse_bidi_formatting(values.get(field), field=field)
    region: Region | None = values.get("region")
    province: Province | None = values.get("province")
    if region is None:
        raise WaslError(_("Choose a region."), field="region")
    if province is None:
        raise WaslError(_("Choose a prefecture or province."), field="province")
    if province.region_id != region.pk:
        raise WaslError(_("This prefecture or province is not in the chosen region."), field="province")
    if not isinstance(values.get("sector"), Sector):
        raise WaslError(_("Choose a sector."), field="sector")
    founded_on: date | None = values.get("founded_on")
    today = timezone.localdate()
    if founded_on and founded_on > today:
        raise WaslError(_("The founding date cannot be in the future."), field="founded_on")
    status = values.get("legal_status", Association.LegalStatus.DECLARED)
    if status == Association.LegalStatus.PROVISIONAL and not values.get("provisional_receipt_number"):
        raise WaslError(_("Give the provisional receipt number."), field="provisional_receipt_number")
    if status == Association.LegalStatus.FINAL and not values.get("final_receipt_number"):
        raise WaslError(_("Give the final receipt number."), field="final_receipt_number")
    for field in ("provisional_receipt_date", "final_receipt_date"):
        if values.get(field) and values[field] > today:
            raise WaslError(_("A receipt date cannot be in the future."), field=field)


def _full_clean(association: Association) -> None:
    """Model-level validation (ranges, choices), reported as the application's error."""
    try:
        association.full_clean(exclude=["slug", "created_by", "search_text"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise WaslError(messages[0], field=field) from exc


def _search_text(association: Association) -> str:
    return normalise_for_search(" ".join([association.name_ar, association.name_fr, association.acronym]))


def _set_derived_names(association: Association) -> None:
    association.search_text = _search_text(association)
    association.name_ar_key = name_key(association.name_ar)
    association.name_fr_key = name_key(association.name_fr)


def similar_names_message(similar: list[Association]) -> str:
    names = "; ".join(f"{a.name_fr} — {a.name_ar}" for a in similar[:5])
    return _(
        "An association with a similar name already exists: %(names)s. If yours is a different "
        "association, confirm to register it; it will show as unverified until Wasl checks its "
        "declaration receipt."
    ) % {"names": names}


@transaction.atomic
def association_register(*, actor: User, confirm_similar_name: bool = False, **values) -> Association:
    """Create an association; `actor` becomes its president. It starts unverified (see
    `association_verify`). A name that reads like another association's is refused unless the
    person confirms (`confirm_similar_name`), and the registration records the look-alikes."""
    _validate_association(values)
    unknown = set(values) - set(ASSOCIATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown association fields: {sorted(unknown)}")
    association = Association(created_by=actor, **values)
    for attr in ("name_ar", "name_fr", "acronym", "address"):
        setattr(association, attr, (getattr(association, attr) or "").strip())
    similar = list(
        associations_with_similar_names(name_ar=association.name_ar, name_fr=association.name_fr)[:5]
    )
    if similar and not confirm_similar_name:
        raise WaslError(similar_names_message(similar), code="similar_name")
    association.slug = _unique_slug(name_fr=association.name_fr, acronym=association.acronym)
    _set_derived_names(association)
    _full_clean(association)
    try:
        with transaction.atomic():
            association.save()
    except IntegrityError:  # another registration took the slug between check and insert
        association.slug = f"{association.slug[:50]}-{secrets.token_hex(3)}"
        association.save()
    with association_scope(association):
        AuditChainHead.objects.create()
        role = Role.objects.create(user=actor, kind=RoleKind.PRESIDENT, granted_by=actor)
        changes = {"slug": association.slug, "name_ar": association.name_ar, "name_fr": association.name_fr}
        if similar:  # the person confirmed despite the warning: keep what they were shown
            changes["similar_to"] = [a.slug for a in similar]
        audit_record(
            actor=actor, action="associations.association.registered", target=association, changes=changes
        )
        audit_record(
            actor=actor, action="associations.role.granted", target=role, changes={"kind": role.kind}
        )
    return association


@transaction.atomic
def association_update(*, actor: User, association: Association, **values) -> Association:
    """Edit profile and statutory settings; records the changed values."""
    unknown = set(values) - set(ASSOCIATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown association fields: {sorted(unknown)}")
    if association.pk != current_association_id():
        raise NotFound()
    merged = {field: getattr(association, field) for field in ASSOCIATION_EDITABLE_FIELDS}
    merged.update(values)
    _validate_association(merged)
    locked = Association.objects.select_for_update().get(pk=association.pk)
    changes = {}
    for field, value in values.items():
        old = getattr(locked, field)
        if old != value:
            changes[field] = {"from": old, "to": value}
            setattr(locked, field, value)
    if not changes:
        return locked
    _set_derived_names(locked)
    _full_clean(locked)
    update_fields = [*changes.keys(), "search_text", "name_ar_key", "name_fr_key"]
    if locked.verified_at is not None and set(changes) & set(ASSOCIATION_VERIFIED_FIELDS):
        # The operator checked these names and numbers against the receipt; new ones are unchecked.
        changes["verified"] = {"from": True, "to": False}
        locked.verified_at = None
        locked.verified_by = None
        update_fields += ["verified_at", "verified_by"]
    locked.save(update_fields=update_fields)
    audit_record(actor=actor, action="associations.association.updated", target=locked, changes=changes)
    return locked


@transaction.atomic
def association_verify(*, actor: User, association_id: int) -> Association:
    """A platform operator has checked the declaration receipt (récépissé): the names and the
    receipt number match the authority's receipt. Records who and when, in the association's
    audit trail. Verifying a verified association changes nothing."""
    association = Association.objects.select_for_update().filter(pk=association_id).first()
    if association is None:
        raise NotFound()
    if association.verified_at is not None:
        return association
    receipt = association.final_receipt_number or association.provisional_receipt_number
    if not receipt:
        raise WaslError(
            _("Record the number of the declaration receipt before marking the association verified."),
            field="provisional_receipt_number",
            code="no_receipt",
        )
    association.verified_at = timezone.now()
    association.verified_by = actor
    association.save(update_fields=["verified_at", "verified_by"])
    with association_scope(association):
        audit_record(
            actor=actor,
            action="associations.association.verified",
            target=association,
            changes={
                "receipt_number": receipt,
                "name_ar": association.name_ar,
                "name_fr": association.name_fr,
            },
        )
    return association


@transaction.atomic
def association_unverify(*, actor: User, association_id: int, reason: str) -> Association:
    """Withdraw the verification (a mistake, or a receipt found not to match)."""
    reason = (reason or "").strip()
    if not reason:
        raise WaslError(_("Give the reason for withdrawing the verification."), field="reason")
    association = Association.objects.select_for_update().filter(pk=association_id).first()
    if association is None:
        raise NotFound()
    if association.verified_at is None:
        return association
    association.verified_at = None
    association.verified_by = None
    association.save(update_fields=["verified_at", "verified_by"])
    with association_scope(association):
        audit_record(
            actor=actor,
            action="associations.association.unverified",
            target=association,
            changes={"reason": reason[:300]},
        )
    return association


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, actor: User, user: User, kind: str) -> Role:
    """Give a role directly to an existing user (operators and demo data; officers invite)."""
    if kind not in RoleKind.values:
        raise WaslError(_("Unknown role."), field="kind")
    if Role.objects.filter(user=user).exists():
        raise WaslError(_("This person already holds a role in the association."), field="user")
    role = Role.objects.create(user=user, kind=kind, granted_by=actor)
    audit_record(
        actor=actor,
        action="associations.role.granted",
        target=role,
        changes={"kind": kind, "user": user.email},
    )
    return role


def second_holder_message(*, kind: str, holders: list[str], invited: list[str]) -> str:
    people = [*holders, *(_("%(email)s (invited)") % {"email": email} for email in invited)]
    return _(
        "%(office)s is already held by or offered to %(people)s. Statutes normally give this office "
        "to one person: confirm to give it to a second one."
    ) % {"office": RoleKind(kind).label, "people": ", ".join(people)}


def _check_single_office(*, kind: str, confirmed: bool, exclude_role_id: int | None = None) -> None:
    """A normally single office (president, secretary-general, treasurer) given to a second person
    needs an explicit confirmation. Refuses with code "second_holder" otherwise."""
    if kind not in SINGLE_OFFICES or confirmed:
        return
    holders, invited = office_holders(kind=kind, exclude_role_id=exclude_role_id)
    if holders or invited:
        raise WaslError(
            second_holder_message(kind=kind, holders=holders, invited=invited),
            field="kind",
            code="second_holder",
        )


def _lock_presidents() -> list[Role]:
    """Lock every president row of the current association, so two concurrent removals of two
    presidents are serialised and the second sees that it would remove the last one."""
    return list(Role.objects.select_for_update().filter(kind=RoleKind.PRESIDENT).order_by("pk"))


@transaction.atomic
def role_change(*, actor: User, role_id: int, kind: str, confirm_second_holder: bool = False) -> Role:
    if kind not in RoleKind.values:
        raise WaslError(_("Unknown role."), field="kind")
    presidents = _lock_presidents()
    role = Role.objects.select_for_update().filter(pk=role_id).first()
    if role is None:
        raise NotFound()
    if role.kind == kind:
        return role
    _check_single_office(kind=kind, confirmed=confirm_second_holder, exclude_role_id=role.pk)
    if role.kind == RoleKind.PRESIDENT and len(presidents) == 1:
        raise WaslError(
            _("The association must keep at least one president."), field="kind", code="last_president"
        )
    old = role.kind
    role.kind = kind
    role.granted_by = actor
    role.granted_at = timezone.now()
    role.save(update_fields=["kind", "granted_by", "granted_at"])
    audit_record(
        actor=actor,
        action="associations.role.changed",
        target=role,
        changes={"kind": {"from": old, "to": kind}},
    )
    return role


@transaction.atomic
def role_revoke(*, actor: User, role_id: int) -> None:
    presidents = _lock_presidents()
    role = Role.objects.select_for_update().select_related("user").filter(pk=role_id).first()
    if role is None:
        raise NotFound()
    if role.kind == RoleKind.PRESIDENT and len(presidents) == 1:
        raise WaslError(_("The association must keep at least one president."), code="last_president")
    # Their API tokens here die with the role, so a later re-invitation does not revive them.
    tokens_revoked = AccessToken.objects.filter(user_id=role.user_id, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="associations.role.revoked",
        target=role,
        changes={"user": role.user.email, "kind": role.kind, "tokens_revoked": tokens_revoked},
    )
    role.delete()


# --- Invitations ----------------------------------------------------------------------------


def _send_invitation_email(
    *, invitation_id: int, raw_token: str, association_id: int, language: str, base: str
) -> None:
    with association_scope(association_id):
        invitation = Invitation.objects.get(pk=invitation_id)
        association = Association.objects.get(pk=association_id)
        with translation.override(language):
            url = base + reverse(
                "associations:invitation_accept",
                kwargs={"association_slug": association.slug, "token": raw_token},
            )
            context = {"association": association, "invitation": invitation, "url": url}
            subject = _("Invitation to join %(name)s on Wasl") % {"name": association.display_name}
            body = render_to_string("associations/email/invitation.txt", context)
            send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, kind: str, confirm_second_holder: bool = False
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link after commit. Returns the row and the raw token
    (stored only as a hash; the caller may show it once, e.g. to print or send by other means).
    Offering a single office that someone holds (or is invited to) needs `confirm_second_holder`."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise WaslError(_("Enter a valid e-mail address."), field="email") from exc
    if kind not in RoleKind.values:
        raise WaslError(_("Unknown role."), field="kind")
    if Role.objects.filter(user__email__iexact=email).exists():
        raise WaslError(_("This person already holds a role in the association."), field="email")
    now = timezone.now()
    if Invitation.objects.filter(email=email, accepted_at=None, revoked_at=None, expires_at__gt=now).exists():
        raise WaslError(_("An invitation to this address is already pending."), field="email")
    _check_single_office(kind=kind, confirmed=confirm_second_holder)
    raw_token = secrets.token_urlsafe(32)
    language = translation.get_language() or settings.LANGUAGE_CODE
    invitation = Invitation.objects.create(
        email=email,
        kind=kind,
        language=language,
        token_hash=hash_secret(raw_token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.WASL_INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="associations.invitation.created",
        target=invitation,
        changes={"email": email, "kind": kind},
    )
    association_id = invitation.association_id
    # Sent directly, not through the outbox: the link carries a one-time secret that is never
    # stored in clear. Reminders (notifications/contributions.py) go through the outbox and point to /me/.
    base = base_url()  # the address served on now: the e-mail may leave after the request
    transaction.on_commit(
        lambda: _send_invitation_email(
            invitation_id=invitation.pk,
            raw_token=raw_token,
            association_id=association_id,
            language=language,
            base=base,
        )
    )
    return invitation, raw_token


def invitation_for_token(*, raw_token: str, user: User) -> Invitation:
    """The pending invitation behind a link, for this user's e-mail only; NotFound otherwise."""
    invitation = Invitation.objects.filter(token_hash=hash_secret(raw_token or "")).first()
    if invitation is None or invitation.email.lower() != (user.email or "").lower():
        raise NotFound(_("This invitation does not exist or was sent to another address."))
    if invitation.accepted_at is not None:
        raise WaslError(_("This invitation has already been accepted."), code="invitation_used")
    if invitation.revoked_at is not None:
        raise WaslError(_("This invitation was withdrawn."), code="invitation_revoked")
    if invitation.expires_at <= timezone.now():
        raise WaslError(
            _("This invitation has expired. Ask the association for a new one."), code="invitation_expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, raw_token: str) -> Role:
    """Accept through the e-mailed link."""
    invitation = invitation_for_token(raw_token=raw_token, user=actor)
    return _invitation_accept(actor=actor, invitation=invitation)


@transaction.atomic
def invitation_join(*, actor: User, invitation_id: int) -> Role:
    """Accept from /me/, where a person sees the invitations sent to their verified addresses."""
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.filter(pk=invitation_id).first()
    verified = (
        invitation is not None
        and EmailAddress.objects.filter(user=actor, email__iexact=invitation.email, verified=True).exists()
    )
    if not verified:
        raise NotFound(_("This invitation does not exist or was sent to another address."))
    if not invitation.is_pending:
        raise WaslError(_("This invitation can no longer be accepted."), code="invitation_closed")
    return _invitation_accept(actor=actor, invitation=invitation)


def _invitation_accept(*, actor: User, invitation: Invitation) -> Role:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # lost a race with a second click
        raise WaslError(_("This invitation has already been accepted."), code="invitation_used")
    if Role.objects.filter(user=actor).exists():
        raise WaslError(_("You already hold a role in this association."), code="already_member")
    try:
        with transaction.atomic():
            role = Role.objects.create(user=actor, kind=invitation.kind, granted_by=invitation.invited_by)
    except IntegrityError as exc:
        raise WaslError(_("You already hold a role in this association."), code="already_member") from exc
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="associations.invitation.accepted",
        target=invitation,
        changes={"kind": invitation.kind},
    )
    audit_record(actor=actor, action="associations.role.granted", target=role, changes={"kind": role.kind})
    return role


@transaction.atomic
def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound()
    if invitation.accepted_at is not None:
        raise WaslError(_("This invitation has already been accepted."), code="invitation_used")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="associations.invitation.revoked",
            target=invitation,
            changes={"email": invitation.email},
        )
    return invitation


# --- API access tokens ----------------------------------------------------------------------

TOKEN_PREFIX = "wasl"
DATABASE_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a bigint (str.isdigit accepts "²")


def parse_access_token(raw: str) -> tuple[int, str] | None:
    """`wasl_<association id>_<secret>` → (association id, raw). The id lets authentication open
    the right scope before looking the token up, so no lookup ever crosses associations."""
    parts = (raw or "").split("_", 2)
    if (
        len(parts) != 3
        or parts[0] != TOKEN_PREFIX
        or not DATABASE_ID.fullmatch(parts[1])
        or len(parts[2]) < 20
    ):
        return None
    return int(parts[1]), raw


@transaction.atomic
def access_token_create(*, actor: User, name: str) -> tuple[AccessToken, str]:
    name = (name or "").strip()
    if not name:
        raise WaslError(_("Give the token a name."), field="name")
    if len(name) > 80:
        raise WaslError(_("The name is too long (80 characters at most)."), field="name")
    association_id = current_association_id()
    raw = f"{TOKEN_PREFIX}_{association_id}_{secrets.token_urlsafe(32)}"
    token = AccessToken.objects.create(user=actor, name=name, prefix=raw[:14], token_hash=hash_secret(raw))
    audit_record(actor=actor, action="associations.token.created", target=token, changes={"name": name})
    return token, raw


@transaction.atomic
def access_token_revoke(*, actor: User, token_id: int) -> None:
    token = AccessToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="associations.token.revoked", target=token, changes={"name": token.name}
        )
