"""Fiscal years, journals, entries and their lines.

An entry is a draft until it is posted; posting gives it the next number of its journal in its
year (a locked counter row), chains its hash to the previous posted entry of the year and freezes
it: PostgreSQL triggers (migration 0002) refuse any change to a posted entry or its lines, any
unbalanced posted entry, and any write into a closed year.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel

GENESIS_HASH = "0" * 64
MONEY = {"max_digits": 14, "decimal_places": 2}


class YearStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FiscalYear(TenantModel):
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN)
    # Head of the year's hash chain of posted entries (updated under the year's row lock).
    chain_length = models.PositiveIntegerField(default=0)
    chain_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # Set when the year is closed: the result (positive: surplus, negative: deficit).
    result = models.DecimalField(**MONEY, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["association", "start_date"], name="finance_year_start_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="finance_year_dates"
            ),
        ]

    def __str__(self) -> str:
        if self.start_date.year == self.end_date.year:
            return str(self.start_date.year)
        return f"{self.start_date.year}-{self.end_date.year}"

    @property
    def is_closed(self) -> bool:
        return self.status == YearStatus.CLOSED


class JournalKind(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank")
    OPERATIONS = "operations", _("Operations")
    OPENING = "opening", _("Opening")


class Journal(TenantModel):
    code = models.CharField(_("code"), max_length=10)
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=JournalKind.choices)
    # The cash or bank account a cash or bank journal moves.
    account = models.ForeignKey(
        "finance.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="journals"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="finance_journal_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr


class EntryCounter(TenantModel):
    """The last number given in one journal in one year: locked while an entry is posted, so
    numbers are unique and gap-free (as member numbers are)."""

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "journal", "fiscal_year"], name="finance_counter_unique"
            )
        ]


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class EntryKind(models.TextChoices):
    STANDARD = "standard", _("Entry")
    OPENING = "opening", _("Opening balances")
    CLOSING = "closing", _("Closing")
    ALLOCATION = "allocation", _("Allocation of the result")


class Entry(TenantModel):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)  # given when posted
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    reference = models.CharField(_("piece reference"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    kind = models.CharField(max_length=12, choices=EntryKind.choices, default=EntryKind.STANDARD)
    # A reversal points to the entry it cancels (one at most: a unique constraint); the cancelled
    # entry reaches it as `reversed_by`.
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    # An allocation entry names the (closed) year whose result it allocates.
    allocates = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    chain_index = models.PositiveIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "journal", "fiscal_year", "number"], name="finance_entry_number_unique"
            ),
            models.UniqueConstraint(
                fields=["association", "fiscal_year", "chain_index"], name="finance_entry_chain_unique"
            ),
            models.UniqueConstraint(fields=["association", "reverses"], name="finance_entry_reversed_once"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(number__isnull=False, chain_index__isnull=False),
                name="finance_entry_posted_numbered",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "fiscal_year", "date"], name="finance_entry_year_date_idx"),
            models.Index(fields=["association", "status"], name="finance_entry_status_idx"),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"{self.journal.code} ({self.date:%Y-%m-%d})"
        return f"{self.journal.code}-{self.fiscal_year.start_date.year}-{self.number:05d}"

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED

    @property
    def reversed_by(self) -> Entry | None:
        """The reversal that cancels this entry, if any (the other side of `reverses`)."""
        if self.pk is None:
            return None
        return next(iter(self.reversals.all()), None)  # uses prefetch_related("reversals") if done


class EntryLine(TenantModel):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    account = models.ForeignKey("finance.Account", on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(_("debit"), **MONEY, default=Decimal("0.00"))
    credit = models.DecimalField(_("credit"), **MONEY, default=Decimal("0.00"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    project = models.ForeignKey(
        "finance.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    # Copies of the entry's fiscal year, date, status and kind, so that balances and ledgers read
    # the lines alone, through the covering indexes below (no join to the entries). The services
    # write them with the lines (and `entry_status` when posting); in PostgreSQL the line guard
    # trigger sets the year, date and kind from the entry and a deferred check refuses at commit
    # any line whose copy differs from its entry. Lines of a posted entry never change, so a copy
    # true at posting stays true.
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField()
    entry_status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT, db_default=EntryStatus.DRAFT
    )
    entry_kind = models.CharField(
        max_length=12, choices=EntryKind.choices, default=EntryKind.STANDARD, db_default=EntryKind.STANDARD
    )

    class Meta(TenantModel.Meta):
        ordering = ["entry", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0), name="finance_line_amounts_not_negative"
            ),
        ]
        indexes = [
            # (association, entry): a line lookup by entry stays one index probe inside a large
            # association (the tenant filter is added to every query).
            models.Index(fields=["association", "entry"], name="finance_line_entry_idx"),
            models.Index(fields=["association", "account"], name="finance_line_account_idx"),
            models.Index(fields=["association", "project"], name="finance_line_project_idx"),
            # Trial balance, Bilan, CPC: the posted lines of one year summed per account, read from
            # the index alone (PostgreSQL INCLUDE; elsewhere a plain partial index).
            models.Index(
                fields=["association", "fiscal_year", "account"],
                include=["debit", "credit", "entry_kind"],
                condition=models.Q(entry_status="posted"),
                name="finance_line_balance_idx",
            ),
            # General ledger of one account in one year, in (date, entry, line) order: a keyset
            # page and the balance carried into it are range scans of this index.
            models.Index(
                fields=["association", "account", "fiscal_year", "date", "entry", "id"],
                include=["debit", "credit", "entry_kind"],
                condition=models.Q(entry_status="posted"),
                name="finance_line_ledger_idx",
            ),
        ]

    @property
    def amount(self) -> Decimal:
        return self.debit - self.credit


class EntryAttachment(TenantModel):
    """A scan of the piece (invoice, receipt): a private file, served only to roles with finance.view."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="attachments")
    file = models.CharField(max_length=300)  # name in the private storage
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
