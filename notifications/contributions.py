"""What the outbox brings to the seams, and the reminder rule for the tenant core's invitations
(the core cannot register it: it sits below notifications). Imported from NotificationsConfig.ready."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from associations.links import absolute_url
from associations.models import Association, Invitation
from notifications import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    selectors,
)
from notifications.models import Channel, Message
from notifications.reminders import Recipient, ReminderRule, register_reminder_rule

seams.register_nav_entry(
    seams.NavEntry(
        key="notifications.outbox",
        label=_("Outbox"),
        url_name="notifications:outbox",
        capability="notifications.view",
        order=60,
        group="manage",
    )
)
seams.register_next_action(
    seams.NextAction(
        key="notifications.failed",
        capability="notifications.manage",
        count=lambda request: selectors.message_list(status=Message.Status.FAILED).count(),
        label=lambda count: (
            ngettext("%(count)d message could not be sent", "%(count)d messages could not be sent", count)
            % {"count": count}
        ),
        url_name="notifications:outbox",
        query=f"status={Message.Status.FAILED}",
        order=90,
    )
)


def _pending_invitations():
    return Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


def _invitation_context(invitation: Invitation) -> dict:
    association = Association.objects.get(pk=invitation.association_id)
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "role": invitation.kind,
        "me_url": absolute_url("/me/"),
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
        context=_invitation_context,
    )
)
