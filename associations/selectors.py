"""Reads for associations, roles, invitations, tokens and the audit log.

Tenant reads run inside the scope their entry point opened. The only cross-tenant reads here are
a person's own roles (for /me/, the association switch and the two-factor rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from accounts.models import User
from associations.capabilities import CAPABILITIES, OFFICER_ROLES, SINGLE_OFFICES, RoleKind, capabilities_of
from associations.models import AccessToken, Association, AuditEvent, Invitation, Province, Role
from associations.tenancy import cross_tenant_read
from associations.text import name_key, normalise_for_search


@dataclass(frozen=True)
class Membership:
    """One of a person's roles, with its association (a plain value, safe outside any scope)."""

    association: Association
    role_kind: str
    role_label: str


def memberships_of(*, user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    with cross_tenant_read(reason="a person's own roles across associations"):
        roles = list(
            Role.objects.filter(user=user, association__is_active=True)
            .select_related("association")
            .order_by("association__name_fr")
        )
    return [Membership(r.association, r.kind, str(r.get_kind_display())) for r in roles]


def invitations_waiting_for(*, user: User) -> list[Invitation]:
    """Pending invitations sent to any of the person's verified e-mail addresses (for /me/)."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    emails = [
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]
    if not emails:
        return []
    with cross_tenant_read(reason="invitations addressed to a person's own verified e-mail"):
        return list(
            Invitation.objects.filter(
                email__in=emails, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
            )
            .select_related("association")
            .order_by("-created_at")
        )


def user_is_officer_anywhere(*, user: User) -> bool:
    with cross_tenant_read(reason="two-factor rule for officers"):
        return Role.objects.filter(user=user, kind__in=OFFICER_ROLES).exists()


def role_of(*, user: User) -> Role | None:
    """The user's role in the current association (scope already open)."""
    if not user.is_authenticated:
        return None
    return Role.objects.filter(user=user).first()


def association_directory(
    *, query: str = "", region_code: str = "", sector_code: str = ""
) -> QuerySet[Association]:
    """Public directory: public facts only, searchable in Arabic and Latin script."""
    associations = Association.objects.filter(is_active=True).select_related("region", "province", "sector")
    needle = normalise_for_search(query)
    if needle:
        associations = associations.filter(search_text__contains=needle)
    if region_code:
        associations = associations.filter(region__code=region_code)
    if sector_code:
        associations = associations.filter(sector__code=sector_code)
    # Among equal names the verified association comes first: a look-alike never precedes it.
    return associations.order_by("name_fr", F("verified_at").asc(nulls_last=True), "pk")


def associations_with_similar_names(
    *, name_ar: str, name_fr: str, exclude_id: int | None = None
) -> QuerySet[Association]:
    """Other associations whose Arabic or French name reads the same (same text.name_key):
    shown to a person registering, and flagged to operators in the admin."""
    condition = Q()
    for field, key in (("name_ar_key", name_key(name_ar)), ("name_fr_key", name_key(name_fr))):
        if key:  # a name made only of generic words ("Association") resembles nothing in particular
            condition |= Q(**{field: key})
    if not condition:
        return Association.objects.none()
    similar = Association.objects.filter(condition).select_related("province")
    if exclude_id is not None:
        similar = similar.exclude(pk=exclude_id)
    return similar.order_by(F("verified_at").asc(nulls_last=True), "name_fr", "pk")


def provinces_of_region(*, region_id: int | None) -> QuerySet[Province]:
    if not region_id:
        return Province.objects.none()
    return Province.objects.filter(region_id=region_id).order_by("name_fr")


def role_list() -> QuerySet[Role]:
    return Role.objects.select_related("user", "granted_by").order_by("kind", "user__email")


def role_get(*, role_id: int) -> Role | None:
    return Role.objects.select_related("user").filter(pk=role_id).first()


@dataclass(frozen=True)
class RoleRevokePreview:
    """What revoking a role would do, for the confirmation page."""

    role: Role
    loses: list[str]  # everything the role lets them do today, in the table's order
    powers: list[str]  # of which, what goes beyond a plain board member (shown first)
    tokens: int  # their API tokens here, revoked with the role
    leaves_office_empty: bool  # the last holder of a single office (secretary-general, treasurer)
    last_president: bool  # refused: the association must keep a president


def role_revoke_preview(*, role: Role) -> RoleRevokePreview:
    held = capabilities_of(role.kind)
    common = capabilities_of(RoleKind.BOARD_MEMBER)
    same_kind = Role.objects.filter(kind=role.kind).exclude(pk=role.pk).exists()
    return RoleRevokePreview(
        role=role,
        loses=[str(description) for key, description in CAPABILITIES.items() if key in held],
        powers=[str(text) for key, text in CAPABILITIES.items() if key in held and key not in common],
        tokens=AccessToken.objects.filter(user_id=role.user_id, revoked_at=None).count(),
        leaves_office_empty=role.kind in SINGLE_OFFICES and not same_kind,
        last_president=role.kind == RoleKind.PRESIDENT and not same_kind,
    )


def invitation_get(*, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(pk=invitation_id).first()


def access_token_get(*, user: User, token_id: int) -> AccessToken | None:
    return AccessToken.objects.filter(pk=token_id, user=user).first()


def office_holders(*, kind: str, exclude_role_id: int | None = None) -> tuple[list[str], list[str]]:
    """Who holds an office now (names), and to whom a pending invitation offers it (e-mails), in
    the current association: the people a second holder would share it with."""
    from django.utils import timezone

    roles = Role.objects.filter(kind=kind).select_related("user").order_by("granted_at", "pk")
    if exclude_role_id is not None:
        roles = roles.exclude(pk=exclude_role_id)
    holders = [role.user.display_name for role in roles]
    invited = (
        Invitation.objects.filter(kind=kind, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .order_by("created_at", "pk")
        .values_list("email", flat=True)
    )
    return holders, list(invited)


def invitation_list_pending() -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(accepted_at=None, revoked_at=None)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def access_token_list(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at")


def audit_event_list(
    *, action: str = "", actor_email: str = "", since=None, until=None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    if action:
        events = events.filter(Q(action=action) | Q(action__startswith=action.rstrip(".") + "."))
    if actor_email:
        events = events.filter(actor_label__icontains=actor_email.strip())
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    return events


def audit_action_keys() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
