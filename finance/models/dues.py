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


class DuesSettings(TenantModel):
    """One row per association: how dues are kept in the books. (When members are reminded is the
    notifications module's reminder setting of the rule "finance.dues": finance/reminders.py.)"""

    # Cash basis (the default): a payment of dues is income when received. Accrual: generating
    # the year's dues enters them as receivables (3485 members' dues receivable / 7152), and a
    # payment settles the receivable.
    accrual = models.BooleanField(_("dues as receivables (accrual basis)"), default=False)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="finance_dues_settings_one")]


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    WALLET = "wallet", _("Mobile wallet")


class ReceiptSeries(models.TextChoices):
    DUES = "dues", _("Dues")
    DONATIONS = "donations", _("Donations")
    OTHER = "other", _("Other receipts")


class Payment(TenantModel):
    """Money received: from a member (perhaps for several members of a family), or from someone
    who is not a member. It pays dues (its allocations, oldest first, the rest kept as credit) or a
    purpose with its own credit account (a donation, a grant instalment…). Its balanced entry is
    posted in the same transaction (`entry`); a cancelled payment keeps its rows and gets a
    reversal entry (`reversal_entry`)."""

    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    cheque_number = models.CharField(_("cheque number"), max_length=30, blank=True)
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    payer_member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    # Shown on the receipt: the member's name at the time, or the non-member payer's.
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_email = models.EmailField(_("payer's e-mail address"), blank=True)
    payer_phone = models.CharField(_("payer's phone"), max_length=20, blank=True)
    purpose = models.CharField(_("what for"), max_length=200)
    series = models.CharField(_("receipt series"), max_length=10, choices=ReceiptSeries.choices)
    treasury_account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="+")
    credit_account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "finance.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What a dues payment left over after its allocations: the payer's credit, used by later dues.
    credit_left = models.DecimalField(_("credit kept (MAD)"), **MONEY, default=Decimal("0.00"))
    entry = models.ForeignKey("finance.Entry", on_delete=models.PROTECT, related_name="+")
    reversal_entry = models.ForeignKey(
        "finance.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(credit_left__gte=0) & Q(credit_left__lte=F("amount")),
                name="finance_payment_credit_within",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "date"], name="finance_payment_date_idx"),
            models.Index(fields=["association", "payer_member"], name="finance_payment_payer_idx"),
        ]

    def __str__(self) -> str:
        # Neutral on purpose: the audit trail records it, and it must hold no name.
        return f"#{self.pk} {self.amount} ({self.date:%d/%m/%Y})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Allocation(TenantModel):
    """The part of a payment that settles one due (a family payment has one per member's due)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    due = models.ForeignKey(Due, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "payment", "due"], name="finance_allocation_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_allocation_amount_positive"),
        ]
        indexes = [models.Index(fields=["association", "due"], name="finance_allocation_due_idx")]


class ReceiptCounter(TenantModel):
    """The last receipt number of one series in one fiscal year: locked in the payment's
    transaction, so receipt numbers are unique and gap-free."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=10, choices=ReceiptSeries.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "series"], name="finance_receipt_counter_unique"
            )
        ]


class ReceiptKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    CANCELLATION = "cancellation", _("Cancellation receipt")


SERIES_PREFIX = {ReceiptSeries.DUES: "C", ReceiptSeries.DONATIONS: "D", ReceiptSeries.OTHER: "R"}


class Receipt(TenantModel):
    """A numbered receipt: for a payment, or (kind "cancellation") cancelling an earlier receipt.
    Nothing is ever deleted; a number is never given twice."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(_("series"), max_length=10, choices=ReceiptSeries.choices)
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(max_length=12, choices=ReceiptKind.choices, default=ReceiptKind.RECEIPT)
    # One cancellation per receipt at most (a unique constraint within the association).
    cancels = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancellations"
    )
    issued_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)  # of a cancellation
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The payer's signed link names this version (finance/receipt_links.py); withdrawing the links
    # already sent bumps it, so they stop working while the receipt itself stays.
    link_version = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "series", "number"],
                name="finance_receipt_number_unique",
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="finance_receipt_number_positive"),
            models.UniqueConstraint(fields=["association", "cancels"], name="finance_receipt_cancelled_once"),
        ]
        indexes = [models.Index(fields=["association", "issued_on"], name="finance_receipt_issued_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The printed number, e.g. C2026-00042 (series letter, year of the fiscal year's start)."""
        return f"{SERIES_PREFIX.get(self.series, 'R')}{self.fiscal_year.start_date.year}-{self.number:05d}"
