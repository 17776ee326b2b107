"""How the tenant core's audit events read (imported from associations/contributions.py).

Sentences are format strings with named placeholders (see `seams.AuditAction`); translators may
reorder them freely, the values are isolated when shown.
"""

from __future__ import annotations

from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from associations import seams
from associations.capabilities import RoleKind
from associations.models import Association, Province, Region, Sector

ROLE_WORDS = dict(RoleKind.choices)


def _reference_name(model):
    def name(pk):
        found = model.objects.filter(pk=pk).first() if str(pk).isdecimal() else None
        return str(found) if found is not None else pk

    return name


ASSOCIATION_FIELDS = {
    **{f.name: f.verbose_name for f in Association._meta.concrete_fields},
    "verified": _("verified by Wasl"),
    "slug": _("web address"),
    "similar_to": _("look-alike names, confirmed anyway"),
}
ASSOCIATION_VALUES = {
    "legal_status": dict(Association.LegalStatus.choices),
    "reach": dict(Association.Reach.choices),
    "region": _reference_name(Region),
    "province": _reference_name(Province),
    "sector": _reference_name(Sector),
    "fiscal_year_start_month": lambda month: MONTHS.get(month, month),
}
ROLE_FIELDS = {
    "kind": _("role"),
    "user": _("person"),
    "email": _("e-mail address"),
    "tokens_revoked": _("API tokens revoked with it"),
    "name": _("token name"),
}


def _role_holder(facts) -> dict:
    """Role events name the person by e-mail in `changes["user"]`, or in the target label
    ('email (kind)') for the older ones."""
    person = facts.changes.get("user") or facts.target.rsplit(" (", 1)[0]
    return {"person": person}


for action in (
    seams.AuditAction(
        key="associations.association.registered",
        label=_("Association registered"),
        sentence=_("%(actor)s registered the association"),
        field_labels=ASSOCIATION_FIELDS,
    ),
    seams.AuditAction(
        key="associations.association.updated",
        label=_("Association details changed"),
        sentence=_("%(actor)s changed the association's details"),
        field_labels=ASSOCIATION_FIELDS,
        values=ASSOCIATION_VALUES,
    ),
    seams.AuditAction(
        key="associations.association.verified",
        label=_("Association verified"),
        sentence=_("%(actor)s checked the association's declaration receipt %(receipt_number)s"),
        field_labels=ASSOCIATION_FIELDS | {"receipt_number": _("receipt number")},
    ),
    seams.AuditAction(
        key="associations.association.unverified",
        label=_("Verification withdrawn"),
        sentence=_("%(actor)s withdrew the association's verification"),
        field_labels={"reason": _("reason")},
    ),
    seams.AuditAction(
        key="associations.role.granted",
        label=_("Role given"),
        sentence=_("%(actor)s gave the role of %(kind)s to %(person)s"),
        field_labels=ROLE_FIELDS,
        values={"kind": ROLE_WORDS},
        placeholders=_role_holder,
        hidden=("user",),
    ),
    seams.AuditAction(
        key="associations.role.changed",
        label=_("Role changed"),
        sentence=_("%(actor)s changed the role of %(person)s from %(kind_before)s to %(kind_after)s"),
        field_labels=ROLE_FIELDS,
        values={"kind": ROLE_WORDS},
        placeholders=_role_holder,
    ),
    seams.AuditAction(
        key="associations.role.revoked",
        label=_("Role removed"),
        sentence=_("%(actor)s removed the role of %(kind)s from %(person)s"),
        field_labels=ROLE_FIELDS,
        values={"kind": ROLE_WORDS},
        placeholders=_role_holder,
        hidden=("user",),
    ),
    seams.AuditAction(
        key="associations.invitation.created",
        label=_("Invitation sent"),
        sentence=_("%(actor)s invited %(email)s to take the role of %(kind)s"),
        field_labels=ROLE_FIELDS,
        values={"kind": ROLE_WORDS},
    ),
    seams.AuditAction(
        key="associations.invitation.accepted",
        label=_("Invitation accepted"),
        sentence=_("%(actor)s accepted the invitation to take the role of %(kind)s"),
        field_labels=ROLE_FIELDS,
        values={"kind": ROLE_WORDS},
    ),
    seams.AuditAction(
        key="associations.invitation.revoked",
        label=_("Invitation withdrawn"),
        sentence=_("%(actor)s withdrew the invitation sent to %(email)s"),
        field_labels=ROLE_FIELDS,
    ),
    seams.AuditAction(
        key="associations.token.created",
        label=_("API token created"),
        sentence=_("%(actor)s created the API token %(name)s"),
        field_labels=ROLE_FIELDS,
    ),
    seams.AuditAction(
        key="associations.token.revoked",
        label=_("API token revoked"),
        sentence=_("%(actor)s revoked the API token %(name)s"),
        field_labels=ROLE_FIELDS,
    ),
):
    seams.register_audit_action(action)
