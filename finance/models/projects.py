"""Projects and programmes (analytical axis): a project may be set on any entry line."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class Project(TenantModel):
    code = models.CharField(_("code"), max_length=20)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(_("budget (MAD)"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="finance_project_code_unique"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="finance_project_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr
