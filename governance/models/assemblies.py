"""Assemblies and board meetings: convocation, agenda, replies, attendance and proxies."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel
from governance.models.rules import AssemblyKind, DecisionKind, StatuteRules


def new_token() -> str:
    return secrets.token_urlsafe(16)


class AssemblyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONVENED = "convened", _("Convened")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Assembly(TenantModel):
    kind = models.CharField(
        _("kind"), max_length=14, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=10, choices=AssemblyStatus.choices, default=AssemblyStatus.DRAFT)
    first_call_at = models.DateTimeField(_("first call"))
    # Set at convocation from the rules' delay unless the convener fixed it.
    second_call_at = models.DateTimeField(_("second call"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    remote_voting = models.BooleanField(_("members may vote remotely"), default=False)
    # The statute rules in force at convocation (set then; a draft follows the latest version).
    rules = models.ForeignKey(StatuteRules, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    convened_at = models.DateTimeField(null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Which call is running (1 or 2), and when the session opened and closed.
    current_call = models.PositiveSmallIntegerField(default=1)
    opened_at = models.DateTimeField(null=True, blank=True)
    second_call_opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Quorum as it stood when each call was declared (present+represented / members with a vote).
    quorum_first_present = models.PositiveIntegerField(null=True, blank=True)
    quorum_first_members = models.PositiveIntegerField(null=True, blank=True)
    quorum_first_reached = models.BooleanField(null=True, blank=True)
    quorum_second_present = models.PositiveIntegerField(null=True, blank=True)
    quorum_second_members = models.PositiveIntegerField(null=True, blank=True)
    quorum_second_reached = models.BooleanField(null=True, blank=True)
    public_token = models.CharField(max_length=32, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-first_call_at"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            models.UniqueConstraint(fields=["association", "public_token"], name="assembly_token_unique")
        ]
        indexes = [
            models.Index(fields=["association", "status", "first_call_at"], name="assembly_status_date")
        ]

    def __str__(self) -> str:
        # Day/month/year in Casablanca time: how a date reads in Arabic and French alike (audit sentences).
        return f"{self.get_kind_display()} {timezone.localtime(self.first_call_at):%d/%m/%Y}"

    @property
    def is_general(self) -> bool:
        return self.kind != AssemblyKind.BOARD


class AgendaItemKind(models.TextChoices):
    INFORMATION = "information", _("Information or debate")
    RESOLUTION = "resolution", _("Resolution put to the vote")
    ELECTION = "election", _("Election")


class AgendaItem(TenantModel):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(
        _("kind"), max_length=12, choices=AgendaItemKind.choices, default=AgendaItemKind.INFORMATION
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("text"), blank=True)
    # What majority a resolution needs (ordinary, statutes, dissolution); elections use "election".
    decision_kind = models.CharField(
        _("kind of decision"), max_length=12, choices=DecisionKind.choices, default=DecisionKind.ORDINARY
    )

    class Meta(TenantModel.Meta):
        ordering = ["assembly", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "assembly", "position"], name="agenda_item_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class AssemblyDocument(TenantModel):
    """A document sent with the convocation (report, draft statutes, budget)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.CharField(max_length=300)  # name in the private storage
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["association", "assembly"], name="assembly_document_assembly")]


class ReplyAnswer(models.TextChoices):
    YES = "yes", _("I will come")
    NO = "no", _("I will not come")
    MAYBE = "maybe", _("Maybe")


class ConvocationReply(TenantModel):
    """A member's answer to the convocation: will they come?"""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="replies")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=5, choices=ReplyAnswer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "assembly", "member"], name="convocation_reply_unique"
            )
        ]


class CheckInMethod(models.TextChoices):
    CARD = "card", _("Member card scanned")
    SEARCH = "search", _("Name searched")
    API = "api", _("Through the API")


class Attendance(TenantModel):
    """A member checked in at the door (once per assembly)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    call = models.PositiveSmallIntegerField(default=1)  # the call running at check-in
    method = models.CharField(max_length=6, choices=CheckInMethod.choices, default=CheckInMethod.SEARCH)
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "assembly", "member"], name="attendance_unique")
        ]


class Proxy(TenantModel):
    """A written proxy: the grantor gives their vote at this assembly to the holder."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    document = models.CharField(max_length=300, blank=True)  # the scanned proxy, in the private storage
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            # One proxy per grantor and assembly.
            models.UniqueConstraint(
                fields=["association", "assembly", "grantor"], name="proxy_one_per_grantor"
            ),
            models.CheckConstraint(condition=~models.Q(grantor=models.F("holder")), name="proxy_not_to_self"),
        ]
        indexes = [models.Index(fields=["association", "assembly", "holder"], name="proxy_holder")]
