"""Communication: announcements to members (by e-mail and SMS, materialised as outbox messages),
and the association's public page (its profile text and contact, news posts and activity reports).

A domain of its own rather than part of the outbox: it has pages, drafts, audiences and public
content; `notifications` stays the delivery service it uses, as the other modules do."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class Announcement(TenantModel):
    """A message from the board to a part of the members. Written as a draft; sending (now or at a
    time) is confirmed once: from then its recipients are materialised, in chunks, as outbox
    messages with one dedup key per announcement, member and channel."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUING = "queuing", _("Being queued")
        QUEUED = "queued", _("Queued for delivery")

    subject_ar = models.CharField(_("subject in Arabic"), max_length=200, blank=True)
    subject_fr = models.CharField(_("subject in French"), max_length=200, blank=True)
    body_ar = models.TextField(_("message in Arabic"), blank=True)
    body_fr = models.TextField(_("message in French"), blank=True)
    sms_text = models.TextField(_("SMS text"), blank=True)
    by_email = models.BooleanField(_("send by e-mail"), default=True)
    by_sms = models.BooleanField(_("send by SMS"), default=False)
    # The chosen segments: {segment key: chosen value ("" for a segment without choices)}.
    audience = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # Keyset cursor of the materialisation: members with a larger id are still to be queued.
    cursor = models.BigIntegerField(default=0)
    recipient_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["association", "status", "scheduled_at"], name="announcement_due"),
            models.Index(fields=["association", "created_at"], name="announcement_created"),
        ]

    def __str__(self) -> str:
        return f"announcement {self.pk}"

    def subject_in(self, language: str) -> str:
        if language.startswith("fr"):
            return self.subject_fr or self.subject_ar
        return self.subject_ar or self.subject_fr

    def body_in(self, language: str) -> str:
        if language.startswith("fr"):
            return self.body_fr or self.body_ar
        return self.body_ar or self.body_fr

    @property
    def languages(self) -> list[str]:
        return [code for code, text in (("ar", self.body_ar), ("fr", self.body_fr)) if text.strip()]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AnnouncementRecipient(TenantModel):
    """A member the announcement was for: what the portal lists (read or unread), and the key to
    their outbox messages (channel by channel, through the dedup key)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    member_id = models.BigIntegerField()  # members.Member (a lower layer; kept as a plain id)
    user_id = models.BigIntegerField(null=True, blank=True)  # their account, for the portal
    language = models.CharField(max_length=8)
    by_email = models.BooleanField(default=False)
    by_sms = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "announcement", "member_id"], name="announcement_recipient_once"
            )
        ]
        indexes = [
            models.Index(fields=["association", "member_id", "announcement"], name="announcement_member"),
            models.Index(fields=["association", "user_id", "read_at"], name="announcement_user_unread"),
        ]

    @property
    def reachable(self) -> bool:
        return self.by_email or self.by_sms


class PublicProfile(TenantModel):
    """What the association says of itself on its public page, beyond the directory facts."""

    object_ar = models.TextField(_("object (Arabic)"), blank=True, max_length=2000)
    object_fr = models.TextField(_("object (French)"), blank=True, max_length=2000)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    contact_phone = models.CharField(_("public contact phone"), max_length=20, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="public_profile_one")]


class Post(TenantModel):
    """A news item or an activity report on the public page: a draft until published; a draft is
    never shown to the public."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        ACTIVITY = "activity", _("Activity report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    body_ar = models.TextField(_("text in Arabic"), blank=True)
    body_fr = models.TextField(_("text in French"), blank=True)
    happened_on = models.DateField(_("date of the activity"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["association", "status", "published_at"], name="post_published")]

    def __str__(self) -> str:
        return f"post {self.pk}"

    def title_in(self, language: str) -> str:
        if language.startswith("fr"):
            return self.title_fr or self.title_ar
        return self.title_ar or self.title_fr

    def body_in(self, language: str) -> str:
        if language.startswith("fr"):
            return self.body_fr or self.body_ar
        return self.body_ar or self.body_fr

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PostPhoto(TenantModel):
    """A photo of a post, checked by content and resized for slow connections when uploaded."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=300)  # name in the private storage (served with the post)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # The officer confirmed that the people recognisable in it consented to appear (law 09-08).
    consent_confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["id"]
