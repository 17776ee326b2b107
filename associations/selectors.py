"""Reads for associations, roles, invitations, tokens and the audit log.

Tenant reads run inside the scope their entry point opened. The only cross-tenant reads here are
a person's own roles (for /me/, the association switch and the two-factor rule).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
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

    @property
    def role_label(self) -> str:
        return str(RoleKind(self.role_kind).label)  # in the reader's language, when it is read


def memberships_of(*, user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    with cross_tenant_read(reason="a person's own roles across associations"):
        roles = list(
            Role.objects.filter(user=user, association__is_active=True)
            .select_related("association")
            .order_by("association__name_fr")
        )
    return [Membership(r.association, r.kind) for r in roles]


MEMBERSHIPS_SESSION_KEY = "wasl_memberships"
# What the menu and /me/ show of an association; kept in the session with the role.
_SNAPSHOT_FIELDS = ("id", "slug", "name_ar", "name_fr", "acronym")


def memberships_of_request(request) -> list[Membership]:
    """`memberships_of` the signed-in person, read once per request and kept in their session
    while `User.memberships_version` is unchanged: the menu of every page needs it, and it is a
    query across every association (on a distributed database, across every shard). A change of
    one of their roles, or of an association they belong to, bumps the version
    (associations/signals.py) and the next request reads them again.

    The associations it returns carry only what the menu shows (slug, names, acronym): use
    `memberships_of` where more is needed (the API). Access is never decided from it: the
    workspace middleware reads the role in the association's scope on every request."""
    cached = getattr(request, "_wasl_memberships", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    memberships: list[Membership] = []
    if user is not None and user.is_authenticated:
        session = getattr(request, "session", None)
        stored = session.get(MEMBERSHIPS_SESSION_KEY) if session is not None else None
        if (
            isinstance(stored, dict)
            and stored.get("user") == user.pk
            and stored.get("version") == user.memberships_version
        ):
            memberships = [
                Membership(Association(**dict(zip(_SNAPSHOT_FIELDS, row[0], strict=True))), row[1])
                for row in stored["rows"]
            ]
        else:
            memberships = memberships_of(user=user)
            if session is not None:
                session[MEMBERSHIPS_SESSION_KEY] = {
                    "user": user.pk,
                    "version": user.memberships_version,
                    "rows": [
                        [[getattr(m.association, f) for f in _SNAPSHOT_FIELDS], m.role_kind]
                        for m in memberships
                    ],
                }
    request._wasl_memberships = memberships
    return memberships


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
    """Public directory: public facts only, searchable in Arabic and Latin script (every word, in
    any order; a trigram index serves it on PostgreSQL)."""
    associations = Association.objects.filter(is_active=True).select_related("region", "province", "sector")
    for word in normalise_for_search(query).split()[:8]:
        associations = associations.filter(search_text__contains=word)
    if region_code:
        associations = associations.filter(region__code=region_code)
    if sector_code:
        associations = associations.filter(sector__code=sector_code)
    # Among equal names the verified association comes first: a look-alike never precedes it.
    return associations.order_by("name_fr", F("verified_at").asc(nulls_last=True), "pk")


DIRECTORY_PAGE_SIZE = 20
DIRECTORY_COUNT_LIMIT = 10_000  # past this, "more than 10,000"
DIRECTORY_COUNT_SECONDS = 300  # how long a count is kept (the directory changes slowly)
DIRECTORY_GENERATION_KEY = "wasl:directory-generation"


def directory_changed() -> None:
    """Forget the directory's cached counts (an association was registered, renamed, closed)."""
    try:
        cache.incr(DIRECTORY_GENERATION_KEY)
    except ValueError:  # not in the cache yet (or evicted)
        cache.set(DIRECTORY_GENERATION_KEY, 1, None)


@dataclass(frozen=True)
class DirectoryPage:
    associations: list[Association]
    next_cursor: str | None
    has_previous: bool

    def __iter__(self):
        return iter(self.associations)

    def __len__(self) -> int:
        return len(self.associations)


def _directory_cursor_encode(association: Association) -> str:
    verified = association.verified_at.isoformat() if association.verified_at else None
    raw = json.dumps([association.name_fr, verified, association.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _directory_after(cursor: str) -> Q | None:
    """Rows after the cursor in (name_fr, verified_at NULLS LAST, id) order, or None if it is not
    one of ours. `name_fr >= name` leads, so the page is a range of the active-names index."""
    try:
        name, verified, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        verified = datetime.fromisoformat(verified) if verified is not None else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(name, str) or len(name) > 200 or not isinstance(pk, int) or isinstance(pk, bool):
        return None
    if not 0 <= pk < 2**63:
        return None
    if verified is None:  # among the unverified of that name: only a greater id follows
        same_name_after = Q(verified_at=None, pk__gt=pk)
    else:
        same_name_after = (
            Q(verified_at__gt=verified) | Q(verified_at=None) | Q(verified_at=verified, pk__gt=pk)
        )
    return Q(name_fr__gte=name) & (Q(name_fr__gt=name) | (Q(name_fr=name) & same_name_after))


def directory_page(associations: QuerySet[Association], *, cursor: str = "") -> DirectoryPage:
    """One page of the directory after `cursor` (keyset: a late page costs what the first does)."""
    after = _directory_after(cursor) if cursor else None
    if after is not None:
        associations = associations.filter(after)
    rows = list(associations[: DIRECTORY_PAGE_SIZE + 1])
    has_more = len(rows) > DIRECTORY_PAGE_SIZE
    rows = rows[:DIRECTORY_PAGE_SIZE]
    return DirectoryPage(
        associations=rows,
        next_cursor=_directory_cursor_encode(rows[-1]) if has_more and rows else None,
        has_previous=after is not None,
    )


def directory_count(*, query: str = "", region_code: str = "", sector_code: str = "") -> int:
    """How many associations the directory lists for these filters, counted up to
    DIRECTORY_COUNT_LIMIT + 1 and kept DIRECTORY_COUNT_SECONDS in the cache: the directory is the
    busiest public page, and a count of every association on each of its pages was its main cost."""
    generation = cache.get(DIRECTORY_GENERATION_KEY, 0)  # moved on by every change of an association
    key = (
        "wasl:directory-count:"
        + hashlib.sha256(
            json.dumps([generation, normalise_for_search(query), region_code, sector_code]).encode()
        ).hexdigest()
    )
    count = cache.get(key)
    if count is None:
        found = association_directory(query=query, region_code=region_code, sector_code=sector_code)
        count = found.order_by()[: DIRECTORY_COUNT_LIMIT + 1].count()
        cache.set(key, count, DIRECTORY_COUNT_SECONDS)
    return count


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
