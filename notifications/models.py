"""The outbox: one row per intended message, and the channels a person objected to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Message(TenantModel):
    """One intended message. `dedup_key` is unique per association: enqueueing the same intended
    effect twice (a retried task, two sweeps at once) finds the existing row instead."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed (opposition)")

    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to_address = models.CharField(max_length=254)  # e-mail address, or phone number in E.164
    template_key = models.CharField(max_length=80)
    language = models.CharField(max_length=8)
    context = models.JSONField(default=dict, blank=True)
    dedup_key = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The dispatch run that claimed it (outbox_dispatch claims a batch in one UPDATE, then reads
    # back the rows carrying its token: those, and only those, are its to send).
    claim_token = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "dedup_key"], name="message_dedup_unique")
        ]
        indexes = [
            models.Index(fields=["association", "status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["association", "created_at"], name="message_created"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.template_key} → {self.to_address}"


class Opposition(TenantModel):
    """Law 09-08 right of opposition: this address receives nothing on this channel from the
    association. The outbox records such messages as suppressed instead of sending them."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)  # normalised: lower-case e-mail, or E.164 phone
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "channel", "address"], name="opposition_unique"),
        ]


class ReminderSetting(TenantModel):
    """An association's own offsets (in days from the rule's anchor date) for one reminder rule."""

    rule_key = models.CharField(max_length=80)
    offsets = models.JSONField(default=list)  # e.g. [-10, -5, 0, 5]
    enabled = models.BooleanField(default=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "rule_key"], name="reminder_setting_unique"),
        ]
