"""Governance's reminder rules, swept by beat through the notifications service: a declaration to
the local authority coming due and overdue (art. 5: one month after the change), and a final
receipt not given within 60 days of filing. Each (declaration, offset) fires once (dedup key)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.links import absolute_url
from associations.models import Association, Role
from governance.models import Declaration, DeclarationStatus
from notifications.reminders import Recipient, ReminderRule, register_reminder_rule


def _officer(declaration: Declaration):
    """Who files declarations: the secretary-general, else the president, else who opened it."""
    for kind in (RoleKind.SECRETARY_GENERAL, RoleKind.PRESIDENT):
        role = Role.objects.filter(kind=kind).select_related("user").order_by("granted_at", "pk").first()
        if role is not None:
            return role.user
    return declaration.opened_by


def _recipient(declaration: Declaration) -> Recipient:
    user = _officer(declaration)
    return Recipient(
        address=user.email,
        channel="email",
        language=settings.LANGUAGE_CODE,
        name=user.display_name,
        user=user,
    )


def _context(declaration: Declaration) -> dict:
    association = Association.objects.get(pk=declaration.association_id)
    link = absolute_url(
        reverse(
            "governance:declaration",
            kwargs={"association_slug": association.slug, "declaration_id": declaration.pk},
        )
    )
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "kind": declaration.kind,
        "due_on": declaration.due_on.isoformat(),
        "filed_on": declaration.filed_on.isoformat() if declaration.filed_on else "",
        "final_due_on": declaration.final_due_on.isoformat() if declaration.final_due_on else "",
        "link": link,
    }


DECLARATION_DUE = register_reminder_rule(
    ReminderRule(
        key="governance.declaration_due",
        default_offsets=(-10, -3, 1, 7),  # days from the deadline: before it, and after it if still open
        template_key="governance.declaration_due",
        candidates=lambda: Declaration.objects.filter(status=DeclarationStatus.OPEN).select_related(
            "opened_by"
        ),
        anchor=lambda declaration: declaration.due_on,
        recipient=_recipient,
        context=_context,
    )
)
FINAL_RECEIPT_DUE = register_reminder_rule(
    ReminderRule(
        key="governance.final_receipt_due",
        default_offsets=(1,),  # the day after the 60 days
        template_key="governance.final_receipt_due",
        candidates=lambda: Declaration.objects.filter(status=DeclarationStatus.FILED).select_related(
            "opened_by"
        ),
        anchor=lambda declaration: declaration.final_due_on,
        recipient=_recipient,
        context=_context,
    )
)
