"""The chart of accounts of each association, and the statement layouts (platform reference data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class AccountNature(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    OFF_BALANCE = "off-balance", _("Off-balance")


class AccountRole(models.TextChoices):
    """What the platform uses an account for (simple-mode forms, closing, the home page)."""

    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank")
    DUES = "dues", _("Dues income")
    DONATIONS = "donations", _("Donations")
    GRANT_STATE = "grant_state", _("State grants")
    GRANT_COMMUNE = "grant_commune", _("Local authority grants")
    GRANT_INDH = "grant_indh", _("INDH grants")
    GRANT_PUBLIC_BODY = "grant_public_body", _("Public body grants")
    GRANT_INTERNATIONAL = "grant_international", _("International grants")
    OPENING = "opening", _("Opening balances")
    CLOSING = "closing", _("Closing balances")
    RESULT_SURPLUS = "result_surplus", _("Surplus of the year")
    RESULT_DEFICIT = "result_deficit", _("Deficit of the year")
    PENDING_SURPLUS = "pending_surplus", _("Surplus pending allocation")
    PENDING_DEFICIT = "pending_deficit", _("Deficit pending allocation")
    CARRIED_SURPLUS = "carried_surplus", _("Surpluses carried forward")
    CARRIED_DEFICIT = "carried_deficit", _("Deficits carried forward")
    RESERVES = "reserves", _("Statutory reserves")
    VOLUNTEERING = "volunteering", _("Volunteering")
    VOLUNTEERING_COUNTERPART = "volunteering_counterpart", _("Counterpart of contributions in kind")


# Classes whose balances are carried forward to the next year (the balance sheet); 6 and 7 make the result.
BALANCE_SHEET_CLASSES = (1, 2, 3, 4, 5)
RESULT_CLASSES = (6, 7)


class Account(TenantModel):
    """One account of the association's chart. Seeded from finance/data/chart_ma_associations.csv;
    officers add sub-accounts, rename and archive. An account with lines is never deleted."""

    code = models.CharField(_("code"), max_length=12)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    account_class = models.PositiveSmallIntegerField(_("class"))
    nature = models.CharField(_("nature"), max_length=12, choices=AccountNature.choices)
    role = models.CharField(_("role"), max_length=32, choices=AccountRole.choices, blank=True)
    # Where the row comes from: the reference chart ("core", "optional", "rare") or the association ("own").
    origin = models.CharField(max_length=10, default="own")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="finance_account_code_unique"),
            models.CheckConstraint(
                condition=models.Q(account_class__gte=0, account_class__lte=9),
                name="finance_account_class_valid",
            ),
        ]
        indexes = [models.Index(fields=["association", "role"], name="finance_account_role_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def postable(self) -> bool:
        """Entries go to detailed accounts: not class or two-digit headings (unless they carry a role)."""
        return self.archived_at is None and (len(self.code) >= 3 or bool(self.role))


class StatementLayout(models.Model):
    """A statement (Bilan actif/passif, CPC) as data: lines mapped to account-code prefixes, so the
    exact CNC layout can be loaded without code. Platform reference data, not a tenant's."""

    key = models.SlugField(unique=True, max_length=60)  # e.g. "association-normal-cpc"
    model = models.CharField(max_length=30, default="normal")  # normal / simplifie / super_simplifie
    statement = models.CharField(max_length=20)  # bilan_actif, bilan_passif, cpc
    name_ar = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    # A Bilan's assets show gross, depreciation and provisions, and net for the year (CNC layout);
    # each line's depreciation and provision accounts are its `contra` prefixes.
    gross_columns = models.BooleanField(default=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class StatementLine(models.Model):
    """One line of a layout. A `line` sums the accounts under its `prefixes` (minus `exclude`) in
    the direction of `sign` (+1: debit balance, -1: credit balance); a `total` adds other lines'
    amounts (`terms`: {"key": +1 or -1}); a `result` line shows the year's result (classes 6-7).
    `contra`: which of the line's accounts are its depreciation and provisions (28…, 29…, 39…, 59…),
    shown in their own column, and taken from the gross, when the layout has gross columns."""

    class Kind(models.TextChoices):
        HEADING = "heading", "heading"
        LINE = "line", "line"
        TOTAL = "total", "total"
        RESULT = "result", "result"

    layout = models.ForeignKey(StatementLayout, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LINE)
    label_ar = models.CharField(max_length=200)
    label_fr = models.CharField(max_length=200)
    prefixes = models.JSONField(default=list, blank=True)
    exclude = models.JSONField(default=list, blank=True)
    sign = models.SmallIntegerField(default=1)
    terms = models.JSONField(default=dict, blank=True)
    contra = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["layout", "position"]
        constraints = [models.UniqueConstraint(fields=["layout", "key"], name="finance_statement_line_key")]

    def __str__(self) -> str:
        return f"{self.layout.key}:{self.key}"

    @property
    def label(self) -> str:
        return self.label_ar if (get_language() or "ar").startswith("ar") else self.label_fr
