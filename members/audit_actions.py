"""How the member register's audit events read (imported from members/contributions.py).

Member events name no one (the register's events record which fields changed, never their
values, so that anonymisation leaves nothing behind): a sentence says "member #41", taken from the
event's changes or its neutral target label ('#41 (id 7)', see `Member.__str__`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from associations.formatting import format_money
from members.models import (
    ConsentPurpose,
    CorrectionRequest,
    Member,
    MemberCategory,
    MembershipSettings,
    MemberStatus,
)

MEMBER_FIELDS = {f.name: f.verbose_name for f in Member._meta.concrete_fields} | {
    "photo": _("photo"),
    "category": _("category"),
}
STATUS_WORDS = dict(MemberStatus.choices)
PURPOSE_WORDS = dict(ConsentPurpose.choices)
COMMON_LABELS = {
    "status": _("status"),
    "fields": _("fields recorded"),
    "number": _("member number"),
    "on": _("effective on"),
    "decision": _("board decision reference"),
    "purpose": _("purpose"),
}


def _member_number(facts) -> dict:
    number = facts.changes.get("number") or facts.changes.get("member_number") or facts.target_number()
    return {"number": number or "—"}


def _applied(facts):
    if facts.event.actor_id is None:
        return _("An application to join arrived through the public form")
    return _("%(actor)s recorded an application to join")


for action in (
    seams.AuditAction(
        key="members.member.admitted",
        label=_("Member admitted"),
        sentence=_("%(actor)s admitted member #%(number)s"),
        field_labels=MEMBER_FIELDS | COMMON_LABELS,
        values={"status": STATUS_WORDS},
        hidden=("status",),
    ),
    seams.AuditAction(
        key="members.member.applied",
        label=_("Application to join"),
        sentence=_applied,
        field_labels=MEMBER_FIELDS | COMMON_LABELS,
        values={"status": STATUS_WORDS},
        hidden=("status", "number"),
    ),
    seams.AuditAction(
        key="members.member.updated",
        label=_("Member details changed"),
        sentence=_("%(actor)s changed %(fields)s of member #%(number)s"),
        field_labels=MEMBER_FIELDS | COMMON_LABELS,
        placeholders=_member_number,
    ),
    seams.AuditAction(
        key="members.member.photo_set",
        label=_("Member photo changed"),
        sentence=_("%(actor)s changed the photo of member #%(number)s"),
        field_labels=MEMBER_FIELDS | COMMON_LABELS,
        placeholders=_member_number,
        hidden=("fields",),
    ),
    seams.AuditAction(
        key="members.member.status_changed",
        label=_("Member status changed"),
        sentence=_(
            "%(actor)s changed the status of member #%(number)s from %(status_before)s to %(status_after)s"
        ),
        field_labels=COMMON_LABELS,
        values={"status": STATUS_WORDS},
        placeholders=_member_number,
    ),
    seams.AuditAction(
        key="members.member.anonymised",
        label=_("Former member's data erased"),
        sentence=_(
            "%(actor)s erased the personal data of former member #%(number)s (end of the retention period)"
        ),
        field_labels=COMMON_LABELS,
    ),
    seams.AuditAction(
        key="members.import.applied",
        label=_("List of members imported"),
        sentence=_("%(actor)s imported a list of members"),
        field_labels=MEMBER_FIELDS
        | COMMON_LABELS
        | {"created": _("members added"), "updated": _("members updated"), "fields": _("columns imported")},
    ),
    seams.AuditAction(
        key="members.category.saved",
        label=_("Member category saved"),
        sentence=_("%(actor)s saved the member category %(target)s"),
        field_labels={f.name: f.verbose_name for f in MemberCategory._meta.concrete_fields},
        values={"annual_dues": lambda amount: format_money(amount)},
    ),
    seams.AuditAction(
        key="members.settings.updated",
        label=_("Membership settings changed"),
        sentence=_("%(actor)s changed the membership settings"),
        field_labels={f.name: f.verbose_name for f in MembershipSettings._meta.concrete_fields},
    ),
    seams.AuditAction(
        key="members.cin.viewed",
        label=_("CIN number viewed"),
        sentence=_("%(actor)s looked at the CIN number of member #%(number)s"),
        placeholders=_member_number,
        hidden=("member_number",),
    ),
    seams.AuditAction(
        key="members.cin.exported",
        label=_("Member list exported with CIN numbers"),
        sentence=_("%(actor)s exported the member list with the CIN numbers"),
        field_labels={"filtered_by": _("filtered by")},
        values={
            "filtered_by": {
                "query": _("search"),
                "status": _("status"),
                "category_id": _("category"),
            }
        },
    ),
    seams.AuditAction(
        key="members.consent.given",
        label=_("Consent recorded"),
        sentence=_("%(actor)s recorded the consent of member #%(number)s: %(purpose)s"),
        values={"purpose": PURPOSE_WORDS},
        placeholders=_member_number,
    ),
    seams.AuditAction(
        key="members.consent.withdrawn",
        label=_("Consent withdrawn"),
        sentence=_("%(actor)s recorded that member #%(number)s withdrew a consent: %(purpose)s"),
        values={"purpose": PURPOSE_WORDS},
        placeholders=_member_number,
    ),
    seams.AuditAction(
        key="members.correction.requested",
        label=_("Correction requested"),
        sentence=_("%(actor)s asked for a correction of a member's data"),
        hidden=("member",),
    ),
    seams.AuditAction(
        key="members.correction.resolved",
        label=_("Correction request answered"),
        sentence=_("%(actor)s answered a correction request: %(status)s"),
        values={"status": dict(CorrectionRequest.Status.choices)},
    ),
    seams.AuditAction(
        key="members.claim.created",
        label=_("Account claim link sent"),
        sentence=_(
            "%(actor)s invited member #%(number)s to link an account (the link expires on %(expires)s)"
        ),
        placeholders=_member_number,
    ),
    seams.AuditAction(
        key="members.claim.accepted",
        label=_("Account linked"),
        sentence=_("%(actor)s linked their account to member #%(number)s"),
        placeholders=_member_number,
        hidden=("member",),
    ),
):
    seams.register_audit_action(action)
