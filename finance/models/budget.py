"""The budget of a fiscal year: an amount per account (a simple-mode category is an account), with
an optional project. Budget vs actual is read in SQL (finance/reports/budget.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class BudgetLine(TenantModel):
    """The amount planned on one account (its sub-accounts included) for one year: for the whole
    association, or for one project (a funder asks for the budget of the project it funds)."""

    fiscal_year = models.ForeignKey("finance.FiscalYear", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "finance.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="budget_lines"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["account__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "account"],
                condition=models.Q(project__isnull=True),
                name="finance_budget_line_unique",
            ),
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "project", "account"],
                condition=models.Q(project__isnull=False),
                name="finance_budget_line_project_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="finance_budget_amount_positive"),
        ]
