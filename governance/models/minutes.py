"""Minutes (procès-verbal) of an assembly, and the annual report pack for an ordinary assembly."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    PUBLISHED = "published", _("Published to members")


class Minutes(TenantModel):
    """The facts are drafted from the meeting (attendance, quorum per call, agenda, decisions,
    tallies, elected officers) and frozen in `facts`; the officers edit the narrative. Signing
    freezes the text; publishing issues the bilingual PDF (documents) and shows it to members."""

    assembly = models.ForeignKey("governance.Assembly", on_delete=models.PROTECT, related_name="minutes")
    facts = models.JSONField(default=dict)
    text_ar = models.TextField(_("minutes (Arabic)"), blank=True)
    text_fr = models.TextField(_("minutes (French)"), blank=True)
    status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-drafted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "assembly"], name="governance_minutes_one_per_assembly"
            )
        ]

    def __str__(self) -> str:
        return f"PV {self.assembly_id}"


class Signatory(models.TextChoices):
    PRESIDENT = "president", _("President")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")


class MinutesSignature(TenantModel):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="signatures")
    signatory = models.CharField(max_length=20, choices=Signatory.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)  # as printed, at signing time
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["signatory"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "minutes", "signatory"], name="governance_minutes_signature_once"
            )
        ]


class AnnualReport(TenantModel):
    """The pack for an ordinary assembly: the board's moral report, the financial statements of the
    year, budget vs actual, next year's budget and the resolutions, rendered as one PDF by a job."""

    assembly = models.ForeignKey(
        "governance.Assembly", on_delete=models.PROTECT, related_name="annual_reports"
    )
    fiscal_year = models.ForeignKey("finance.FiscalYear", on_delete=models.PROTECT, related_name="+")
    next_fiscal_year = models.ForeignKey(
        "finance.FiscalYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moral_report_ar = models.TextField(_("moral report (Arabic)"), blank=True)
    moral_report_fr = models.TextField(_("moral report (French)"), blank=True)
    file = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["association", "assembly"], name="governance_annual_report_one")
        ]
