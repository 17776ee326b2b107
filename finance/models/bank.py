"""Bank statements imported from a bank's CSV (or XLSX) export, their lines, and the column mapping
remembered per file layout. A statement line is reconciled when it is matched to the ledger line
that moved the same bank account by the same amount (one ledger line, one statement line)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class BankStatement(TenantModel):
    """One uploaded export, between upload, column mapping and import."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        IMPORTED = "imported", _("Imported")

    account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="+")
    file = models.CharField(max_length=300)  # name in the private storage
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list, blank=True)
    samples = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)
    closing_balance = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class BankLine(TenantModel):
    """One line of a statement: money out (`debit`, as the bank writes it) or in (`credit`)."""

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=300)
    debit = models.DecimalField(_("money out"), **MONEY, default=Decimal("0.00"))
    credit = models.DecimalField(_("money in"), **MONEY, default=Decimal("0.00"))
    balance = models.DecimalField(_("balance"), **MONEY, null=True, blank=True)
    # The ledger line (on the same bank account) this line is reconciled with.
    entry_line = models.ForeignKey(
        "finance.EntryLine", on_delete=models.PROTECT, null=True, blank=True, related_name="bank_lines"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["date", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "statement", "position"], name="finance_bank_line_pos"
            ),
            models.UniqueConstraint(
                fields=["association", "entry_line"],
                condition=models.Q(entry_line__isnull=False),
                name="finance_bank_line_matched_once",
            ),
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0), name="finance_bank_line_amounts"
            ),
        ]
        indexes = [
            models.Index(fields=["association", "account", "date"], name="finance_bank_line_date_idx"),
        ]

    @property
    def amount(self) -> Decimal:
        """Money into the account (positive) or out of it (negative), as the books see it."""
        return self.credit - self.debit

    @property
    def is_reconciled(self) -> bool:
        return self.entry_line_id is not None


class BankImportMapping(TenantModel):
    """The column mapping an association chose for a bank's file layout, remembered for next time."""

    header_signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "header_signature"], name="finance_bank_mapping_unique"
            ),
        ]
