"""Issued documents: a snapshot of the data, the PDF rendered from it, its hash and public token."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


def new_token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits: not guessable, not sequential


class Document(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being rendered")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Rendering failed")

    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    token = models.CharField(max_length=32, default=new_token)
    snapshot = models.JSONField()  # everything the PDF shows, frozen at issue time
    file = models.CharField(max_length=300, blank=True)  # name in the private storage
    # The PDF was deleted because it held personal data that was erased (documents.services.
    # document_files_delete); the document itself stays, and its verification page keeps answering.
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["association", "token"], name="document_token_unique")]
        indexes = [models.Index(fields=["association", "kind", "issued_at"], name="document_kind_issued")]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:6]}…"


class AssociationLogo(TenantModel):
    """The association's logo: a resized PNG in the private storage, shown on its public page and
    printed on the documents it issues (`documents.logos`)."""

    file = models.CharField(max_length=300)  # name in the private storage
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="association_logo_one")]
