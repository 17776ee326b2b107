"""Dues: the schedule of a fiscal year per member category, and each member's dues.

One due per member, fiscal year and kind (the year's dues, the joining fee): a unique constraint,
so generating the dues twice creates nothing twice. `paid` is what payments have allocated to the
due so far (written under the due's row lock by the payment services); a waived due is owed by
nobody and accepts no payment.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel
from finance.models.ledger import MONEY, FiscalYear


class DuesSchedule(TenantModel):
    """What the members of one category owe for one fiscal year (the category's default amount,
    editable per year), when, and the joining fee of those who join that year."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("members.MemberCategory", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("annual dues (MAD)"), **MONEY)
    due_date = models.DateField(_("due date"))
    joining_fee = models.DecimalField(_("joining fee (MAD)"), **MONEY, default=Decimal("0.00"))
    # A member who joins during the year owes the dues for the months left (whole months, the
    # month of joining included).
    pro_rata = models.BooleanField(_("pro rata for members joining during the year"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "category"], name="finance_dues_schedule_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(joining_fee__gte=0), name="finance_dues_schedule_amounts"
            ),
        ]


class DueKind(models.TextChoices):
    ANNUAL = "annual", _("Annual dues")
    JOINING = "joining", _("Joining fee")


class Due(TenantModel):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="dues")
    kind = models.CharField(_("kind"), max_length=10, choices=DueKind.choices, default=DueKind.ANNUAL)
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)
    paid = models.DecimalField(_("paid (MAD)"), **MONEY, default=Decimal("0.00"))
    due_date = models.DateField(_("due date"))
    schedule = models.ForeignKey(
        DuesSchedule, on_delete=models.PROTECT, null=True, blank=True, related_name="dues"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_reason = models.CharField(_("reason for the waiver"), max_length=300, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the due was entered in the books as a receivable (accrual basis).
    accrual_entry = models.ForeignKey(
        "finance.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "member", "fiscal_year", "kind"], name="finance_due_one_per_kind"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_due_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="finance_due_paid_within"
            ),
        ]
        indexes = [models.Index(fields=["association", "due_date"], name="finance_due_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}"

    @property
    def is_waived(self) -> bool:
        return self.waived_at is not None

    @property
    def balance(self) -> Decimal:
        """What is left to pay (nothing when waived)."""
        return Decimal("0.00") if self.is_waived else self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        return self.balance <= 0
