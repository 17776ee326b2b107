"""The reminder rule of foreign-money declarations: the treasurer (else the president) is told a
week before a declaration to the SGG is due, the day before, on the day and a week after, until it
is recorded as sent. The notifications sweep makes each (declaration, offset) fire once."""

from __future__ import annotations

from django.conf import settings

from associations.capabilities import RoleKind
from associations.formatting import format_money
from associations.models import Association, Role
from finance.models import DeclarationStatus, ForeignDeclaration
from notifications.reminders import Recipient, ReminderRule, register_reminder_rule


def _officer():
    roles = Role.objects.filter(kind__in=(RoleKind.TREASURER, RoleKind.PRESIDENT)).select_related("user")
    for kind in (RoleKind.TREASURER, RoleKind.PRESIDENT):
        for role in roles:
            if role.kind == kind and role.user.email:
                return role.user
    return None


def _candidates():
    if _officer() is None:
        return ForeignDeclaration.objects.none()
    return ForeignDeclaration.objects.filter(status=DeclarationStatus.TO_DECLARE)


def _recipient(declaration: ForeignDeclaration) -> Recipient:
    user = _officer()
    return Recipient(
        address=user.email,
        channel="email",
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        name=user.get_full_name() if hasattr(user, "get_full_name") else "",
        user=user,
    )


def _context(declaration: ForeignDeclaration) -> dict:
    association = Association.objects.get(pk=declaration.association_id)
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "amount": format_money(declaration.amount),
        "origin": declaration.origin,
        "received_on": declaration.received_on.strftime("%d/%m/%Y"),
        "due_on": declaration.due_on.strftime("%d/%m/%Y"),
    }


DECLARATION_DUE = register_reminder_rule(
    ReminderRule(
        key="finance.declaration_due",
        default_offsets=(-7, -1, 0, 7),  # days from the declaration's deadline
        template_key="finance.declaration_due",
        candidates=_candidates,
        anchor=lambda declaration: declaration.due_on,
        recipient=_recipient,
        context=_context,
    )
)
