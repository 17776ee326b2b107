"""Roles and what they may do: one table in code, read by views, API and templates alike.

A view declares the capability it needs (`@requires("roles.manage")`, or `required_capability`
on an API view); templates ask `{% if can.finance_post %}` through the `can` context variable.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    TREASURER = "treasurer", _("Treasurer")
    DEPUTY = "deputy", _("Deputy officer")
    BOARD_MEMBER = "board_member", _("Board member")
    STAFF = "staff", _("Staff")
    MEMBER = "member", _("Member")


# Roles from the least to the most powerful: the order of every role list, so that the first
# (preselected) choice is never a powerful one.
ROLES_BY_POWER = (
    RoleKind.MEMBER,
    RoleKind.STAFF,
    RoleKind.BOARD_MEMBER,
    RoleKind.DEPUTY,
    RoleKind.TREASURER,
    RoleKind.SECRETARY_GENERAL,
    RoleKind.VICE_PRESIDENT,
    RoleKind.PRESIDENT,
)
ROLE_CHOICES_BY_POWER = [(kind.value, kind.label) for kind in ROLES_BY_POWER]

# Offices statutes normally give to one person: giving one to a second person needs a confirmation.
SINGLE_OFFICES = frozenset({RoleKind.PRESIDENT, RoleKind.SECRETARY_GENERAL, RoleKind.TREASURER})


# Every capability the product knows, with what it lets a person do (shown to people, e.g. what
# someone loses when their role is revoked).
CAPABILITIES: dict[str, Promise] = {
    "association.view": _("See the association's workspace and public profile."),
    "association.manage": _("Edit the association's profile and statutory settings."),
    "roles.view": _("See who holds which role."),
    "roles.manage": _("Invite people, change and revoke roles."),
    "audit.view": _("Browse the audit trail."),
    "members.view": _("See the member register."),
    "members.manage": _("Admit, edit and remove members."),
    "members.view_sensitive": _("See CIN numbers and sensitive personal data."),
    "finance.view": _("See dues, receipts and the books."),
    "finance.post": _("Record payments, issue receipts and post entries."),
    "finance.close": _("Close a fiscal year and allocate its result."),
    "governance.view": _("See assemblies, minutes and elections."),
    "governance.convene": _("Convene general assemblies and run elections."),
    "governance.checkin": _("Check members in at an assembly's door and record their proxies."),
    "training.manage": _("Manage trainings and enrolments."),
    "resources.view": _("See volunteers, staff, equipment and premises."),
    "resources.manage": _("Record volunteers and their hours, staff, equipment and premises."),
    "planning.view": _("See the strategic plan, its programmes and projects."),
    "planning.manage": _("Write and adopt the strategic plan, its programmes and projects."),
    "api.tokens": _("Create personal API tokens for this association."),
    "notifications.view": _("See the association's outbox: what was sent, what failed and why."),
    "notifications.manage": _("Resend failed messages and record objections to a channel."),
    "documents.issue": _("Issue and cancel the association's documents."),
    "documents.view": _("See and download the association's documents."),
    "jobs.view": _("Follow background jobs and download their results."),
    "communication.view": _("See the announcements sent to members and their delivery."),
    "communication.manage": _(
        "Write and send announcements to members, publish news on the public page, change the logo."
    ),
}

_OFFICER_COMMON = {
    "association.view",
    "notifications.view",
    "documents.view",
    "jobs.view",
    "roles.view",
    "audit.view",
    "members.view",
    "finance.view",
    "governance.view",
    "api.tokens",
    "communication.view",
    "resources.view",
    "planning.view",
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    RoleKind.PRESIDENT: frozenset(
        _OFFICER_COMMON
        | {
            "association.manage",
            "roles.manage",
            "members.manage",
            "members.view_sensitive",
            "governance.convene",
            "governance.checkin",
            "training.manage",
            "notifications.manage",
            "documents.issue",
            "communication.manage",
            "finance.close",
            "resources.manage",
            "planning.manage",
        }
    ),
    RoleKind.VICE_PRESIDENT: frozenset(
        _OFFICER_COMMON | {"members.manage", "governance.convene", "governance.checkin", "planning.manage"}
    ),
    RoleKind.SECRETARY_GENERAL: frozenset(
        _OFFICER_COMMON
        | {
            "association.manage",
            "members.manage",
            "members.view_sensitive",
            "governance.convene",
            "governance.checkin",
            "training.manage",
            "notifications.manage",
            "documents.issue",
            "communication.manage",
            "resources.manage",
            "planning.manage",
        }
    ),
    RoleKind.TREASURER: frozenset(
        _OFFICER_COMMON
        | {"finance.post", "finance.close", "members.view_sensitive", "documents.issue", "resources.manage"}
    ),
    RoleKind.DEPUTY: frozenset(_OFFICER_COMMON | {"members.manage", "governance.checkin"}),
    RoleKind.BOARD_MEMBER: frozenset(_OFFICER_COMMON | {"governance.checkin"}),
    RoleKind.STAFF: frozenset(
        # jobs.view: staff start imports, card sheets and exports, and follow them.
        {
            "association.view",
            "members.view",
            "members.manage",
            "training.manage",
            "api.tokens",
            "jobs.view",
            "governance.checkin",
            "resources.view",
            "resources.manage",
            "planning.view",
            "planning.manage",
        }
    ),
    RoleKind.MEMBER: frozenset({"association.view"}),
}

# Officers (and ministry reviewers) must use two-factor login when WASL_REQUIRE_MFA is on.
OFFICER_ROLES = frozenset(
    {
        RoleKind.PRESIDENT,
        RoleKind.VICE_PRESIDENT,
        RoleKind.SECRETARY_GENERAL,
        RoleKind.TREASURER,
        RoleKind.DEPUTY,
        RoleKind.BOARD_MEMBER,
    }
)


def capabilities_of(role_kind: str | None) -> frozenset[str]:
    if role_kind is None:
        return frozenset()
    return ROLE_CAPABILITIES.get(role_kind, frozenset())


def has_capability(role_kind: str | None, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}")
    return capability in capabilities_of(role_kind)


class CapabilityFlags:
    """Template-friendly view of capabilities: `{% if can.roles_manage %}`."""

    def __init__(self, role_kind: str | None) -> None:
        self._capabilities = capabilities_of(role_kind)

    def __getattr__(self, name: str) -> bool:
        capability = name.replace("_", ".", 1)
        if capability not in CAPABILITIES:
            raise AttributeError(name)
        return capability in self._capabilities
