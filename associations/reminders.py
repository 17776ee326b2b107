"""Reminder rules of the associations module (registered in AssociationsConfig.ready)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from associations.models import Association, Invitation
from notifications.models import Channel
from notifications.reminders import Recipient, ReminderRule, register_reminder_rule


def _pending_invitations():
    return Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


def _context(invitation: Invitation) -> dict:
    association = Association.objects.get(pk=invitation.association_id)
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "role": invitation.kind,
        "me_url": settings.WASL_BASE_URL.rstrip("/") + "/me/",
        "expires_on": timezone.localdate(invitation.expires_at).isoformat(),
    }


INVITATION_PENDING = register_reminder_rule(
    ReminderRule(
        key="associations.invitation_pending",
        default_offsets=(3, 7),  # days after the invitation was sent
        template_key="associations.invitation_reminder",
        candidates=_pending_invitations,
        anchor=lambda invitation: timezone.localdate(invitation.created_at),
        recipient=lambda invitation: Recipient(
            address=invitation.email, channel=Channel.EMAIL, language=invitation.language
        ),
        context=_context,
    )
)
