"""How the outbox's audit events read (imported from notifications/contributions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from notifications.models import Channel

CHANNEL_WORDS = dict(Channel.choices)

for action in (
    seams.AuditAction(
        key="notifications.message.resent",
        label=_("Message sent again"),
        sentence=_("%(actor)s sent a message again by %(channel)s"),
        values={"channel": CHANNEL_WORDS},
    ),
    seams.AuditAction(
        key="notifications.opposition.recorded",
        label=_("Objection recorded"),
        sentence=_("%(actor)s recorded an objection to messages by %(channel)s"),
        field_labels={"queued_suppressed": _("queued messages not sent because of it")},
        values={"channel": CHANNEL_WORDS},
    ),
):
    seams.register_audit_action(action)
