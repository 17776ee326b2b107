"""Declarations to the local authority (dahir 1-58-376, art. 5): a change of bureau or statutes,
or a new branch, is declared within the month that follows it; the authority gives a provisional
receipt on the spot, and the final receipt within 60 days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel

FINAL_RECEIPT_DAYS = 60


class DeclarationKind(models.TextChoices):
    BUREAU = "bureau", _("Change of bureau")
    STATUTES = "statutes", _("Amendment of the statutes")
    BUREAU_AND_STATUTES = "bureau_statutes", _("Change of bureau and amendment of the statutes")
    BRANCH = "branch", _("Creation of a branch")


class DeclarationStatus(models.TextChoices):
    OPEN = "open", _("To file")
    FILED = "filed", _("Filed, provisional receipt")
    ACKNOWLEDGED = "acknowledged", _("Final receipt received")


class Declaration(TenantModel):
    kind = models.CharField(_("what is declared"), max_length=20, choices=DeclarationKind.choices)
    assembly = models.ForeignKey(
        "governance.Assembly", on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    changed_on = models.DateField(_("date of the change"))
    due_on = models.DateField(_("to file before"))  # one month after the change
    branch_name = models.CharField(_("branch"), max_length=200, blank=True)
    authority = models.CharField(_("local authority"), max_length=200, blank=True)
    status = models.CharField(
        max_length=14, choices=DeclarationStatus.choices, default=DeclarationStatus.OPEN
    )
    filed_on = models.DateField(_("provisional receipt dated"), null=True, blank=True)
    provisional_reference = models.CharField(_("provisional receipt number"), max_length=60, blank=True)
    final_due_on = models.DateField(null=True, blank=True)  # filed_on + 60 days
    final_on = models.DateField(_("final receipt dated"), null=True, blank=True)
    final_reference = models.CharField(_("final receipt number"), max_length=60, blank=True)
    # The pack (one PDF) in the private storage: it prints CIN numbers.
    pack_file = models.CharField(max_length=300, blank=True)
    pack_sha256 = models.CharField(max_length=64, blank=True)
    pack_generated_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-changed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("changed_on")), name="governance_declaration_due"
            ),
        ]
        indexes = [
            models.Index(fields=["association", "status", "due_on"], name="governance_declaration_state")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.changed_on:%d/%m/%Y}"

    def is_late(self, today) -> bool:
        return self.status == DeclarationStatus.OPEN and self.due_on < today

    def final_is_late(self, today) -> bool:
        return (
            self.status == DeclarationStatus.FILED
            and self.final_due_on is not None
            and self.final_due_on < today
        )
